#include "ui/LazyPage.h"

#include <QVBoxLayout>

namespace gantry::ui {

LazyPage::LazyPage(Builder build, QWidget *parent)
    : QWidget(parent)
    , m_build(std::move(build))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
}

QWidget *LazyPage::panel()
{
    if (m_panel)
        return m_panel;
    m_panel = m_build(this);
    layout()->addWidget(m_panel);
    // Shown now, within this show or before the next paint: a page that is already on screen
    // would otherwise show its new child only one event later (QLayout shows it queued).
    if (isVisible())
        m_panel->show();
    Q_EMIT built(m_panel);
    return m_panel;
}

void LazyPage::showEvent(QShowEvent *event)
{
    panel();
    QWidget::showEvent(event);
}

} // namespace gantry::ui
