#include "core/models/LogModel.h"

#include "core/runs/LogLevel.h"

#include <QSaveFile>

namespace gantry {

LogModel::LogModel(QObject *parent)
    : QAbstractListModel(parent)
{}

void LogModel::setStore(LogStore *store)
{
    beginResetModel();
    if (m_store)
        disconnect(m_store, nullptr, this, nullptr);
    m_store = store;
    m_blocks.clear();
    m_blockOrder.clear();
    m_rows = store ? store->lineCount() : 0;
    if (store)
        connect(store, &LogStore::linesAppended, this, &LogModel::onLinesAppended);
    endResetModel();
}

void LogModel::onLinesAppended()
{
    // A writer appends line by line; a view wants one insertion per frame, not thousands.
    if (m_insertPending)
        return;
    m_insertPending = true;
    QMetaObject::invokeMethod(this, &LogModel::insertNewRows, Qt::QueuedConnection);
}

void LogModel::insertNewRows()
{
    m_insertPending = false;
    if (!m_store)
        return;
    const qint64 total = m_store->lineCount();
    if (total <= m_rows)
        return;
    beginInsertRows({}, int(m_rows), int(total - 1));
    m_rows = total;
    endInsertRows();
}

void LogModel::setShowTimestamps(bool show)
{
    if (show == m_showTimestamps)
        return;
    m_showTimestamps = show;
    if (m_rows > 0)
        Q_EMIT dataChanged(index(0), index(int(m_rows - 1)), {Qt::DisplayRole});
}

void LogModel::setHighlight(const QString &text)
{
    if (text == m_highlight)
        return;
    m_highlight = text;
    if (m_rows > 0)
        Q_EMIT dataChanged(index(0), index(int(m_rows - 1)), {HighlightRole});
}

int LogModel::findNext(int fromRow, bool forward) const
{
    if (!m_store || m_highlight.isEmpty() || m_rows == 0)
        return -1;
    qint64 hit = m_store->find(m_highlight, forward ? fromRow + 1 : fromRow - 1, forward);
    if (hit < 0 || hit >= m_rows) // wrap around once
        hit = m_store->find(m_highlight, forward ? 0 : m_rows - 1, forward);
    return hit >= 0 && hit < m_rows ? int(hit) : -1;
}

const LogLine *LogModel::lineAt(qint64 row) const
{
    if (!m_store || row < 0 || row >= m_rows)
        return nullptr;
    const qint64 block = row / kBlock;
    const qint64 offset = row - block * kBlock;
    auto it = m_blocks.find(block);
    // A block read while it was the partial last one is re-read once rows were added to it.
    if (it != m_blocks.end() && offset >= it->size()) {
        m_blocks.erase(it);
        m_blockOrder.removeOne(block);
        it = m_blocks.end();
    }
    if (it == m_blocks.end()) {
        if (m_blockOrder.size() >= kMaxBlocks)
            m_blocks.remove(m_blockOrder.takeFirst());
        const qint64 first = block * kBlock;
        it = m_blocks.insert(block, m_store->lines(first, std::min<qint64>(kBlock, m_rows - first)));
        m_blockOrder.append(block);
    } else if (m_blockOrder.constLast() != block) {
        m_blockOrder.removeOne(block);
        m_blockOrder.append(block);
    }
    return offset < it->size() ? &(*it)[offset] : nullptr;
}

QString LogModel::format(const LogLine &line) const
{
    if (!m_showTimestamps)
        return line.text;
    return line.timestamp.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")) + QLatin1String("  ") + line.text;
}

QString LogModel::text(int first, int last) const
{
    QString out;
    for (qint64 row = std::max(0, first); row <= last && row < m_rows; ++row) {
        if (const LogLine *l = lineAt(row))
            out += format(*l);
        out += QLatin1Char('\n');
    }
    return out;
}

bool LogModel::saveTo(const QString &path, QString *error) const
{
    QSaveFile file(path);
    auto fail = [&]() {
        if (error)
            *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    };
    if (!file.open(QIODevice::WriteOnly))
        return fail();
    for (qint64 first = 0; m_store && first < m_rows; first += 4096) {
        QByteArray chunk;
        for (const LogLine &l : m_store->lines(first, std::min<qint64>(4096, m_rows - first)))
            chunk += format(l).toUtf8() + '\n';
        file.write(chunk);
    }
    if (!file.commit())
        return fail();
    return true;
}

int LogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows);
}

QVariant LogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const LogLine *line = lineAt(index.row());
    if (!line)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        return format(*line);
    case TextRole:
        return line->text;
    case SourceRole:
        return logSourceName(line->source);
    case TimestampRole:
        return line->timestamp;
    case HighlightRole:
        return !m_highlight.isEmpty() && line->text.contains(m_highlight, Qt::CaseInsensitive);
    case LevelRole:
        return int(logLevelOf(line->text));
    default:
        return {};
    }
}

} // namespace gantry
