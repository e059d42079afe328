#include "core/models/RunsModel.h"

#include "core/cost/CostGuard.h"

#include <QFileInfo>
#include <QSet>

namespace gantry {

RunsModel::RunsModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

int RunsModel::rowOfRun(const QString &name) const
{
    for (int i = 0; i < m_runs.size(); ++i)
        if (m_runs[i].name == name)
            return i;
    return -1;
}

QHash<QString, int> RunsModel::rowsByName() const
{
    QHash<QString, int> rows;
    rows.reserve(m_runs.size());
    for (int i = int(m_runs.size()) - 1; i >= 0; --i) // from the end: the first row wins
        rows.insert(m_runs[i].name, i);
    return rows;
}

void RunsModel::setRuns(const QList<RunInfo> &runs)
{
    // Linear in the runs on both sides: a dstack project keeps every run it ever had, and the
    // list is refreshed every few seconds on the GUI thread.
    QSet<QString> incoming;
    incoming.reserve(runs.size());
    for (const RunInfo &r : runs)
        incoming.insert(r.name);
    // Remove the runs that are gone, a block of neighbours at a time, from the end (so the rows
    // before stay valid)…
    for (int row = int(m_runs.size()) - 1; row >= 0;) {
        if (incoming.contains(m_runs[row].name)) {
            --row;
            continue;
        }
        int first = row;
        while (first > 0 && !incoming.contains(m_runs[first - 1].name))
            --first;
        beginRemoveRows({}, first, row);
        m_runs.remove(first, row - first + 1);
        endRemoveRows();
        row = first - 1;
    }
    // …update the ones still here, and append the new ones.
    QHash<QString, int> rows = rowsByName();
    for (const RunInfo &run : runs) {
        const auto found = rows.constFind(run.name);
        if (found != rows.cend()) {
            const int row = *found;
            m_runs[row] = run;
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        } else {
            const int at = int(m_runs.size());
            beginInsertRows({}, at, at);
            m_runs.append(run);
            endInsertRows();
            rows.insert(run.name, at);
        }
    }
}

void RunsModel::sort(int column, Qt::SortOrder order)
{
    const auto key = [&](const RunInfo &r) -> QVariant {
        switch (column) {
        case Cost:
            return runSpend(r, m_now);
        case Price:
            return r.price;
        case Age:
            return r.submittedAt.toMSecsSinceEpoch();
        case Status:
            return int(r.status);
        case Name:
            return r.name;
        case Backend:
            return r.backend;
        default:
            return QFileInfo(r.configurationPath).fileName();
        }
    };
    const auto less = [&](const RunInfo &a, const RunInfo &b) {
        const QVariant ka = key(a), kb = key(b);
        const bool text = ka.typeId() == QMetaType::QString;
        const bool lt = text ? ka.toString() < kb.toString() : ka.toDouble() < kb.toDouble();
        const bool gt = text ? kb.toString() < ka.toString() : kb.toDouble() < ka.toDouble();
        return order == Qt::AscendingOrder ? lt : gt;
    };
    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList before = persistentIndexList();
    QStringList names;
    for (const QModelIndex &i : before)
        names << m_runs[i.row()].name;
    std::stable_sort(m_runs.begin(), m_runs.end(), less);
    const QHash<QString, int> rows = rowsByName();
    QModelIndexList after;
    for (qsizetype i = 0; i < before.size(); ++i)
        after << index(rows.value(names[i], -1), before[i].column());
    changePersistentIndexList(before, after);
    Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

void RunsModel::setNow(const QDateTime &now)
{
    m_now = now;
    if (!m_runs.isEmpty())
        Q_EMIT dataChanged(index(0, Age), index(int(m_runs.size()) - 1, Cost));
}

int RunsModel::activeCount() const
{
    return int(std::count_if(m_runs.begin(), m_runs.end(), [](const RunInfo &r) { return !isFinal(r.status); }));
}

double RunsModel::activePricePerHour() const
{
    double sum = 0;
    for (const RunInfo &r : m_runs)
        if (!isFinal(r.status))
            sum += r.price;
    return sum;
}

QString RunsModel::ageText(const QDateTime &from, const QDateTime &now)
{
    if (!from.isValid())
        return {};
    const qint64 s = std::max<qint64>(0, from.secsTo(now));
    if (s < 60)
        return tr("%1s").arg(s);
    if (s < 3600)
        return tr("%1m").arg(s / 60);
    if (s < 86400)
        return tr("%1h").arg(s / 3600);
    return tr("%1d").arg(s / 86400);
}

QString RunsModel::statusText(const RunInfo &run) const
{
    QString text = run.statusMessage.isEmpty() ? toString(run.status) : run.statusMessage;
    if (run.status == RunStatus::Running && run.ready)
        text += tr(" · ready");
    return text;
}

int RunsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_runs.size());
}

int RunsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RunInfo &run = m_runs[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Name:
            return run.name;
        case Configuration:
            return QFileInfo(run.configurationPath).fileName();
        case Backend:
            return run.backend;
        case Status:
            return statusText(run);
        case Age:
            return ageText(run.submittedAt, m_now);
        case Price:
            return Offer::formatPrice(run.price);
        case Cost:
            return Offer::formatPrice(run.cost);
        }
        break;
    case SortRole:
        switch (index.column()) {
        case Age:
            return run.submittedAt;
        case Price:
            return run.price;
        case Cost:
            return run.cost;
        case Status:
            return int(run.status);
        default:
            return data(index, Qt::DisplayRole);
        }
    case Qt::ToolTipRole:
        if (index.column() == Configuration)
            return run.configurationPath;
        if (index.column() == Status && !run.error.isEmpty())
            return run.error;
        break;
    case Qt::TextAlignmentRole:
        if (index.column() >= Age)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case StatusRole:
        return int(run.status);
    case ReadyRole:
        return run.ready;
    case RunNameRole:
        return run.name;
    default:
        break;
    }
    return {};
}

QVariant RunsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Name:
        return tr("Name");
    case Configuration:
        return tr("Configuration");
    case Backend:
        return tr("Backend");
    case Status:
        return tr("Status");
    case Age:
        return tr("Age");
    case Price:
        return tr("Price/h");
    case Cost:
        return tr("Cost");
    }
    return {};
}

} // namespace gantry
