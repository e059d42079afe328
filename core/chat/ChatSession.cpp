#include "core/chat/ChatSession.h"

namespace gantry {

namespace {

constexpr int kTitleLength = 60;

QString titleFrom(const QString &text)
{
    QString title = text.simplified();
    if (title.size() > kTitleLength)
        title = title.left(kTitleLength - 1) + QStringLiteral("…");
    return title;
}

// What the model sees of the stored thread: every system/user message, and every answer
// that has text (a stopped answer counts as said; a failed empty one does not).
// What the server is sent: the stored path (answers that never got text left out), then the
// new question, if there is one.
QList<ChatMessage> historyWith(const QList<StoredMessage> &path, const QString &question)
{
    QList<ChatMessage> history;
    for (const StoredMessage &m : path) {
        if (m.role == MessageRole::Assistant && m.content.isEmpty())
            continue;
        history.append(ChatMessage{m.role, m.content});
    }
    if (!question.isNull())
        history.append(ChatMessage{MessageRole::User, question});
    return history;
}

// A request sent ahead whose exchange could not be stored: it is not shown, so it goes.
void discard(ChatReply *reply)
{
    reply->stop();
    reply->deleteLater();
}

} // namespace

ChatSession::ChatSession(ConversationStore *store, ChatClient *client, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_client(client)
{}

ChatSession::~ChatSession()
{
    stop();
}

bool ChatSession::openConversation(qint64 conversationId)
{
    if (refuseWhileBusy())
        return false;
    if (conversationId != 0 && !m_store->conversation(conversationId)) {
        Q_EMIT error(QStringLiteral("There is no conversation %1.").arg(conversationId));
        return false;
    }
    m_conversationId = conversationId;
    Q_EMIT conversationChanged(m_conversationId);
    return true;
}

QList<StoredMessage> ChatSession::activePath() const
{
    return m_conversationId > 0 && m_store ? m_store->activePath(m_conversationId) : QList<StoredMessage>();
}

bool ChatSession::refuseWhileBusy()
{
    if (!isBusy())
        return false;
    Q_EMIT error(QStringLiteral("A reply is still streaming; stop it first."));
    return true;
}

bool ChatSession::ensureConversation(const QString &firstText)
{
    if (m_conversationId > 0)
        return true;
    const ModelEndpoint endpoint = m_client->endpoint();
    QString problem;
    const std::optional<qint64> id =
        m_store->createConversation(endpoint.baseUrl, endpoint.name, titleFrom(firstText), &problem);
    if (!id) {
        Q_EMIT error(QStringLiteral("Could not save the conversation: %1").arg(problem));
        return false;
    }
    m_conversationId = *id;
    Q_EMIT conversationChanged(*id);
    return true;
}

std::optional<qint64> ChatSession::send(const QString &text)
{
    if (refuseWhileBusy())
        return std::nullopt;
    const QList<StoredMessage> path = activePath(); // empty for a new conversation
    // The request goes out before anything is stored or shown: Qt's HTTP thread sends it while
    // this thread writes the rows and the views lay them out, none of which the first token needs.
    ChatReply *reply = m_client->send(historyWith(path, text), m_params);
    if (!ensureConversation(text)) {
        discard(reply);
        return std::nullopt;
    }
    return storeQuestion(reply, path.isEmpty() ? 0 : path.last().id, text);
}

std::optional<qint64> ChatSession::regenerate(qint64 assistantMessageId)
{
    if (refuseWhileBusy())
        return std::nullopt;
    const std::optional<StoredMessage> answer = m_store->message(assistantMessageId);
    if (!answer || answer->role != MessageRole::Assistant || answer->parentId <= 0) {
        Q_EMIT error(QStringLiteral("Only an answer to a question can be regenerated."));
        return std::nullopt;
    }
    m_conversationId = answer->conversationId;
    ChatReply *reply = m_client->send(historyWith(m_store->pathTo(answer->parentId), QString()), m_params);
    return attachReply(reply, answer->parentId);
}

std::optional<qint64> ChatSession::editAndResend(qint64 userMessageId, const QString &newText)
{
    if (refuseWhileBusy())
        return std::nullopt;
    const std::optional<StoredMessage> question = m_store->message(userMessageId);
    if (!question || question->role != MessageRole::User) {
        Q_EMIT error(QStringLiteral("Only a question can be edited."));
        return std::nullopt;
    }
    m_conversationId = question->conversationId;
    const QList<StoredMessage> path =
        question->parentId > 0 ? m_store->pathTo(question->parentId) : QList<StoredMessage>();
    ChatReply *reply = m_client->send(historyWith(path, newText), m_params);
    return storeQuestion(reply, question->parentId, newText);
}

std::optional<qint64> ChatSession::storeQuestion(ChatReply *reply, qint64 parentId, const QString &text)
{
    QString problem;
    const std::optional<qint64> userId =
        m_store->addMessage(m_conversationId, parentId, MessageRole::User, text, ReplyStatus::Complete, {}, &problem);
    if (!userId) {
        discard(reply);
        Q_EMIT error(QStringLiteral("Could not save the message: %1").arg(problem));
        return std::nullopt;
    }
    Q_EMIT messageAdded(*userId);
    return attachReply(reply, *userId);
}

std::optional<qint64> ChatSession::attachReply(ChatReply *reply, qint64 userMessageId)
{
    QString problem;
    const std::optional<qint64> added = m_store->addMessage(m_conversationId, userMessageId, MessageRole::Assistant,
                                                            QString(), ReplyStatus::Streaming, m_params, &problem);
    if (!added) {
        discard(reply);
        Q_EMIT error(QStringLiteral("Could not save the reply: %1").arg(problem));
        return std::nullopt;
    }
    const qint64 answerId = *added;
    m_streamingId = answerId;
    m_reply = reply;
    // Connected before control returns to the event loop, which is where the reply's first
    // bytes are delivered: nothing that arrived meanwhile is missed.
    connect(m_reply, &ChatReply::delta, this, [this, answerId](const QString &content, const QString &reasoning) {
        m_store->appendText(answerId, content, reasoning);
        Q_EMIT messageDelta(answerId, content, reasoning);
        Q_EMIT messageUpdated(answerId);
    });
    connect(m_reply, &ChatReply::finished, this, &ChatSession::onReplyFinished);
    Q_EMIT messageAdded(answerId);
    return answerId;
}

void ChatSession::onReplyFinished()
{
    ChatReply *reply = std::exchange(m_reply, nullptr);
    const qint64 id = std::exchange(m_streamingId, -1);
    if (!reply)
        return;
    reply->disconnect(this);
    reply->deleteLater();
    if (m_store)
        m_store->finishMessage(id, reply->status(), reply->metrics(), reply->errorString(), reply->finishReason());
    Q_EMIT messageUpdated(id);
    Q_EMIT replyFinished(id, reply->status());
    if (reply->status() == ReplyStatus::Failed)
        Q_EMIT error(reply->errorString());
}

void ChatSession::stop()
{
    if (m_reply)
        m_reply->stop(); // finished() → onReplyFinished stores it as stopped
}

} // namespace gantry
