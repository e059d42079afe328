#include "ui/offers/FleetNote.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace gantry::ui {

FleetNote::FleetNote(QWidget *parent)
    : QFrame(parent)
    , m_text(new QLabel(this))
    , m_create(new QPushButton(tr("Create a fleet…"), this))
{
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    QPalette p = palette();
    p.setColor(QPalette::Window, QColor(255, 244, 214)); // a note, not an error
    p.setColor(QPalette::WindowText, QColor(60, 45, 0));
    setPalette(p);
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::RichText);
    m_create->setToolTip(
        tr("Write fleet.dstack.yml for this configuration (nodes 0..1: nothing is bought until a run needs it), "
           "open it, and apply it after you confirm"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_create);
    connect(m_create, &QPushButton::clicked, this, &FleetNote::createRequested);
    hide();
}

void FleetNote::showFor(const QString &project)
{
    m_text->setText(tr("<b>Deploying needs a fleet.</b> Project <b>%1</b> has none, so these are its backends' offers: "
                       "dstack places "
                       "runs only into fleets.")
                        .arg(project.toHtmlEscaped()));
    show();
}

QString FleetNote::text() const
{
    return isHidden() ? QString() : m_text->text();
}

} // namespace gantry::ui
