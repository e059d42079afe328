#include "core/chat/ConversationStore.h"

#include "core/chat/SqlAccess.h"

#include "core/common/JsonFields.h"
#include "core/common/StatePaths.h"

#include <QDir>
#include <QFileInfo>
#include <QThread>

#include <nlohmann/json.hpp>

#include <mutex>

namespace gantry {

namespace {

using nlohmann::json;

constexpr int kSchemaVersion = 1;
constexpr int kDefaultFlushMs = 150;
constexpr int kBusyTimeoutMs = 5000; // structural writes (a new message) wait this long for another writer
constexpr int kQuickBusyMs = 100; // flush(): the caller waits; retried later rather than blocking it
constexpr int kWriterBusyMs = 250; // the writer thread's wait (flush() may wait behind it); then the timer retries
constexpr qsizetype kLargeBatchChars = 256 * 1024; // written at once, not at the timer
constexpr int kMaxFlushDelayMs = 2000; // a long reply's text reaches the disk at least this often

const char *const kSchema[] = {
    "CREATE TABLE IF NOT EXISTS conversations ("
    " id INTEGER PRIMARY KEY,"
    " endpoint TEXT NOT NULL DEFAULT '',"
    " model TEXT NOT NULL DEFAULT '',"
    " title TEXT NOT NULL DEFAULT '',"
    " created INTEGER NOT NULL,"
    " updated INTEGER NOT NULL,"
    " selected_root INTEGER)",
    "CREATE TABLE IF NOT EXISTS messages ("
    " id INTEGER PRIMARY KEY,"
    " conversation INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,"
    " parent INTEGER REFERENCES messages(id) ON DELETE CASCADE,"
    " role TEXT NOT NULL,"
    " content TEXT NOT NULL DEFAULT '',"
    " reasoning TEXT NOT NULL DEFAULT '',"
    " params TEXT NOT NULL DEFAULT '{}',"
    " metrics TEXT NOT NULL DEFAULT '{}',"
    " status TEXT NOT NULL DEFAULT 'complete',"
    " error TEXT NOT NULL DEFAULT '',"
    " finish_reason TEXT NOT NULL DEFAULT '',"
    " created INTEGER NOT NULL,"
    " selected_child INTEGER)",
    "CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages(conversation, parent)",
};

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QVariant nullableId(qint64 id)
{
    return id > 0 ? QVariant(id) : QVariant(QMetaType::fromType<qlonglong>());
}

json parseOrEmpty(const QString &text)
{
    json j = json::parse(text.toStdString(), nullptr, false);
    return j.is_discarded() ? json::object() : j;
}

qint64 createdMs(const QString &iso)
{
    const QDateTime at = QDateTime::fromString(iso, Qt::ISODateWithMs);
    return at.isValid() ? at.toMSecsSinceEpoch() : nowMs();
}

std::string utf8(const QString &s)
{
    return s.toStdString();
}

} // namespace

// All messages of one conversation, with each parent's chosen child.
struct ConversationStore::Tree {
    QList<StoredMessage> messages; // oldest first
    QHash<qint64, qsizetype> indexOf; // id → position in messages
    QHash<qint64, QList<qint64>> children; // parent (0: roots) → ids, oldest first
    QHash<qint64, qint64> selectedChild; // parent (0: roots) → chosen id
};

ConversationStore::ConversationStore(QObject *parent)
    : QObject(parent)
{
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(kDefaultFlushMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &ConversationStore::onFlushTimer);
}

ConversationStore::~ConversationStore()
{
    if (!isOpen())
        return;
    // Last chance, so wait as long as a structural write would, a few times.
    for (int attempt = 0; attempt < 3 && !writeNow(kBusyTimeoutMs); ++attempt) {}
    stopWriter();
    if (!m_pending.text.isEmpty()) {
        // The text could not be written: say so on each reply, if even that can be written.
        const QString note = QStringLiteral("Part of this reply could not be stored (%1).").arg(m_lastError);
        for (auto it = m_pending.text.cbegin(); it != m_pending.text.cend(); ++it) {
            StoreBatch::End finish = m_pending.ends.value(it.key(), StoreBatch::End{ReplyStatus::Failed, {}, {}, {}});
            exec(QStringLiteral("UPDATE messages SET status=?, metrics=?, error=? WHERE id=?"),
                 {replyStatusToString(ReplyStatus::Failed), QString::fromStdString(finish.metrics.toJson().dump()),
                  finish.error.isEmpty() ? note : finish.error + QLatin1Char(' ') + note, it.key()});
        }
    }
    m_db.reset();
}

bool ConversationStore::open(const QString &path, QString *error)
{
    auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    if (isOpen())
        return fail(QStringLiteral("the conversation store is already open"));
    makePrivateDir(QFileInfo(path).absolutePath());
    QString problem;
    m_db = openSqliteDatabase(path, QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(kBusyTimeoutMs), &problem);
    if (!m_db)
        return fail(QStringLiteral("cannot open the chat database %1: %2").arg(path, problem));
    m_path = path;
    // WAL: readers (the GUI, a CLI in another process) never block the writer, and a
    // killed process loses nothing that was committed. NORMAL sync is durable across a
    // process crash (only a power cut may drop the last commits).
    QString walProblem;
    {
        const std::unique_ptr<SqlStatement> query = statement();
        if (!query->exec(QStringLiteral("PRAGMA journal_mode=WAL")) || !query->next() ||
            query->value(0).toString().toLower() != QLatin1String("wal"))
            walProblem =
                QStringLiteral("cannot switch the chat database %1 to WAL mode: %2").arg(path, query->lastError());
    } // the statement ends before its connection does
    if (!walProblem.isEmpty()) {
        m_db.reset();
        return fail(walProblem);
    }
    for (const QString &file : {path, path + QStringLiteral("-wal"), path + QStringLiteral("-shm")})
        if (QFileInfo::exists(file))
            makePrivateFile(file); // every conversation is in there
    exec(QStringLiteral("PRAGMA synchronous=NORMAL"));
    exec(QStringLiteral("PRAGMA foreign_keys=ON"));
    for (const char *statement : kSchema) {
        if (!exec(QString::fromLatin1(statement))) {
            m_db.reset();
            return fail(QStringLiteral("cannot create the chat database schema in %1: %2").arg(path, m_lastError));
        }
    }
    exec(QStringLiteral("PRAGMA user_version=%1").arg(kSchemaVersion));
    return true;
}

std::unique_ptr<SqlStatement> ConversationStore::statement() const
{
    return m_db ? m_db->statement() : failingSqlStatement(QStringLiteral("the conversation store is not open"));
}

bool ConversationStore::exec(const QString &sql, const QVariantList &bind) const
{
    const std::unique_ptr<SqlStatement> query = statement();
    if (!query->prepare(sql)) {
        m_lastError = query->lastError();
        return false;
    }
    for (const QVariant &value : bind)
        query->addBindValue(value);
    if (!query->exec()) {
        m_lastError = query->lastError();
        return false;
    }
    return true;
}

// Transactions nest: only the outermost begins and commits; a failure anywhere rolls all back.
// IMMEDIATE: the write lock is taken (or waited for) at the start. A deferred transaction that
// read first could not write once the writer thread had committed meanwhile (its snapshot is
// stale: SQLITE_BUSY at once, without the busy wait).
bool ConversationStore::beginTransaction()
{
    if (m_transactionDepth > 0) {
        ++m_transactionDepth;
        return !m_transactionFailed;
    }
    // Not begun (the lock stayed taken): nothing may run in autocommit instead; m_lastError says why.
    if (!exec(QStringLiteral("BEGIN IMMEDIATE")))
        return false;
    m_transactionDepth = 1;
    m_transactionFailed = false;
    return true;
}

bool ConversationStore::commitTransaction()
{
    if (--m_transactionDepth > 0)
        return !m_transactionFailed;
    if (m_transactionFailed) {
        exec(QStringLiteral("ROLLBACK"));
        return false;
    }
    if (!exec(QStringLiteral("COMMIT"))) {
        exec(QStringLiteral("ROLLBACK"));
        return false;
    }
    return true;
}

void ConversationStore::rollbackTransaction()
{
    m_transactionFailed = true;
    if (--m_transactionDepth == 0)
        exec(QStringLiteral("ROLLBACK"));
}

void ConversationStore::touch(qint64 conversationId)
{
    // Strictly after every other conversation, so "most recent first" holds within a millisecond.
    exec(QStringLiteral(
             "UPDATE conversations SET updated=MAX(?, (SELECT COALESCE(MAX(updated), 0) + 1 FROM conversations))"
             " WHERE id=?"),
         {nowMs(), conversationId});
}

std::optional<qint64> ConversationStore::createConversation(const QString &endpointUrl, const QString &model,
                                                            const QString &title, QString *error)
{
    if (!isOpen()) {
        if (error)
            *error = QStringLiteral("the conversation store is not open");
        return std::nullopt;
    }
    const qint64 now = nowMs();
    const std::unique_ptr<SqlStatement> query = statement();
    query->prepare(QStringLiteral("INSERT INTO conversations(endpoint, model, title, created, updated) "
                                  "VALUES(COALESCE(?,''),COALESCE(?,''),COALESCE(?,''),?,?)"));
    query->addBindValue(endpointUrl);
    query->addBindValue(model);
    query->addBindValue(title);
    query->addBindValue(now);
    query->addBindValue(now);
    if (!query->exec()) {
        m_lastError = query->lastError();
        if (error)
            *error = m_lastError;
        return std::nullopt;
    }
    const qint64 id = query->lastInsertId().toLongLong();
    Q_EMIT conversationsChanged();
    return id;
}

QList<ConversationSummary> ConversationStore::conversations(const QString &filter) const
{
    QList<ConversationSummary> result;
    if (!isOpen())
        return result;
    const std::unique_ptr<SqlStatement> query = statement();
    QString sql = QStringLiteral("SELECT c.id, c.endpoint, c.model, c.title, c.created, c.updated,"
                                 " (SELECT COUNT(*) FROM messages m WHERE m.conversation = c.id) FROM conversations c");
    if (!filter.isEmpty())
        sql += QStringLiteral(
            " WHERE c.title LIKE ? ESCAPE '\\' OR c.model LIKE ? ESCAPE '\\' OR c.endpoint LIKE ? ESCAPE '\\'");
    sql += QStringLiteral(" ORDER BY c.updated DESC, c.id DESC");
    query->prepare(sql);
    if (!filter.isEmpty()) {
        QString pattern = filter;
        pattern.replace(QLatin1Char('\\'), QLatin1String("\\\\"))
            .replace(QLatin1Char('%'), QLatin1String("\\%"))
            .replace(QLatin1Char('_'), QLatin1String("\\_"));
        for (int i = 0; i < 3; ++i)
            query->addBindValue(QLatin1Char('%') + pattern + QLatin1Char('%'));
    }
    if (!query->exec()) {
        m_lastError = query->lastError();
        return result;
    }
    while (query->next()) {
        ConversationSummary s;
        s.id = query->value(0).toLongLong();
        s.endpointUrl = query->value(1).toString();
        s.model = query->value(2).toString();
        s.title = query->value(3).toString();
        s.created = QDateTime::fromMSecsSinceEpoch(query->value(4).toLongLong(), Qt::UTC);
        s.updated = QDateTime::fromMSecsSinceEpoch(query->value(5).toLongLong(), Qt::UTC);
        s.messageCount = query->value(6).toInt();
        result.append(s);
    }
    return result;
}

std::optional<ConversationSummary> ConversationStore::conversation(qint64 id) const
{
    const QList<ConversationSummary> all = conversations();
    for (const ConversationSummary &s : all) {
        if (s.id == id)
            return s;
    }
    return std::nullopt;
}

bool ConversationStore::rename(qint64 conversationId, const QString &title)
{
    if (!exec(QStringLiteral("UPDATE conversations SET title=COALESCE(?,'') WHERE id=?"), {title, conversationId}))
        return false;
    Q_EMIT conversationsChanged();
    return true;
}

bool ConversationStore::remove(qint64 conversationId)
{
    flush();
    if (!exec(QStringLiteral("DELETE FROM messages WHERE conversation=?"), {conversationId}) ||
        !exec(QStringLiteral("DELETE FROM conversations WHERE id=?"), {conversationId}))
        return false;
    Q_EMIT conversationsChanged();
    return true;
}

ConversationStore::Tree ConversationStore::loadTree(qint64 conversationId) const
{
    Tree tree;
    if (!isOpen())
        return tree;
    // Read while no batch commits, so that it is known whether what is read holds the batch in
    // flight; text not yet written is then shown as if it were (see the end of the loop).
    std::unique_lock<QMutex> commitLock;
    if (m_writer)
        commitLock = std::unique_lock<QMutex>(m_writer->commitMutex());
    const StoreBatch *inFlight = m_inFlight && !m_inFlight->committed ? &m_inFlight->batch : nullptr;
    const std::unique_ptr<SqlStatement> query = statement();
    query->setForwardOnly(true);
    query->prepare(QStringLiteral("SELECT id, parent, role, content, reasoning, params, metrics, status, error, "
                                  "finish_reason, created, selected_child"
                                  " FROM messages WHERE conversation=? ORDER BY id"));
    query->addBindValue(conversationId);
    const bool read = query->exec();
    // The first row is fetched: the snapshot is fixed, and the writer may commit again.
    if (commitLock.owns_lock())
        commitLock.unlock();
    if (!read) {
        m_lastError = query->lastError();
        return tree;
    }
    while (query->next()) {
        StoredMessage m;
        m.id = query->value(0).toLongLong();
        m.conversationId = conversationId;
        m.parentId = query->value(1).toLongLong();
        m.role = messageRoleFromName(query->value(2).toString()).value_or(MessageRole::User);
        m.content = query->value(3).toString();
        m.reasoning = query->value(4).toString();
        const QString params = query->value(5).toString();
        if (params.size() > 2)
            m.params = ChatParameters::fromJson(parseOrEmpty(params));
        const QString metrics = query->value(6).toString();
        if (metrics.size() > 2)
            m.metrics = ReplyMetrics::fromJson(parseOrEmpty(metrics));
        m.status = replyStatusFromString(query->value(7).toString());
        m.error = query->value(8).toString();
        m.finishReason = query->value(9).toString();
        m.created = QDateTime::fromMSecsSinceEpoch(query->value(10).toLongLong(), Qt::UTC);
        if (const qint64 selected = query->value(11).toLongLong(); selected > 0)
            tree.selectedChild.insert(m.id, selected);
        for (const StoreBatch *unwritten : {inFlight, &m_pending}) {
            if (unwritten)
                unwritten->applyTo(m.id, &m.content, &m.reasoning, &m.status, &m.metrics, &m.error, &m.finishReason);
        }
        tree.children[m.parentId].append(m.id);
        tree.indexOf.insert(m.id, tree.messages.size());
        tree.messages.append(std::move(m));
    }
    const std::unique_ptr<SqlStatement> root = statement();
    root->prepare(QStringLiteral("SELECT selected_root FROM conversations WHERE id=?"));
    root->addBindValue(conversationId);
    if (root->exec() && root->next() && root->value(0).toLongLong() > 0)
        tree.selectedChild.insert(0, root->value(0).toLongLong());
    // Branch positions for the "‹ 2/3 ›" switcher.
    for (auto it = tree.children.cbegin(); it != tree.children.cend(); ++it) {
        for (qsizetype i = 0; i < it.value().size(); ++i) {
            StoredMessage &m = tree.messages[tree.indexOf.value(it.value()[i])];
            m.branchIndex = int(i);
            m.branchCount = int(it.value().size());
        }
    }
    return tree;
}

QList<StoredMessage> ConversationStore::activePath(qint64 conversationId)
{
    const Tree tree = loadTree(conversationId);
    QList<StoredMessage> path;
    qint64 parent = 0;
    for (;;) {
        const auto children = tree.children.constFind(parent);
        if (children == tree.children.cend() || children->isEmpty())
            break;
        qint64 chosen = tree.selectedChild.value(parent, 0);
        if (!children->contains(chosen))
            chosen = children->last();
        path.append(tree.messages[tree.indexOf.value(chosen)]);
        parent = chosen;
        if (path.size() > tree.messages.size())
            break; // a cycle could only come from a damaged file; never loop forever
    }
    return path;
}

qint64 ConversationStore::conversationOf(qint64 messageId) const
{
    const std::unique_ptr<SqlStatement> query = statement();
    query->prepare(QStringLiteral("SELECT conversation FROM messages WHERE id=?"));
    query->addBindValue(messageId);
    if (!query->exec() || !query->next())
        return -1;
    return query->value(0).toLongLong();
}

std::optional<StoredMessage> ConversationStore::message(qint64 messageId)
{
    const Tree tree = loadTree(conversationOf(messageId));
    const auto it = tree.indexOf.constFind(messageId);
    if (it == tree.indexOf.cend())
        return std::nullopt;
    return tree.messages[*it];
}

QList<StoredMessage> ConversationStore::pathTo(qint64 messageId)
{
    const Tree tree = loadTree(conversationOf(messageId));
    QList<StoredMessage> path;
    for (qint64 id = messageId; id > 0 && path.size() <= tree.messages.size();) {
        const auto it = tree.indexOf.constFind(id);
        if (it == tree.indexOf.cend())
            break;
        path.prepend(tree.messages[*it]);
        id = tree.messages[*it].parentId;
    }
    return path;
}

QList<qint64> ConversationStore::siblings(qint64 messageId) const
{
    QList<qint64> ids;
    const std::unique_ptr<SqlStatement> query = statement();
    query->prepare(
        QStringLiteral("SELECT s.id FROM messages s JOIN messages m ON m.id=? AND s.conversation=m.conversation"
                       " AND s.parent IS m.parent ORDER BY s.id"));
    query->addBindValue(messageId);
    if (!query->exec()) {
        m_lastError = query->lastError();
        return ids;
    }
    while (query->next())
        ids.append(query->value(0).toLongLong());
    return ids;
}

bool ConversationStore::selectBranch(qint64 messageId)
{
    const std::unique_ptr<SqlStatement> query = statement();
    query->prepare(QStringLiteral("SELECT conversation, parent FROM messages WHERE id=?"));
    query->addBindValue(messageId);
    if (!query->exec() || !query->next()) {
        m_lastError = QStringLiteral("no message %1").arg(messageId);
        return false;
    }
    const qint64 conversationId = query->value(0).toLongLong();
    const qint64 parent = query->value(1).toLongLong();
    query->finish(); // ends the read before the write (see beginTransaction)
    const bool ok =
        parent > 0
            ? exec(QStringLiteral("UPDATE messages SET selected_child=? WHERE id=?"), {messageId, parent})
            : exec(QStringLiteral("UPDATE conversations SET selected_root=? WHERE id=?"), {messageId, conversationId});
    return ok;
}

std::optional<qint64> ConversationStore::addMessage(qint64 conversationId, qint64 parentId, MessageRole role,
                                                    const QString &content, ReplyStatus status,
                                                    const ChatParameters &params, QString *error)
{
    if (!isOpen()) {
        if (error)
            *error = QStringLiteral("the conversation store is not open");
        return std::nullopt;
    }
    auto fail = [this, error]() -> std::optional<qint64> {
        if (error)
            *error = m_lastError;
        return std::nullopt;
    };
    if (!beginTransaction())
        return fail();
    const std::unique_ptr<SqlStatement> query = statement();
    query->prepare(QStringLiteral("INSERT INTO messages(conversation, parent, role, content, params, status, created) "
                                  "VALUES(?,?,?,COALESCE(?,''),?,?,?)"));
    query->addBindValue(conversationId);
    query->addBindValue(nullableId(parentId));
    query->addBindValue(messageRoleName(role));
    query->addBindValue(content);
    query->addBindValue(QString::fromStdString(params.toJson().dump()));
    query->addBindValue(replyStatusToString(status));
    query->addBindValue(nowMs());
    if (!query->exec()) {
        m_lastError = query->lastError();
        rollbackTransaction();
        return fail();
    }
    const qint64 id = query->lastInsertId().toLongLong();
    const bool selected =
        parentId > 0
            ? exec(QStringLiteral("UPDATE messages SET selected_child=? WHERE id=?"), {id, parentId})
            : exec(QStringLiteral("UPDATE conversations SET selected_root=? WHERE id=?"), {id, conversationId});
    touch(conversationId);
    if (!selected) {
        rollbackTransaction();
        return fail();
    }
    if (!commitTransaction())
        return fail();
    Q_EMIT conversationsChanged();
    return id;
}

void ConversationStore::appendText(qint64 messageId, const QString &content, const QString &reasoning)
{
    if (content.isEmpty() && reasoning.isEmpty())
        return;
    StoreBatch::Text &pending = m_pending.text[messageId];
    pending.content += content;
    pending.reasoning += reasoning;
    if (m_inFlight && m_inFlight->done.load(std::memory_order_acquire))
        jobDone(m_inFlight); // its report may be queued behind this stream's own events
    // A reply that streams without pause may starve the timer (Qt's glib loop runs a timer
    // again only once the loop is idle), so a large batch is also handed over from here: the
    // pending text stays a fraction of the reply, not a second copy of all of it.
    if (!m_writeDeferred && largeBatchPending(messageId)) {
        startWrite(); // or, with a batch in flight, when it is done
        return;
    }
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

bool ConversationStore::largeBatchPending(qint64 messageId) const
{
    const auto it = m_pending.text.constFind(messageId);
    if (it == m_pending.text.cend())
        return false;
    const qsizetype batch = it->content.size() + it->reasoning.size();
    return batch >= kLargeBatchChars && batch * 4 >= m_storedChars.value(messageId);
}

bool ConversationStore::flush()
{
    return writeNow(kQuickBusyMs);
}

void ConversationStore::onFlushTimer()
{
    if (m_inFlight)
        return; // jobDone() starts the timer again
    // SQLite appends by rewriting the whole value (content || ?): for a long reply, writing
    // every 150 ms is quadratic. Write when the pending text is a fair share of what is stored
    // (so the total work stays linear), and at least every kMaxFlushDelayMs.
    bool due = !m_sinceWrite.isValid() || m_sinceWrite.hasExpired(kMaxFlushDelayMs) || !m_pending.ends.isEmpty();
    for (auto it = m_pending.text.cbegin(); !due && it != m_pending.text.cend(); ++it)
        due = (it->content.size() + it->reasoning.size()) * 4 >= m_storedChars.value(it.key());
    if (!due) {
        m_flushTimer.start();
        return;
    }
    startWrite();
}

std::shared_ptr<StoreWriteJob> ConversationStore::makeJob(int busyTimeoutMs)
{
    auto job = std::make_shared<StoreWriteJob>();
    job->batch = std::exchange(m_pending, StoreBatch());
    job->busyTimeoutMs = busyTimeoutMs;
    if (!m_writer) {
        m_writerThread = new QThread(this);
        m_writerThread->setObjectName(QStringLiteral("chat store writer"));
        m_writer = new StoreWriter(m_path);
        m_writer->moveToThread(m_writerThread);
        m_writerThread->start();
    }
    return job;
}

void ConversationStore::runOnWriter(const std::shared_ptr<StoreWriteJob> &job, bool wait)
{
    m_inFlight = job;
    StoreWriter *writer = m_writer;
    if (wait) {
        QMetaObject::invokeMethod(
            writer, [writer, job] { writer->write(*job); }, Qt::BlockingQueuedConnection);
        jobDone(job);
        return;
    }
    // The report comes back as an event to this object; the destructor waits for the writer
    // first, and the events of a destroyed object are dropped with it.
    QMetaObject::invokeMethod(
        writer,
        [writer, job, store = this] {
            writer->write(*job);
            QMetaObject::invokeMethod(
                store, [store, job] { store->jobDone(job); }, Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

void ConversationStore::waitForWriter()
{
    if (m_inFlight) {
        QMetaObject::invokeMethod(
            m_writer, [] {}, Qt::BlockingQueuedConnection); // behind the job in flight
        jobDone(m_inFlight);
    }
}

void ConversationStore::startWrite()
{
    m_flushTimer.stop();
    if (m_inFlight || m_pending.isEmpty() || !isOpen())
        return;
    runOnWriter(makeJob(kWriterBusyMs), false);
}

bool ConversationStore::writeNow(int busyTimeoutMs)
{
    m_flushTimer.stop();
    waitForWriter();
    if (m_pending.isEmpty() || !isOpen())
        return m_pending.isEmpty();
    const std::shared_ptr<StoreWriteJob> job = makeJob(busyTimeoutMs);
    runOnWriter(job, true);
    return job->ok;
}

void ConversationStore::jobDone(std::shared_ptr<StoreWriteJob> job)
{
    if (m_inFlight != job)
        return; // already handled: a wait for the writer took its report first
    m_inFlight.reset();
    m_writeDeferred = !job->ok;
    if (!job->ok) {
        m_lastError = job->error;
        m_pending.prepend(std::move(job->batch)); // nothing is dropped; the timer tries again
        m_flushTimer.start();
        Q_EMIT writeDeferred(m_lastError);
        return;
    }
    for (auto it = job->batch.text.cbegin(); it != job->batch.text.cend(); ++it)
        m_storedChars[it.key()] += it->content.size() + it->reasoning.size();
    for (auto it = job->batch.ends.cbegin(); it != job->batch.ends.cend(); ++it)
        m_storedChars.remove(it.key());
    m_sinceWrite.start();
    for (auto it = m_pending.text.cbegin(); it != m_pending.text.cend(); ++it) {
        if (largeBatchPending(it.key())) {
            startWrite(); // text that came in meanwhile, in a stream that may starve the timer
            return;
        }
    }
    if (!m_pending.isEmpty() && !m_flushTimer.isActive())
        m_flushTimer.start();
}

void ConversationStore::stopWriter()
{
    if (!m_writer)
        return;
    StoreWriter *writer = m_writer;
    QMetaObject::invokeMethod(
        writer, [writer] { writer->close(); }, Qt::BlockingQueuedConnection);
    m_writerThread->quit();
    m_writerThread->wait();
    delete std::exchange(m_writer, nullptr);
    delete std::exchange(m_writerThread, nullptr);
}

void ConversationStore::finishMessage(qint64 messageId, ReplyStatus status, const ReplyMetrics &metrics,
                                      const QString &error, const QString &finishReason)
{
    m_pending.ends.insert(messageId, StoreBatch::End{status, metrics, error, finishReason});
    startWrite();
}

QByteArray ConversationStore::exportJson(qint64 conversationId)
{
    flush();
    const std::optional<ConversationSummary> summary = conversation(conversationId);
    if (!summary)
        return {};
    const Tree tree = loadTree(conversationId);
    const QList<StoredMessage> path = activePath(conversationId);
    json messages = json::array();
    for (const StoredMessage &m : tree.messages) {
        json item = {{"id", m.id},
                     {"parent", m.parentId > 0 ? json(m.parentId) : json()},
                     {"role", utf8(messageRoleName(m.role))},
                     {"content", utf8(m.content)},
                     {"status", utf8(replyStatusToString(m.status))},
                     {"created", utf8(m.created.toString(Qt::ISODateWithMs))}};
        if (!m.reasoning.isEmpty())
            item["reasoning"] = utf8(m.reasoning);
        if (!m.error.isEmpty())
            item["error"] = utf8(m.error);
        if (!m.finishReason.isEmpty())
            item["finish_reason"] = utf8(m.finishReason);
        if (const json params = m.params.toJson(); !params.empty())
            item["params"] = params;
        if (m.role == MessageRole::Assistant)
            item["metrics"] = m.metrics.toJson();
        messages.push_back(std::move(item));
    }
    const json document = {{"format", "gantry-conversation"},
                           {"version", 1},
                           {"title", utf8(summary->title)},
                           {"endpoint", utf8(summary->endpointUrl)},
                           {"model", utf8(summary->model)},
                           {"created", utf8(summary->created.toString(Qt::ISODateWithMs))},
                           {"updated", utf8(summary->updated.toString(Qt::ISODateWithMs))},
                           {"active_leaf", path.isEmpty() ? json() : json(path.last().id)},
                           {"messages", messages}};
    return QByteArray::fromStdString(document.dump(2));
}

QString ConversationStore::exportMarkdown(qint64 conversationId)
{
    const std::optional<ConversationSummary> summary = conversation(conversationId);
    if (!summary)
        return {};
    QString md =
        QStringLiteral("# %1\n\n").arg(summary->title.isEmpty() ? QStringLiteral("Conversation") : summary->title);
    md += QStringLiteral("*%1 · %2 · %3*\n")
              .arg(summary->model, summary->endpointUrl, summary->created.toString(Qt::ISODate));
    for (const StoredMessage &m : activePath(conversationId)) {
        QString who = messageRoleName(m.role);
        if (!who.isEmpty())
            who[0] = who[0].toUpper();
        md += QStringLiteral("\n## %1\n\n").arg(who);
        if (!m.reasoning.isEmpty())
            md += QStringLiteral("<details><summary>Reasoning</summary>\n\n%1\n\n</details>\n\n").arg(m.reasoning);
        md += m.content + QLatin1Char('\n');
        if (m.status == ReplyStatus::Stopped)
            md += QStringLiteral("\n*(stopped)*\n");
        else if (m.status == ReplyStatus::Failed)
            md += QStringLiteral("\n*(failed: %1)*\n").arg(m.error);
        else if (m.status == ReplyStatus::Streaming)
            md += QStringLiteral("\n*(interrupted)*\n");
        if (m.role == MessageRole::Assistant && m.status != ReplyStatus::Streaming)
            md += QStringLiteral("\n*%1*\n").arg(m.metrics.toDisplayString());
    }
    return md;
}

std::optional<qint64> ConversationStore::importJson(const QByteArray &bytes, QString *error)
{
    auto failWith = [error](const QString &message) -> std::optional<qint64> {
        if (error)
            *error = message;
        return std::nullopt;
    };
    if (!isOpen())
        return failWith(QStringLiteral("the conversation store is not open"));
    const json document = json::parse(bytes.begin(), bytes.end(), nullptr, false);
    if (document.is_discarded() || !document.is_object())
        return failWith(QStringLiteral("not a JSON object"));
    if (jsonfields::string(document, "format") != QLatin1String("gantry-conversation"))
        return failWith(QStringLiteral("not a Gantry conversation export (\"format\" is not \"gantry-conversation\")"));
    const auto messages = document.find("messages");
    if (messages == document.end() || !messages->is_array())
        return failWith(QStringLiteral("\"messages\" is missing or not a list"));

    if (!beginTransaction())
        return failWith(m_lastError);
    const std::optional<qint64> created =
        createConversation(jsonfields::string(document, "endpoint"), jsonfields::string(document, "model"),
                           jsonfields::string(document, "title"), error);
    if (!created) {
        rollbackTransaction();
        return std::nullopt;
    }
    const qint64 conversationId = *created;
    QHash<qint64, qint64> newIdOf; // exported id → new id
    for (const json &item : *messages) {
        if (!item.is_object()) {
            rollbackTransaction();
            return failWith(QStringLiteral("a message is not a JSON object"));
        }
        const qint64 oldId = jsonfields::integer(item, "id");
        const qint64 oldParent = jsonfields::integer(item, "parent");
        if (oldParent > 0 && !newIdOf.contains(oldParent)) {
            rollbackTransaction();
            return failWith(
                QStringLiteral("message %1 names parent %2, which does not come before it").arg(oldId).arg(oldParent));
        }
        const QString roleName = jsonfields::string(item, "role");
        const std::optional<MessageRole> role = messageRoleFromName(roleName);
        if (!role) {
            rollbackTransaction();
            return failWith(QStringLiteral("message %1 has role '%2' (expected system, user or assistant)")
                                .arg(oldId)
                                .arg(roleName));
        }
        const auto params = item.find("params");
        const std::optional<qint64> added =
            addMessage(conversationId, newIdOf.value(oldParent, 0), *role, jsonfields::string(item, "content"),
                       replyStatusFromString(jsonfields::string(item, "status")),
                       params != item.end() ? ChatParameters::fromJson(*params) : ChatParameters(), error);
        if (!added) {
            rollbackTransaction();
            return std::nullopt;
        }
        const qint64 id = *added;
        newIdOf.insert(oldId, id);
        const auto metrics = item.find("metrics");
        exec(QStringLiteral("UPDATE messages SET reasoning=COALESCE(?,''), error=COALESCE(?,''), "
                            "finish_reason=COALESCE(?,''), metrics=?, created=? WHERE id=?"),
             {jsonfields::string(item, "reasoning"), jsonfields::string(item, "error"),
              jsonfields::string(item, "finish_reason"),
              QString::fromStdString(
                  (metrics != item.end() ? ReplyMetrics::fromJson(*metrics) : ReplyMetrics()).toJson().dump()),
              createdMs(jsonfields::string(item, "created")), id});
    }
    // Show the branch that was shown when exported: select each message on the way to its leaf.
    qint64 leaf = newIdOf.value(jsonfields::integer(document, "active_leaf"), 0);
    while (leaf > 0) {
        selectBranch(leaf);
        const std::unique_ptr<SqlStatement> parent = statement();
        parent->prepare(QStringLiteral("SELECT parent FROM messages WHERE id=?"));
        parent->addBindValue(leaf);
        leaf = parent->exec() && parent->next() ? parent->value(0).toLongLong() : 0;
    }
    if (!commitTransaction())
        return failWith(m_lastError);
    Q_EMIT conversationsChanged();
    return conversationId;
}

} // namespace gantry
