#include "core/models/GpuGroupsModel.h"

#include <QHash>

#include <algorithm>

namespace gantry {

GpuGroupsModel::GpuGroupsModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void GpuGroupsModel::setOffers(const QList<Offer> &offers)
{
    QHash<QString, int> index; // "name|memory" → row
    QList<Group> groups;
    for (const Offer &o : offers) {
        const GpuInfo gpu = o.resources.gpus.isEmpty() ? GpuInfo{} : o.resources.gpus.first();
        const QString key = gpu.name + QLatin1Char('|') + QString::number(gpu.memoryMib);
        auto it = index.find(key);
        if (it == index.end()) {
            it = index.insert(key, int(groups.size()));
            Group g;
            g.gpu = gpu.name;
            g.memoryMib = gpu.memoryMib;
            g.minCount = g.maxCount = int(o.resources.gpus.size());
            g.minPrice = g.maxPrice = o.price;
            groups.append(g);
        }
        Group &g = groups[*it];
        const int count = int(o.resources.gpus.size());
        g.minCount = std::min(g.minCount, count);
        g.maxCount = std::max(g.maxCount, count);
        g.minPrice = std::min(g.minPrice, o.price);
        g.maxPrice = std::max(g.maxPrice, o.price);
        ++g.offers;
        const QString backend = o.backend == QLatin1String("remote") ? QStringLiteral("ssh") : o.backend;
        if (!g.backends.contains(backend))
            g.backends.append(backend);
        (o.resources.spot ? g.spot : g.onDemand) = true;
    }
    for (Group &g : groups)
        g.backends.sort();
    std::stable_sort(groups.begin(), groups.end(),
                     [](const Group &a, const Group &b) { return a.minPrice < b.minPrice; });
    beginResetModel();
    m_groups = groups;
    endResetModel();
}

int GpuGroupsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_groups.size());
}

int GpuGroupsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant GpuGroupsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_groups.size() || (role != Qt::DisplayRole && role != SortRole))
        return {};
    const Group &g = m_groups[index.row()];
    const bool sort = role == SortRole;
    switch (index.column()) {
    case Gpu:
        return g.gpu.isEmpty() ? QStringLiteral("no GPU") : g.gpu;
    case Memory:
        if (sort)
            return g.memoryMib;
        return g.memoryMib > 0 ? QStringLiteral("%1GB").arg(g.memoryMib / 1024.0, 0, 'g', 4) : QString();
    case Count:
        if (sort)
            return g.minCount;
        return g.minCount == g.maxCount ? QString::number(g.minCount)
                                        : QStringLiteral("%1..%2").arg(g.minCount).arg(g.maxCount);
    case Offers:
        return g.offers;
    case Price:
        if (sort)
            return g.minPrice;
        return g.minPrice == g.maxPrice
                   ? Offer::formatPrice(g.minPrice)
                   : QStringLiteral("%1..%2").arg(Offer::formatPrice(g.minPrice), Offer::formatPrice(g.maxPrice));
    case Backends:
        return g.backends.join(QStringLiteral(", "));
    case Spot:
        return g.spot && g.onDemand ? QStringLiteral("spot, on-demand")
               : g.spot             ? QStringLiteral("spot")
                                    : QStringLiteral("on-demand");
    default:
        return {};
    }
}

QVariant GpuGroupsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Gpu:
        return tr("GPU");
    case Memory:
        return tr("Memory");
    case Count:
        return tr("Count");
    case Offers:
        return tr("Offers");
    case Price:
        return tr("Price/h");
    case Backends:
        return tr("Backends");
    case Spot:
        return tr("Spot");
    default:
        return {};
    }
}

} // namespace gantry
