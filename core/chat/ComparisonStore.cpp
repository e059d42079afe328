#include "core/chat/ComparisonStore.h"

#include "core/chat/SqlAccess.h"

#include <QDir>
#include <QFileInfo>
#include <QVariant>

namespace gantry {

double ComparisonColumn::costOf(double pricePerHour, const ReplyMetrics &metrics)
{
    return metrics.totalMs > 0 ? pricePerHour * double(metrics.totalMs) / 3'600'000.0 : 0.0;
}

ComparisonStore::ComparisonStore() = default;
ComparisonStore::~ComparisonStore() = default;

bool ComparisonStore::open(const QString &path, QString *error)
{
    auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    if (isOpen())
        return fail(QStringLiteral("the comparison store is already open"));
    QDir().mkpath(QFileInfo(path).absolutePath());
    QString problem;
    std::unique_ptr<SqlConnection> db = openSqliteDatabase(path, QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"), &problem);
    if (!db)
        return fail(QStringLiteral("cannot open the chat database %1: %2").arg(path, problem));
    {
        const std::unique_ptr<SqlStatement> q = db->statement();
        for (const char *sql :
             {"CREATE TABLE IF NOT EXISTS comparisons (id INTEGER PRIMARY KEY, prompt TEXT NOT NULL, "
              "created TEXT NOT NULL)",
              "CREATE TABLE IF NOT EXISTS comparison_columns (comparison_id INTEGER NOT NULL "
              "REFERENCES comparisons(id) ON DELETE CASCADE, position INTEGER NOT NULL, label TEXT NOT NULL, "
              "conversation_id INTEGER NOT NULL, answer_id INTEGER NOT NULL, price_per_hour REAL NOT NULL, "
              "PRIMARY KEY (comparison_id, position))"}) {
            if (!q->exec(QString::fromLatin1(sql))) {
                problem = QStringLiteral("cannot create the comparison tables in %1: %2").arg(path, q->lastError());
                break;
            }
        }
    } // the statement ends before its connection does
    if (!problem.isEmpty())
        return fail(problem);
    m_db = std::move(db);
    return true;
}

std::optional<qint64> ComparisonStore::add(const QString &prompt, const QList<ComparisonColumn> &columns,
                                           QString *error)
{
    auto fail = [error]() -> std::optional<qint64> {
        if (error)
            *error = QStringLiteral("the comparison could not be stored in the chat database");
        return std::nullopt;
    };
    if (!isOpen())
        return fail();
    if (!m_db->transaction())
        return fail();
    const std::unique_ptr<SqlStatement> q = m_db->statement();
    q->prepare(QStringLiteral("INSERT INTO comparisons (prompt, created) VALUES (?, ?)"));
    q->addBindValue(prompt);
    q->addBindValue(QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    if (!q->exec()) {
        m_db->rollback();
        return fail();
    }
    const qint64 id = q->lastInsertId().toLongLong();
    for (qsizetype i = 0; i < columns.size(); ++i) {
        const ComparisonColumn &c = columns[i];
        const std::unique_ptr<SqlStatement> insert = m_db->statement();
        insert->prepare(QStringLiteral(
            "INSERT INTO comparison_columns (comparison_id, position, label, conversation_id, answer_id, "
            "price_per_hour) VALUES (?, ?, ?, ?, ?, ?)"));
        for (const QVariant &v : {QVariant(id), QVariant(qint64(i)), QVariant(c.label), QVariant(c.conversationId),
                                  QVariant(c.answerId), QVariant(c.pricePerHour)})
            insert->addBindValue(v);
        if (!insert->exec()) {
            m_db->rollback();
            return fail();
        }
    }
    if (!m_db->commit())
        return fail();
    return id;
}

std::optional<Comparison> ComparisonStore::comparison(qint64 id) const
{
    if (!isOpen())
        return std::nullopt;
    const std::unique_ptr<SqlStatement> q = m_db->statement();
    q->prepare(QStringLiteral("SELECT prompt, created FROM comparisons WHERE id = ?"));
    q->addBindValue(id);
    if (!q->exec() || !q->next())
        return std::nullopt;
    Comparison c;
    c.id = id;
    c.prompt = q->value(0).toString();
    c.created = QDateTime::fromString(q->value(1).toString(), Qt::ISODateWithMs);
    const std::unique_ptr<SqlStatement> cols = m_db->statement();
    cols->prepare(QStringLiteral("SELECT label, conversation_id, answer_id, price_per_hour FROM comparison_columns "
                                 "WHERE comparison_id = ? ORDER BY position"));
    cols->addBindValue(id);
    if (!cols->exec())
        return std::nullopt;
    while (cols->next())
        c.columns.push_back({cols->value(0).toString(), cols->value(1).toLongLong(), cols->value(2).toLongLong(),
                             cols->value(3).toDouble()});
    return c;
}

QList<Comparison> ComparisonStore::comparisons() const
{
    QList<Comparison> out;
    if (!isOpen())
        return out;
    const std::unique_ptr<SqlStatement> q = m_db->statement();
    if (!q->exec(QStringLiteral("SELECT id FROM comparisons ORDER BY id DESC")))
        return out;
    QList<qint64> ids;
    while (q->next())
        ids << q->value(0).toLongLong();
    for (const qint64 id : ids) {
        if (auto c = comparison(id))
            out << *c;
    }
    return out;
}

QString ComparisonStore::exportMarkdown(qint64 id, ConversationStore &conversations) const
{
    const std::optional<Comparison> c = comparison(id);
    if (!c)
        return {};
    QString md = QStringLiteral("# Comparison: %1\n\n").arg(c->prompt.section(QLatin1Char('\n'), 0, 0));
    md += QStringLiteral("*%1*\n\n").arg(c->created.toString(Qt::ISODate));
    md += QStringLiteral("> %1\n\n").arg(QString(c->prompt).replace(QLatin1Char('\n'), QStringLiteral("\n> ")));
    md += QStringLiteral(
        "| endpoint | model | TTFT | tok/s | tokens | time | cost |\n|---|---|---:|---:|---:|---:|---:|\n");
    QString replies;
    for (const ComparisonColumn &col : c->columns) {
        const StoredMessage answer = conversations.message(col.answerId).value_or(StoredMessage());
        const std::optional<ConversationSummary> conversation = conversations.conversation(col.conversationId);
        const ReplyMetrics &m = answer.metrics;
        const double cost = ComparisonColumn::costOf(col.pricePerHour, m);
        md += QStringLiteral("| %1 | %2 | %3 | %4 | %5 | %6 | %7 |\n")
                  .arg(col.label, conversation ? conversation->model : QString(),
                       m.timeToFirstTokenMs >= 0 ? QStringLiteral("%1 ms").arg(m.timeToFirstTokenMs)
                                                 : QStringLiteral("–"),
                       m.tokensPerSecond > 0 ? QString::number(m.tokensPerSecond, 'f', 1) : QStringLiteral("–"),
                       QString::number(m.completionTokens),
                       m.totalMs >= 0 ? QStringLiteral("%1 ms").arg(m.totalMs) : QStringLiteral("–"),
                       col.pricePerHour > 0 ? QStringLiteral("$%1").arg(cost, 0, 'f', 6) : QStringLiteral("free"));
        replies += QStringLiteral("\n## %1\n\n").arg(col.label);
        if (answer.status != ReplyStatus::Complete)
            replies += QStringLiteral("*%1%2*\n\n")
                           .arg(replyStatusToString(answer.status),
                                answer.error.isEmpty() ? QString() : QStringLiteral(": ") + answer.error);
        replies += answer.content.trimmed() + QLatin1Char('\n');
    }
    return md + replies;
}

} // namespace gantry
