#pragma once

// The Chat tab: conversations on the left; the endpoint picker (ready runs plus manual
// endpoints), the message view and the input box on the right.

#include "runs/RunInfo.h"

#include <QList>
#include <QWidget>

class QComboBox;
class QLabel;
class QListView;
class QPlainTextEdit;
class QPushButton;

namespace gantry::ui {

class ChatPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ChatPanel(QWidget *parent = nullptr);

    // The runs whose models can be chatted with (ready ones are offered in the picker).
    void setRunEndpoints(const QList<RunInfo> &runs);
    // Pick this endpoint (from "Chat with this model").
    void useEndpoint(const ModelEndpoint &endpoint, const QString &token, const QString &runName);

    ModelEndpoint currentEndpoint() const;
    QComboBox *endpointPicker() const { return m_endpoints; }

private:
    struct Choice {
        QString label;
        ModelEndpoint endpoint;
        QString token;  // held in memory only
    };
    void rebuildPicker();

    QList<Choice> m_runChoices;
    QList<Choice> m_manualChoices;
    QComboBox *m_endpoints;
    QLabel *m_notice;
};

} // namespace gantry::ui
