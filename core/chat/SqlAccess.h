#pragma once

// The contract between the chat stores (ConversationStore, its StoreWriter, ComparisonStore)
// and QtSql, which lives in a module of its own (qt/, libgantry_sql.so) loaded the first time a
// store opens. A start that shows no chat, and every gantry-cli command but `chat` (the local
// supervisor that lives as long as its run included), then maps neither QtSql nor its SQLite
// driver (issue 14). Only Qt Core types cross this line, so gantry_core does not link QtSql.
//
// The calls are QSqlDatabase's and QSqlQuery's, under the same names and with the same meaning;
// errors come back as the driver's text.

#include <QString>
#include <QVariant>

#include <memory>

namespace gantry {

// One statement on one connection (a QSqlQuery). Used on the thread that opened the connection,
// and gone before the connection is.
class SqlStatement
{
public:
    virtual ~SqlStatement() = default;
    virtual bool prepare(const QString &sql) = 0;
    virtual void addBindValue(const QVariant &value) = 0;
    virtual bool exec() = 0; // the prepared statement with the values bound since
    virtual bool exec(const QString &sql) = 0; // sql as it is, nothing bound
    virtual bool next() = 0;
    virtual QVariant value(int column) const = 0;
    virtual QVariant lastInsertId() const = 0;
    virtual QString lastError() const = 0;
    virtual void setForwardOnly(bool forward) = 0;
    virtual void finish() = 0; // ends a read early (its snapshot) before the next write
};

// One SQLite connection (a QSqlDatabase), opened on, used on and destroyed on one thread; its
// destructor closes it.
class SqlConnection
{
public:
    virtual ~SqlConnection() = default;
    virtual std::unique_ptr<SqlStatement> statement() = 0;
    virtual bool transaction() = 0;
    virtual bool commit() = 0;
    virtual bool rollback() = 0;
};

// What the module gives: connections.
class SqlAccess
{
public:
    virtual ~SqlAccess() = default;
    // The SQLite database at path (created when missing), with QSQLITE's connectOptions
    // ("QSQLITE_BUSY_TIMEOUT=5000"); nullptr and *error in the driver's words when it cannot be
    // opened.
    virtual std::unique_ptr<SqlConnection> openSqlite(const QString &path, const QString &connectOptions,
                                                      QString *error) = 0;
};

#define GANTRY_MAKE_SQL_ACCESS "gantry_make_sql_access"

// A statement whose every call fails, lastError() saying why (a store that is not open).
std::unique_ptr<SqlStatement> failingSqlStatement(const QString &why);

// The database at path through the module; nullptr and *error when it cannot be opened, or when
// libgantry_sql.so cannot be loaded ("… cannot be loaded: why; reinstalling Gantry puts it
// back"). Call it first on the GUI (main) thread: see gantryModuleDirectory().
std::unique_ptr<SqlConnection> openSqliteDatabase(const QString &path, const QString &connectOptions, QString *error);

} // namespace gantry
