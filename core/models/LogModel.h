#pragma once

// The run monitor's log view over a LogStore. Rows are the store's lines; only the rows a
// view asks for are read, in blocks of 256 lines kept in a small cache, so a 1M-line log
// costs the store's index plus a few blocks. New lines arrive as rowsInserted.

#include "core/runs/LogStore.h"

#include <QAbstractListModel>
#include <QHash>
#include <QList>
#include <QPointer>

namespace gantry {

class LogModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        TextRole = Qt::UserRole, // the line's text alone
        SourceRole, // "stdout", "stderr", "gantry"
        TimestampRole, // QDateTime, UTC
        HighlightRole, // bool: the line contains the search text
        LevelRole, // int(LogLevel): the level the line's text states (not its stream)
    };

    explicit LogModel(QObject *parent = nullptr);

    void setStore(LogStore *store); // not owned; nullptr clears
    LogStore *store() const { return m_store; }

    void setShowTimestamps(bool show);
    bool showTimestamps() const { return m_showTimestamps; }

    // Search: highlight lines containing text, and find the next/previous one from a row.
    void setHighlight(const QString &text);
    QString highlight() const { return m_highlight; }
    int findNext(int fromRow, bool forward) const; // -1 when none; wraps around

    // Lines [first, last] as text (copy, save), in display format.
    QString text(int first, int last) const;
    // Write every line to path; false with *error saying why when it cannot.
    bool saveTo(const QString &path, QString *error) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

private:
    static constexpr int kBlock = 256;
    static constexpr int kMaxBlocks = 48;

    void onLinesAppended(); // coalesced: rows are inserted once per event-loop pass
    void insertNewRows();
    const LogLine *lineAt(qint64 row) const;
    QString format(const LogLine &line) const;

    QPointer<LogStore> m_store;
    qint64 m_rows = 0;
    bool m_insertPending = false;
    bool m_showTimestamps = true;
    QString m_highlight;
    mutable QHash<qint64, QList<LogLine>> m_blocks; // block number → lines
    mutable QList<qint64> m_blockOrder; // least recently used first
};

} // namespace gantry
