#include "core/chat/SqlAccess.h"

#include "core/common/GantryModule.h"

namespace gantry {

namespace {

class FailingSqlStatement final : public SqlStatement
{
public:
    explicit FailingSqlStatement(QString why)
        : m_why(std::move(why))
    {}
    bool prepare(const QString &) override { return false; }
    void addBindValue(const QVariant &) override {}
    bool exec() override { return false; }
    bool exec(const QString &) override { return false; }
    bool next() override { return false; }
    QVariant value(int) const override { return {}; }
    QVariant lastInsertId() const override { return {}; }
    QString lastError() const override { return m_why; }
    void setForwardOnly(bool) override {}
    void finish() override {}

private:
    QString m_why;
};

} // namespace

std::unique_ptr<SqlStatement> failingSqlStatement(const QString &why)
{
    return std::make_unique<FailingSqlStatement>(why);
}

std::unique_ptr<SqlConnection> openSqliteDatabase(const QString &path, const QString &connectOptions, QString *error)
{
    SqlAccess *access =
        gantryModuleInstance<SqlAccess>(QStringLiteral("libgantry_sql.so"), GANTRY_MAKE_SQL_ACCESS, error);
    return access ? access->openSqlite(path, connectOptions, error) : nullptr;
}

} // namespace gantry
