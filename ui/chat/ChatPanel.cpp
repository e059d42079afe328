#include "chat/ChatPanel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace gantry::ui {

ChatPanel::ChatPanel(QWidget *parent)
    : QWidget(parent)
    , m_endpoints(new QComboBox(this))
    , m_notice(new QLabel(this))
{
    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Model:"), this));
    top->addWidget(m_endpoints, 1);
    m_notice->setAlignment(Qt::AlignCenter);
    m_notice->setForegroundRole(QPalette::PlaceholderText);
    m_notice->setText(tr("Deploy a model, then press “Chat with this model” in the Runs tab."));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(top);
    layout->addWidget(m_notice, 1);
    rebuildPicker();
}

void ChatPanel::setRunEndpoints(const QList<RunInfo> &runs)
{
    QList<Choice> choices;
    for (const RunInfo &run : runs) {
        if (!run.ready || !run.model || isFinal(run.status))
            continue;
        const QString token = [&] {
            for (const Choice &c : std::as_const(m_runChoices))
                if (c.endpoint.baseUrl == run.model->baseUrl)
                    return c.token;
            return QString();
        }();
        choices << Choice{tr("%1 — %2").arg(run.model->name, run.name), *run.model, token};
    }
    bool same = choices.size() == m_runChoices.size();
    for (qsizetype i = 0; same && i < choices.size(); ++i)
        same = choices[i].label == m_runChoices[i].label;
    if (same)
        return;
    m_runChoices = choices;
    rebuildPicker();
}

void ChatPanel::useEndpoint(const ModelEndpoint &endpoint, const QString &token, const QString &runName)
{
    const QString label = tr("%1 — %2").arg(endpoint.name, runName);
    bool found = false;
    for (Choice &c : m_runChoices) {
        if (c.label == label) {
            c.token = token;
            found = true;
        }
    }
    if (!found)
        m_runChoices << Choice{label, endpoint, token};
    rebuildPicker();
    m_endpoints->setCurrentIndex(std::max(0, m_endpoints->findText(label)));
}

ModelEndpoint ChatPanel::currentEndpoint() const
{
    const int i = m_endpoints->currentIndex();
    const QList<Choice> all = m_runChoices + m_manualChoices;
    return i >= 0 && i < all.size() ? all[i].endpoint : ModelEndpoint{};
}

void ChatPanel::rebuildPicker()
{
    const QString current = m_endpoints->currentText();
    m_endpoints->clear();
    for (const Choice &c : std::as_const(m_runChoices))
        m_endpoints->addItem(c.label);
    for (const Choice &c : std::as_const(m_manualChoices))
        m_endpoints->addItem(c.label);
    if (m_endpoints->count() == 0)
        m_endpoints->setPlaceholderText(tr("No ready model"));
    const int keep = m_endpoints->findText(current);
    if (keep >= 0)
        m_endpoints->setCurrentIndex(keep);
}

} // namespace gantry::ui
