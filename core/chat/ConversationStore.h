#pragma once

// Every conversation and every word of it, in SQLite (Qt SQL, QSQLITE) in WAL mode at
// chatDatabasePath(). Messages form a tree: editing a question or regenerating an answer
// adds a sibling instead of overwriting, and each parent remembers which child is shown.
// Streaming text is appended in small batches (flushed on a short timer and when the reply
// finishes), so a crash mid-reply keeps what was on screen.

#include "core/chat/ChatTypes.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>

#include <optional>

namespace gantry {

struct ConversationSummary {
    qint64 id = 0;
    QString endpointUrl;
    QString model;
    QString title;
    QDateTime created;
    QDateTime updated;
    int messageCount = 0;
};

struct StoredMessage {
    qint64 id = 0;
    qint64 conversationId = 0;
    qint64 parentId = 0; // 0: a root (the first message, or an edit of it)
    MessageRole role = MessageRole::User;
    QString content;
    QString reasoning;
    ReplyStatus status = ReplyStatus::Complete;
    QString error; // why a failed reply failed, in the client's words
    QString finishReason;
    ChatParameters params; // what the reply was asked with (assistant messages)
    ReplyMetrics metrics;
    QDateTime created;
    int branchIndex = 0; // position among its siblings (0-based), for "‹ 2/3 ›"
    int branchCount = 1;
};

class ConversationStore : public QObject
{
    Q_OBJECT
public:
    explicit ConversationStore(QObject *parent = nullptr);
    ~ConversationStore() override; // flushes pending text

    // Opens (creating if needed) the database; false with *error saying why when it cannot.
    bool open(const QString &path, QString *error);
    bool isOpen() const { return !m_connection.isEmpty(); }
    QString lastError() const { return m_lastError; }

    // The new conversation's id; nullopt with *error (the database's words) when it cannot be stored.
    std::optional<qint64> createConversation(const QString &endpointUrl, const QString &model, const QString &title,
                                             QString *error = nullptr);
    QList<ConversationSummary> conversations(
        const QString &filter = {}) const; // newest first; filter matches title/model/endpoint
    std::optional<ConversationSummary> conversation(qint64 id) const;
    bool rename(qint64 conversationId, const QString &title);
    bool remove(qint64 conversationId);

    // The shown thread: root → leaf, following each parent's selected child (the newest
    // child when none was chosen). Pending streamed text is flushed first.
    QList<StoredMessage> activePath(qint64 conversationId);
    std::optional<StoredMessage> message(qint64 messageId);
    // The message's ancestors and itself, root first (the history a regenerate sends).
    QList<StoredMessage> pathTo(qint64 messageId);
    QList<qint64> siblings(qint64 messageId) const; // ids sharing its parent, oldest first, itself included
    bool selectBranch(qint64 messageId); // show this sibling (and its own chosen descendants)

    // Adds a message under parentId (0: a new root) and makes it the shown branch: its id, or
    // nullopt with *error when it cannot be stored.
    std::optional<qint64> addMessage(qint64 conversationId, qint64 parentId, MessageRole role, const QString &content,
                                     ReplyStatus status = ReplyStatus::Complete, const ChatParameters &params = {},
                                     QString *error = nullptr);
    // Appends streamed text; written within flushIntervalMs, at once when a large batch is
    // pending (a fraction of what is stored: the total work stays linear), or at finishMessage/flush.
    // Text stays pending until a write succeeds: a busy database (another process writing)
    // delays it and the timer retries; it is never dropped. The GUI thread waits at most
    // kQuickBusyMs per attempt.
    void appendText(qint64 messageId, const QString &content, const QString &reasoning = {});
    // Records the end of a reply. False when it could not be written yet: it is kept and
    // retried with the pending text; a reply whose text could not all be stored by the time
    // the store closes is recorded as failed, saying so.
    bool finishMessage(qint64 messageId, ReplyStatus status, const ReplyMetrics &metrics, const QString &error = {},
                       const QString &finishReason = {});
    bool flush();
    bool hasPendingWrites() const { return !m_pending.isEmpty() || !m_pendingFinish.isEmpty(); }
    void setFlushInterval(int ms) { m_flushTimer.setInterval(ms); }

    // The whole tree as JSON (import restores branches), or the shown thread as Markdown.
    QByteArray exportJson(qint64 conversationId);
    QString exportMarkdown(qint64 conversationId);
    // The imported conversation's id; nullopt with *error saying what is wrong with the document.
    std::optional<qint64> importJson(const QByteArray &json, QString *error);

Q_SIGNALS:
    void conversationsChanged();
    // Pending text (or a reply's end) could not be written, e.g. another process holds the
    // database's write lock; it stays pending and is tried again shortly.
    void writeDeferred(const QString &error);

private:
    bool exec(const QString &sql, const QVariantList &bind = {}) const;
    void touch(qint64 conversationId);
    void beginTransaction();
    bool commitTransaction();
    void rollbackTransaction();
    struct Tree;
    Tree loadTree(qint64 conversationId) const;
    qint64 conversationOf(qint64 messageId) const;

    struct Pending {
        QString content;
        QString reasoning;
    };
    struct PendingFinish {
        ReplyStatus status;
        ReplyMetrics metrics;
        QString error;
        QString finishReason;
    };
    bool writePending(int busyTimeoutMs);
    void onFlushTimer();
    void setBusyTimeout(int ms);
    QString m_connection;
    mutable QString m_lastError;
    QHash<qint64, Pending> m_pending;
    QHash<qint64, PendingFinish> m_pendingFinish; // finishes waiting for their text to be written
    QHash<qint64, qint64> m_storedChars; // streamed text written so far, per message
    QElapsedTimer m_sinceWrite;
    QTimer m_flushTimer;
    bool m_writeDeferred = false; // the last write failed: the timer retries
    int m_transactionDepth = 0;
    bool m_transactionFailed = false;
};

} // namespace gantry
