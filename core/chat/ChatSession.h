#pragma once

// One conversation in progress: the glue between a ChatClient (talking) and a
// ConversationStore (remembering). The CLI and the GUI chat panel both drive this, so the
// rules — what history is sent, where a regenerated or edited message goes, that every
// streamed word is stored — live in one place.

#include "core/chat/ChatClient.h"
#include "core/chat/ConversationStore.h"

#include <QObject>
#include <QPointer>

#include <optional>

namespace gantry {

class ChatSession : public QObject
{
    Q_OBJECT
public:
    // Neither the store nor the client is owned; both must outlive the session.
    ChatSession(ConversationStore *store, ChatClient *client, QObject *parent = nullptr);
    ~ChatSession() override; // stops a reply in flight (kept, marked stopped)

    // Continue an existing conversation, or (id 0) start a new one on the first send.
    bool openConversation(qint64 conversationId);
    qint64 conversationId() const { return m_conversationId; }

    void setParameters(const ChatParameters &params) { m_params = params; }
    ChatParameters parameters() const { return m_params; }

    // Each returns the id of the assistant message being streamed, or nullopt (busy, unknown
    // id, the store refused) and error() says why: that signal carries every failure of the
    // session, the reply's own included, to whoever shows them. The user's message is stored
    // before anything goes on the wire.
    std::optional<qint64> send(const QString &text);
    std::optional<qint64> regenerate(qint64 assistantMessageId); // a sibling answer
    std::optional<qint64> editAndResend(qint64 userMessageId, const QString &newText); // a sibling question + answer
    void stop();

    bool isBusy() const { return m_reply != nullptr; }
    ChatReply *currentReply() const { return m_reply; }
    qint64 streamingMessageId() const { return m_streamingId; }
    QList<StoredMessage> activePath() const;
    ConversationStore *store() const { return m_store; }

Q_SIGNALS:
    void conversationChanged(qint64 conversationId); // opened, or created on first send
    void messageAdded(qint64 messageId);
    void messageDelta(qint64 messageId, const QString &content, const QString &reasoning);
    void messageUpdated(qint64 messageId);
    void replyFinished(qint64 messageId, gantry::ReplyStatus status);
    void error(const QString &message);

private:
    // Stores the question under `parentId` (0: the first), then its reply's row (attachReply);
    // `reply` was sent before either, so neither delays the first token.
    std::optional<qint64> storeQuestion(ChatReply *reply, qint64 parentId, const QString &text);
    std::optional<qint64> attachReply(ChatReply *reply, qint64 userMessageId);
    void onReplyFinished();
    bool ensureConversation(const QString &firstText);
    bool refuseWhileBusy();

    QPointer<ConversationStore> m_store;
    QPointer<ChatClient> m_client;
    qint64 m_conversationId = 0;
    ChatParameters m_params;
    ChatReply *m_reply = nullptr; // owned
    qint64 m_streamingId = -1;
};

} // namespace gantry
