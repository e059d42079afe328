#include "core/models/FleetsModel.h"

#include <algorithm>

namespace gantry {

namespace {

// Internal ids: 0 = a fleet row; fleet row + 1 = an instance row of that fleet.
constexpr quintptr kFleetRow = 0;

QString price(double p)
{
    return p < 0 ? QString() : Offer::formatPrice(p);
}

} // namespace

FleetsModel::FleetsModel(QObject *parent)
    : QAbstractItemModel(parent)
{}

void FleetsModel::setFleets(const QString &project, const QList<FleetInfo> &fleets)
{
    // Fleets of this project that are gone: remove their rows.
    for (int i = int(m_rows.size()) - 1; i >= 0; --i) {
        if (m_rows[i].project != project)
            continue;
        const bool kept = std::any_of(fleets.cbegin(), fleets.cend(),
                                      [&](const FleetInfo &f) { return f.name == m_rows[i].fleet.name; });
        if (!kept) {
            beginRemoveRows({}, i, i);
            m_rows.removeAt(i);
            endRemoveRows();
        }
    }
    for (const FleetInfo &fleet : fleets) {
        auto it = std::find_if(m_rows.begin(), m_rows.end(),
                               [&](const Row &r) { return r.project == project && r.fleet.name == fleet.name; });
        if (it == m_rows.end()) {
            const int row = int(m_rows.size());
            beginInsertRows({}, row, row);
            m_rows.append({project, fleet});
            endInsertRows();
            continue;
        }
        const int row = int(it - m_rows.begin());
        const QModelIndex parent = index(row, 0);
        const int before = int(it->fleet.instances.size()), after = int(fleet.instances.size());
        if (after < before) {
            beginRemoveRows(parent, after, before - 1);
            it->fleet.instances.resize(after);
            endRemoveRows();
        }
        if (after > before) {
            beginInsertRows(parent, before, after - 1);
            it->fleet.instances = fleet.instances;
            endInsertRows();
        }
        m_rows[row].fleet = fleet;
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        if (after > 0)
            Q_EMIT dataChanged(index(0, 0, parent), index(after - 1, ColumnCount - 1, parent));
    }
}

const FleetInfo *FleetsModel::fleetAt(const QModelIndex &index) const
{
    if (!index.isValid())
        return nullptr;
    const int row = index.internalId() == kFleetRow ? index.row() : int(index.internalId() - 1);
    return row >= 0 && row < m_rows.size() ? &m_rows[row].fleet : nullptr;
}

QString FleetsModel::projectAt(const QModelIndex &index) const
{
    if (!index.isValid())
        return {};
    const int row = index.internalId() == kFleetRow ? index.row() : int(index.internalId() - 1);
    return row >= 0 && row < m_rows.size() ? m_rows[row].project : QString();
}

int FleetsModel::idleCount() const
{
    int n = 0;
    for (const Row &r : m_rows)
        n += r.fleet.idleCount();
    return n;
}

double FleetsModel::idleCostPerHour() const
{
    double sum = 0;
    for (const Row &r : m_rows)
        sum += r.fleet.idleCostPerHour();
    return sum;
}

QModelIndex FleetsModel::index(int row, int column, const QModelIndex &parent) const
{
    if (column < 0 || column >= ColumnCount || row < 0)
        return {};
    if (!parent.isValid())
        return row < m_rows.size() ? createIndex(row, column, kFleetRow) : QModelIndex();
    if (parent.internalId() != kFleetRow || parent.row() >= m_rows.size())
        return {};
    return row < m_rows[parent.row()].fleet.instances.size() ? createIndex(row, column, quintptr(parent.row()) + 1)
                                                             : QModelIndex();
}

QModelIndex FleetsModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == kFleetRow)
        return {};
    return createIndex(int(child.internalId() - 1), 0, kFleetRow);
}

int FleetsModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_rows.size());
    if (parent.internalId() != kFleetRow || parent.column() != 0 || parent.row() >= m_rows.size())
        return 0;
    return int(m_rows[parent.row()].fleet.instances.size());
}

int FleetsModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant FleetsModel::data(const QModelIndex &index, int role) const
{
    const FleetInfo *fleet = fleetAt(index);
    if (!fleet)
        return {};
    const bool isFleet = index.internalId() == kFleetRow;
    if (role == ProjectRole)
        return projectAt(index);
    if (role == FleetNameRole)
        return fleet->name;
    if (role == InstanceNumRole)
        return isFleet ? -1 : fleet->instances.value(index.row()).num;
    if (isFleet) {
        if (role == IdleCostRole)
            return fleet->idleCostPerHour();
        if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
            return {};
        switch (index.column()) {
        case Name:
            return fleet->name;
        case Status:
            return fleet->statusMessage.isEmpty()
                       ? fleet->status
                       : fleet->status + QStringLiteral(" (") + fleet->statusMessage + QLatin1Char(')');
        case Backend:
            return fleet->ssh ? QStringLiteral("ssh") : fleet->backends.join(QStringLiteral(", "));
        case Region:
            return {};
        case InstanceType:
            return fleet->ssh ? tr("%n host(s)", nullptr, fleet->nodes.toInt()) : tr("nodes %1").arg(fleet->nodes);
        case Resources:
            return fleet->resources;
        case Price:
            return fleet->costPerHour() > 0 ? Offer::formatPrice(fleet->costPerHour()) : QString();
        case Run:
            return fleet->idleCount() > 0 ? tr("%n idle", nullptr, fleet->idleCount()) : QString();
        default:
            return {};
        }
    }
    if (index.row() >= fleet->instances.size())
        return {};
    const FleetInstanceInfo &i = fleet->instances[index.row()];
    if (role == IdleCostRole)
        return i.isIdle() && i.price > 0 ? i.price : 0.0;
    if (role == Qt::ToolTipRole && i.isIdle() && i.price > 0)
        return tr("Idle: costs %1/h while serving no run").arg(Offer::formatPrice(i.price));
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case Name:
        return QStringLiteral("%1 (#%2)").arg(i.name).arg(i.num);
    case Status:
        return i.unreachable ? i.status + tr(" (unreachable)") : i.status;
    case Backend:
        return i.backend == QLatin1String("remote") ? QStringLiteral("ssh") : i.backend;
    case Region:
        return i.region;
    case InstanceType:
        return i.instanceType.isEmpty() ? i.hostname : i.instanceType;
    case Resources:
        return i.resources;
    case Price:
        return price(i.price);
    case Run:
        return i.runName;
    default:
        return {};
    }
}

QVariant FleetsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name:
        return tr("Fleet / instance");
    case Status:
        return tr("Status");
    case Backend:
        return tr("Backend");
    case Region:
        return tr("Region");
    case InstanceType:
        return tr("Instance type");
    case Resources:
        return tr("Resources");
    case Price:
        return tr("Price/h");
    case Run:
        return tr("Run");
    default:
        return {};
    }
}

} // namespace gantry
