#pragma once

// Writes a conversation store's streamed text, and the ends of replies, on a thread of its own
// through its own SQLite connection: the GUI thread hands a batch over and goes on, and a
// database that another process keeps busy holds up this thread, never a frame. Batches run
// one at a time, in the order given, each all or nothing; the store (ConversationStore) keeps
// a batch's text until the writer says it is committed.

#include "core/chat/ChatTypes.h"

#include <QHash>
#include <QMutex>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

namespace gantry {

class SqlConnection;

// What the store has not yet written: text to append and replies' ends, per message id.
struct StoreBatch {
    struct Text {
        QString content;
        QString reasoning;
    };
    struct End {
        ReplyStatus status = ReplyStatus::Complete;
        ReplyMetrics metrics;
        QString error;
        QString finishReason;
    };
    QHash<qint64, Text> text;
    QHash<qint64, End> ends; // written after the text of the same batch

    bool isEmpty() const { return text.isEmpty() && ends.isEmpty(); }
    // A batch that could not be written goes back in front of what was appended since.
    void prepend(StoreBatch &&earlier);
    // The message as the store will have it once this batch is written.
    void applyTo(qint64 messageId, QString *content, QString *reasoning, ReplyStatus *status, ReplyMetrics *metrics,
                 QString *error, QString *finishReason) const;
};

struct StoreWriteJob {
    StoreBatch batch;
    int busyTimeoutMs = 0; // how long to wait for another writer's lock
    // Set by the writer, read by the store once the job is done.
    bool ok = false;
    QString error;
    // Set under StoreWriter::commitMutex() when the transaction is committed, so that a reader
    // can tell whether what it just read already holds this batch.
    std::atomic<bool> committed{false};
    // Set last: the store may take the result without waiting for the writer's report, which
    // can sit behind a stream's backlog of events.
    std::atomic<bool> done{false};
};

class StoreWriter : public QObject
{
    Q_OBJECT
public:
    explicit StoreWriter(const QString &databasePath);
    ~StoreWriter() override;

    // On the writer's thread: the batch in one transaction; job.ok and job.error say how it went.
    void write(StoreWriteJob &job);
    // On the writer's thread, before it ends: the connection is closed where it was opened.
    void close();

    // Held while a transaction commits; a reader holds it while it reads.
    QMutex &commitMutex() { return m_commitMutex; }

private:
    bool ensureOpen(QString *error);

    QString m_path;
    std::unique_ptr<SqlConnection> m_db; // opened on the writer's thread at the first write
    QMutex m_commitMutex;
    int m_commitsSinceCheckpoint = 0;
};

} // namespace gantry
