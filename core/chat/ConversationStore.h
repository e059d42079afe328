#pragma once

// Every conversation and every word of it, in SQLite (Qt SQL, QSQLITE) in WAL mode at
// chatDatabasePath(). Messages form a tree: editing a question or regenerating an answer
// adds a sibling instead of overwriting, and each parent remembers which child is shown.
// Streaming text is appended in small batches (flushed on a short timer and when the reply
// finishes), so a crash mid-reply keeps what was on screen. Those batches are written by a
// StoreWriter on its own thread: a database another process keeps busy never holds the GUI
// thread while a reply streams, and reads show text that is not yet written as if it were.

#include "core/chat/ChatTypes.h"
#include "core/chat/StoreWriter.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>

#include <memory>
#include <optional>

class QThread;

namespace gantry {

class SqlConnection;
class SqlStatement;

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
    bool isOpen() const { return m_db != nullptr; }
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
    // Appends streamed text; written (by the writer thread) within flushIntervalMs, at once when
    // a large batch is pending (a fraction of what is stored: the total work stays linear), or
    // at finishMessage/flush. Text stays pending until a write succeeds: a busy database
    // (another process writing) delays it and the timer retries; it is never dropped.
    void appendText(qint64 messageId, const QString &content, const QString &reasoning = {});
    // Records the end of a reply, after its text, on the writer thread; kept and retried like
    // the text. A reply whose text could not all be stored by the time the store closes is
    // recorded as failed, saying so.
    void finishMessage(qint64 messageId, ReplyStatus status, const ReplyMetrics &metrics, const QString &error = {},
                       const QString &finishReason = {});
    // Writes everything pending now and waits for it (another writer's lock: a short wait):
    // false when some of it could not be written yet.
    bool flush();
    bool hasPendingWrites() const { return m_inFlight || !m_pending.isEmpty(); }
    bool hasWriteInFlight() const { return bool(m_inFlight); } // a batch is with the writer thread
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
    // A statement on the store's connection; one that fails ("not open") when it is closed.
    std::unique_ptr<SqlStatement> statement() const;
    bool exec(const QString &sql, const QVariantList &bind = {}) const;
    void touch(qint64 conversationId);
    bool beginTransaction(); // false: not begun, with m_lastError
    bool commitTransaction();
    void rollbackTransaction();
    struct Tree;
    Tree loadTree(qint64 conversationId) const;
    qint64 conversationOf(qint64 messageId) const;

    // Hands what is pending to the writer thread, unless a batch is already there.
    void startWrite();
    bool largeBatchPending(qint64 messageId) const; // written without waiting for the timer
    // Writes what is pending and waits for it, after the batch in flight: true when all is written.
    bool writeNow(int busyTimeoutMs);
    std::shared_ptr<StoreWriteJob> makeJob(int busyTimeoutMs);
    void runOnWriter(const std::shared_ptr<StoreWriteJob> &job, bool wait);
    void waitForWriter();
    // A job is done: its text is counted as stored, or it goes back in front of what is pending.
    void jobDone(std::shared_ptr<StoreWriteJob> job); // by value: it may be m_inFlight itself
    void stopWriter();
    void onFlushTimer();
    std::unique_ptr<SqlConnection> m_db; // through libgantry_sql.so (SqlAccess.h)
    QString m_path;
    mutable QString m_lastError;
    StoreBatch m_pending; // not yet handed to the writer
    std::shared_ptr<StoreWriteJob> m_inFlight; // handed to the writer, not yet reported back
    QThread *m_writerThread = nullptr; // started at the first write
    StoreWriter *m_writer = nullptr;
    QHash<qint64, qint64> m_storedChars; // streamed text written so far, per message
    QElapsedTimer m_sinceWrite;
    QTimer m_flushTimer;
    bool m_writeDeferred = false; // the last write failed: the timer retries
    int m_transactionDepth = 0;
    bool m_transactionFailed = false;
};

} // namespace gantry
