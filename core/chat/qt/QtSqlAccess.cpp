// The module behind core/chat/SqlAccess.h: QtSql and its SQLite driver (libgantry_sql.so).
// Each connection is a QSqlDatabase under a name of its own; each statement a QSqlQuery on it.

#include "core/chat/SqlAccess.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QUuid>

namespace gantry {

namespace {

class QtSqlStatement final : public SqlStatement
{
public:
    explicit QtSqlStatement(const QSqlDatabase &db)
        : m_query(db)
    {}
    bool prepare(const QString &sql) override { return m_query.prepare(sql); }
    void addBindValue(const QVariant &value) override { m_query.addBindValue(value); }
    bool exec() override { return m_query.exec(); }
    bool exec(const QString &sql) override { return m_query.exec(sql); }
    bool next() override { return m_query.next(); }
    QVariant value(int column) const override { return m_query.value(column); }
    QVariant lastInsertId() const override { return m_query.lastInsertId(); }
    QString lastError() const override { return m_query.lastError().text(); }
    void setForwardOnly(bool forward) override { m_query.setForwardOnly(forward); }
    void finish() override { m_query.finish(); }

private:
    QSqlQuery m_query;
};

class QtSqlConnection final : public SqlConnection
{
public:
    explicit QtSqlConnection(QSqlDatabase db)
        : m_db(std::move(db))
    {}
    ~QtSqlConnection() override
    {
        assertOwnThread();
        const QString name = m_db.connectionName();
        m_db.close();
        m_db = QSqlDatabase(); // no handle may outlive the connection's removal
        QSqlDatabase::removeDatabase(name);
    }
    std::unique_ptr<SqlStatement> statement() override
    {
        assertOwnThread();
        return std::make_unique<QtSqlStatement>(m_db);
    }
    bool transaction() override
    {
        assertOwnThread();
        return m_db.transaction();
    }
    bool commit() override
    {
        assertOwnThread();
        return m_db.commit();
    }
    bool rollback() override
    {
        assertOwnThread();
        return m_db.rollback();
    }

private:
    // QSqlDatabase::database() refuses another thread's connection; a kept handle does not ask,
    // so the rule is checked here (CI builds keep Q_ASSERT).
    void assertOwnThread() const
    {
        Q_ASSERT_X(QThread::currentThread() == m_thread, "QtSqlConnection",
                   "a SQLite connection used off the thread that opened it");
    }

    QSqlDatabase m_db;
    QThread *const m_thread = QThread::currentThread();
};

class QtSqlAccess final : public SqlAccess
{
public:
    std::unique_ptr<SqlConnection> openSqlite(const QString &path, const QString &connectOptions,
                                              QString *error) override
    {
        const QString name = QStringLiteral("gantry-") + QUuid::createUuid().toString(QUuid::Id128);
        QString problem;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            db.setDatabaseName(path);
            db.setConnectOptions(connectOptions);
            if (db.open())
                return std::make_unique<QtSqlConnection>(std::move(db));
            problem = db.lastError().text();
        }
        QSqlDatabase::removeDatabase(name);
        if (error)
            *error = problem;
        return nullptr;
    }
};

} // namespace

} // namespace gantry

extern "C" Q_DECL_EXPORT gantry::SqlAccess *gantry_make_sql_access()
{
    return new gantry::QtSqlAccess;
}
