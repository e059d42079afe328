#pragma once

// The Chat tab: conversations on the left (new, rename, delete, search); on the right the
// endpoint picker (ready runs plus manual endpoints), system prompt and parameters, the
// message view and the input box. The chat core (ChatSession over a ChatClient and the
// SQLite ConversationStore) does the work; this only shows it.

#include "core/chat/ComparisonRun.h"
#include "core/runs/RunInfo.h"

#include <QList>
#include <QWidget>

#include <functional>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListView;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace gantry {
class ChatClient;
class ChatSession;
class ConversationListModel;
class ConversationStore;
class TokenStore;
class MessageListModel;
} // namespace gantry

namespace gantry::ui {

class ChatInput;
class CompareDialog;
class MessageDelegate;

class ChatPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ChatPanel(QWidget *parent = nullptr);
    ~ChatPanel() override;

    // The runs whose models can be chatted with: every ready one, of every backend, is offered
    // in the picker. tokenOf gives a run's bearer token (dstack's model proxy needs one).
    void setRunEndpoints(const QList<RunInfo> &runs,
                         const std::function<QString(const QString &runName)> &tokenOf = {});
    // Pick this endpoint (from "Chat with this model"); the token stays in memory.
    void useEndpoint(const ModelEndpoint &endpoint, const QString &token, const QString &runName);
    // A manual endpoint: base URL (…/v1), model name, optional bearer token (stored in the
    // OS keychain; remembered endpoints get their token back from it).
    void addManualEndpoint(const QString &baseUrl, const QString &model, const QString &token);
    ModelEndpoint currentEndpoint() const;
    // The line under the picker: the endpoint's URL and where its token is kept.
    QString endpointNote() const;

    void newConversation();
    // Show the conversation at this row of the list (0: the newest).
    void openConversation(int row);
    void sendInput();

    ChatSession *session() const { return m_session; }
    ConversationStore *store() const { return m_store; }
    MessageListModel *messages() const { return m_messages; }
    ConversationListModel *conversations() const { return m_conversations; }
    QComboBox *endpointPicker() const { return m_endpoints; }
    ChatInput *input() const { return m_input; }
    QListView *messageView() const { return m_messageView; }
    QSpinBox *maxTokens() const { return m_maxTokens; }
    QString errorText() const;
    // Compare: the picker's endpoints (runs with their price) for one prompt side by side.
    QList<CompareTarget> compareTargets() const;
    CompareDialog *openCompare();
    QPushButton *compareButton() const { return m_compareButton; }

private:
    struct Choice {
        QString label;
        ModelEndpoint endpoint;
        QString token; // from the keychain or typed in; never written to settings or logs
        QString tokenWhere; // where the token is kept, for the note under the picker
        double price = 0; // $/h of the run behind it (Compare shows each reply's cost)
    };
    // Manual endpoints' tokens live in the OS keychain under this "project" name.
    static QString keychainKey(const QString &model) { return QStringLiteral("chat:") + model; }
    Choice *manualChoice(const QString &label);
    void rebuildPicker();
    void applyEndpoint();
    void applyParameters();
    void updateButtons();
    void addEndpointDialog();

    TokenStore *m_tokens;
    ConversationStore *m_store;
    ChatClient *m_client;
    ChatSession *m_session;
    ConversationListModel *m_conversations;
    MessageListModel *m_messages;
    MessageDelegate *m_delegate;
    QList<Choice> m_runChoices;
    QList<Choice> m_manualChoices;
    qint64 m_editingMessage = -1;

    QLineEdit *m_search;
    QListView *m_conversationView;
    QComboBox *m_endpoints;
    QLabel *m_tokenNote;
    QPlainTextEdit *m_systemPrompt;
    QDoubleSpinBox *m_temperature;
    QSpinBox *m_maxTokens;
    QListView *m_messageView;
    ChatInput *m_input;
    QPushButton *m_send;
    QPushButton *m_stop;
    QLabel *m_error;
    QLabel *m_editing;
    QPushButton *m_compareButton;
};

} // namespace gantry::ui
