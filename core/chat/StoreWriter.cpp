#include "core/chat/StoreWriter.h"

#include "core/chat/SqlAccess.h"

#include <QDateTime>

#include <nlohmann/json.hpp>

namespace gantry {

namespace {
constexpr int kCommitsPerCheckpoint = 16;
constexpr qsizetype kLargeBatchChars = 64 * 1024;
} // namespace

void StoreBatch::prepend(StoreBatch &&earlier)
{
    for (auto it = text.cbegin(); it != text.cend(); ++it) {
        Text &t = earlier.text[it.key()];
        t.content += it->content;
        t.reasoning += it->reasoning;
    }
    for (auto it = ends.cbegin(); it != ends.cend(); ++it)
        earlier.ends.insert(it.key(), it.value()); // the later end of a message is the one that holds
    *this = std::move(earlier);
}

void StoreBatch::applyTo(qint64 messageId, QString *content, QString *reasoning, ReplyStatus *status,
                         ReplyMetrics *metrics, QString *error, QString *finishReason) const
{
    if (const auto t = text.constFind(messageId); t != text.cend()) {
        *content += t->content;
        *reasoning += t->reasoning;
    }
    if (const auto e = ends.constFind(messageId); e != ends.cend()) {
        *status = e->status;
        *metrics = e->metrics;
        *error = e->error;
        *finishReason = e->finishReason;
    }
}

StoreWriter::StoreWriter(const QString &databasePath)
    : m_path(databasePath)
{}

StoreWriter::~StoreWriter() = default;

bool StoreWriter::ensureOpen(QString *error)
{
    if (m_db)
        return true;
    m_db = openSqliteDatabase(m_path, QString(), error);
    if (!m_db)
        return false;
    m_db->statement()->exec(QStringLiteral("PRAGMA synchronous=NORMAL")); // as the store's own connection
    // No checkpoint inside COMMIT, which runs under commitMutex (a GUI read waits for it):
    // write() checkpoints after it, outside the mutex.
    m_db->statement()->exec(QStringLiteral("PRAGMA wal_autocheckpoint=0"));
    return true;
}

void StoreWriter::close()
{
    m_db.reset();
}

void StoreWriter::write(StoreWriteJob &job)
{
    job.ok = false;
    if (!ensureOpen(&job.error)) {
        job.done.store(true, std::memory_order_release);
        return;
    }
    const std::unique_ptr<SqlStatement> query = m_db->statement();
    auto failed = [&job](const std::unique_ptr<SqlStatement> &q) {
        job.error = q->lastError();
        return false;
    };
    query->exec(QStringLiteral("PRAGMA busy_timeout=%1").arg(job.busyTimeoutMs));
    // IMMEDIATE: the write lock is taken (or waited for) here, not half-way through.
    if (!query->exec(QStringLiteral("BEGIN IMMEDIATE"))) {
        failed(query);
        job.done.store(true, std::memory_order_release);
        return;
    }
    bool ok = true;
    {
        const std::unique_ptr<SqlStatement> append = m_db->statement();
        append->prepare(QStringLiteral("UPDATE messages SET content = content || COALESCE(?,''), reasoning = reasoning "
                                       "|| COALESCE(?,'') WHERE id=?"));
        for (auto it = job.batch.text.cbegin(); ok && it != job.batch.text.cend(); ++it) {
            append->addBindValue(it->content);
            append->addBindValue(it->reasoning);
            append->addBindValue(it.key());
            ok = append->exec() || failed(append);
        }
        const std::unique_ptr<SqlStatement> end = m_db->statement();
        end->prepare(QStringLiteral("UPDATE messages SET status=?, metrics=?, error=COALESCE(?,''), "
                                    "finish_reason=COALESCE(?,'') WHERE id=?"));
        // The conversation moves to the top of "most recent first", strictly after every other.
        const std::unique_ptr<SqlStatement> touch = m_db->statement();
        touch->prepare(QStringLiteral(
            "UPDATE conversations SET updated=MAX(?, (SELECT COALESCE(MAX(updated), 0) + 1 FROM conversations))"
            " WHERE id=(SELECT conversation FROM messages WHERE id=?)"));
        for (auto it = job.batch.ends.cbegin(); ok && it != job.batch.ends.cend(); ++it) {
            end->addBindValue(replyStatusToString(it->status));
            end->addBindValue(QString::fromStdString(it->metrics.toJson().dump()));
            end->addBindValue(it->error);
            end->addBindValue(it->finishReason);
            end->addBindValue(it.key());
            ok = end->exec() || failed(end);
            if (ok) {
                touch->addBindValue(QDateTime::currentMSecsSinceEpoch());
                touch->addBindValue(it.key());
                ok = touch->exec() || failed(touch);
            }
        }
    }
    if (ok) {
        QMutexLocker lock(&m_commitMutex);
        ok = query->exec(QStringLiteral("COMMIT")) || failed(query);
        if (ok)
            job.committed = true;
    }
    if (!ok)
        query->exec(QStringLiteral("ROLLBACK")); // all or nothing: the store keeps the batch
    job.ok = ok;
    // Now and then, and after a large batch (each rewrites the messages' whole text), the WAL's
    // pages go back into the database, as SQLite's auto-checkpoint would have done every 1000.
    qsizetype chars = 0;
    for (const StoreBatch::Text &t : std::as_const(job.batch.text))
        chars += t.content.size() + t.reasoning.size();
    if (ok && (++m_commitsSinceCheckpoint >= kCommitsPerCheckpoint || chars >= kLargeBatchChars)) {
        m_commitsSinceCheckpoint = 0;
        query->exec(QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)"));
    }
    job.done.store(true, std::memory_order_release);
}

} // namespace gantry
