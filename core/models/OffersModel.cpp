#include "core/models/OffersModel.h"

#include <algorithm>
#include <limits>

namespace gantry {

namespace {

bool isAvailable(const QString &availability)
{
    return availability.isEmpty() || availability == QLatin1String("available") ||
           availability == QLatin1String("unknown") || availability == QLatin1String("idle");
}

// dstack shows the "remote" backend as "ssh".
QString backendLabel(const QString &backend)
{
    return backend == QLatin1String("remote") ? QStringLiteral("ssh") : backend;
}

// Per-id answers to a string predicate: the filter tests ids, not strings, per row.
template <typename Pred>
std::vector<uint8_t> matchTable(const std::vector<QString> &texts, Pred pred)
{
    std::vector<uint8_t> table(texts.size());
    for (size_t i = 0; i < texts.size(); ++i)
        table[i] = pred(texts[i]) ? 1 : 0;
    return table;
}

} // namespace

uint32_t OffersModel::StringTable::intern(const QString &text)
{
    auto it = ids.constFind(text);
    if (it != ids.constEnd())
        return *it;
    const auto id = uint32_t(texts.size());
    texts.push_back(text);
    ids.insert(text, id);
    return id;
}

void OffersModel::StringTable::rank()
{
    std::vector<uint32_t> order(texts.size());
    for (uint32_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::sort(order.begin(), order.end(),
              [this](uint32_t a, uint32_t b) { return QString::compare(texts[a], texts[b], Qt::CaseInsensitive) < 0; });
    ranks.assign(texts.size(), 0);
    for (uint32_t r = 0; r < order.size(); ++r)
        ranks[order[r]] = r;
}

OffersModel::OffersModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void OffersModel::pack(const Offer &offer)
{
    const InstanceResources &r = offer.resources;
    Packed p{};
    p.price = offer.price;
    p.memoryMib = double(r.memoryMib);
    p.gpuMemoryGb = r.gpus.isEmpty() ? 0.f : float(r.gpus.first().memoryMib / 1024.0);
    p.backend = m_backends.intern(backendLabel(offer.backend));
    p.region = m_regions.intern(offer.region);
    p.instance = m_instances.intern(offer.instanceName);
    p.gpuName = m_gpuNames.intern(r.gpus.isEmpty() ? QString() : r.gpus.first().name);
    p.gpuCount = uint16_t(std::clamp<qsizetype>(r.gpus.size(), 0, 0xffff));
    p.cpus = uint16_t(std::clamp(r.cpus, 0, 0xffff));
    p.spot = r.spot ? 1 : 0;
    p.availability = isAvailable(offer.availability) ? 0 : 1;
    m_packed.push_back(p);
}

void OffersModel::setOffers(const QList<Offer> &offers)
{
    beginResetModel();
    m_offers.clear();
    m_packed.clear();
    m_backends = {};
    m_regions = {};
    m_instances = {};
    m_gpuNames = {};
    addOffers(offers);
    endResetModel();
}

void OffersModel::appendOffers(const QList<Offer> &offers)
{
    if (offers.isEmpty())
        return;
    beginResetModel();
    addOffers(offers);
    endResetModel();
}

void OffersModel::addOffers(const QList<Offer> &offers)
{
    m_offers.reserve(m_offers.size() + offers.size());
    m_packed.reserve(m_packed.size() + size_t(offers.size()));
    for (const Offer &o : offers) {
        m_offers.append(o);
        pack(o);
    }
    for (StringTable *t : {&m_backends, &m_regions, &m_instances, &m_gpuNames})
        t->rank();
    rankPrices();
    sortAll();
    applyFilter();
}

void OffersModel::clear()
{
    setOffers({});
}

int OffersModel::rowOfOffer(int offerIndex) const
{
    const auto it = std::find(m_visible.begin(), m_visible.end(), uint32_t(offerIndex));
    return it == m_visible.end() ? -1 : int(it - m_visible.begin());
}

void OffersModel::rankPrices()
{
    // Dense rank of every offer's price (equal prices share a rank), computed once per plan,
    // so that every column's sort key fits one 64-bit integer: (column key << 24) | price rank.
    std::vector<std::pair<double, uint32_t>> byPrice(m_packed.size());
    for (uint32_t i = 0; i < byPrice.size(); ++i)
        byPrice[i] = {m_packed[i].price, i};
    std::sort(byPrice.begin(), byPrice.end());
    uint32_t rank = 0;
    for (size_t k = 0; k < byPrice.size(); ++k) {
        if (k > 0 && byPrice[k].first != byPrice[k - 1].first)
            ++rank;
        m_packed[byPrice[k].second].priceRank = std::min<uint32_t>(rank, kPriceRankMask);
    }
}

uint64_t OffersModel::primaryKey(const Packed &p) const
{
    auto clamp = [](double v, uint64_t bits) { return uint64_t(std::clamp(v, 0.0, double((1ull << bits) - 1))); };
    switch (m_sortColumn) {
    case Backend:
        return m_backends.ranks[p.backend];
    case Region:
        return m_regions.ranks[p.region];
    case Instance:
        return m_instances.ranks[p.instance];
    case Resources: // GPU count, GPU memory, CPUs, memory: 6 + 12 + 10 + 12 bits
        return clamp(p.gpuCount, 6) << 34 | clamp(p.gpuMemoryGb * 8.0, 12) << 22 | clamp(p.cpus, 10) << 12 |
               clamp(p.memoryMib / 1024.0, 12);
    case Spot:
        return p.spot;
    case Availability:
        return p.availability;
    default:
        return 0; // Price: the price rank alone
    }
}

void OffersModel::sortAll()
{
    m_sorted.resize(m_packed.size());
    for (uint32_t i = 0; i < m_sorted.size(); ++i)
        m_sorted[i] = i;
    const bool descending = m_sortOrder == Qt::DescendingOrder;
    if (m_sortColumn == Number) {
        if (descending)
            std::reverse(m_sorted.begin(), m_sorted.end());
        return;
    }
    // Sort (key, index) pairs: contiguous, integer compares, no indirection. Equal keys list
    // cheapest first; equal key and price keep the plan's order in either direction.
    std::vector<std::pair<uint64_t, uint32_t>> keys(m_packed.size());
    for (uint32_t i = 0; i < keys.size(); ++i) {
        const uint64_t key = primaryKey(m_packed[i]) << kPriceRankBits | m_packed[i].priceRank;
        keys[i] = {descending ? ~key : key, i};
    }
    std::sort(keys.begin(), keys.end());
    for (size_t i = 0; i < keys.size(); ++i)
        m_sorted[i] = keys[i].second;
}

void OffersModel::setModelNeedGb(double gb)
{
    if (gb == m_modelNeedGb)
        return;
    m_modelNeedGb = gb;
    if (!m_visible.empty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

bool OffersModel::fitsModel(const Offer &offer) const
{
    if (m_modelNeedGb <= 0)
        return true;
    double total = 0;
    for (const GpuInfo &g : offer.resources.gpus)
        total += g.memoryMib / 1024.0;
    return total >= m_modelNeedGb;
}

void OffersModel::applyFilter()
{
    m_visible.clear();
    if (m_filter.isEmpty()) {
        m_visible = m_sorted;
        return;
    }
    const OfferFilter &f = m_filter;
    const auto gpuOk = matchTable(m_gpuNames.texts, [&](const QString &s) {
        return f.gpuName.isEmpty() || s.contains(f.gpuName, Qt::CaseInsensitive);
    });
    const auto backendOk = matchTable(m_backends.texts, [&](const QString &s) {
        return f.backend.isEmpty() || s.compare(backendLabel(f.backend), Qt::CaseInsensitive) == 0;
    });
    const auto regionOk = matchTable(m_regions.texts, [&](const QString &s) {
        return f.region.isEmpty() || s.contains(f.region, Qt::CaseInsensitive);
    });
    const double maxPrice = f.maxPrice.value_or(std::numeric_limits<double>::infinity());
    const float minMemory = float(f.minGpuMemoryGb);
    const int minCount = f.minGpuCount;
    const double minTotal = f.minTotalGpuMemoryGb;
    const int spot = f.spot == SpotFilter::SpotOnly ? 1 : f.spot == SpotFilter::OnDemandOnly ? 0 : -1;
    m_visible.reserve(m_sorted.size());
    for (const uint32_t i : m_sorted) {
        const Packed &p = m_packed[i];
        if (p.price <= maxPrice && p.gpuCount >= minCount && (minMemory <= 0 || p.gpuMemoryGb >= minMemory) &&
            (spot < 0 || p.spot == spot) && gpuOk[p.gpuName] && backendOk[p.backend] && regionOk[p.region] &&
            (minTotal <= 0 || double(p.gpuMemoryGb) * p.gpuCount >= minTotal))
            m_visible.push_back(i);
    }
}

void OffersModel::setFilter(const OfferFilter &filter)
{
    if (filter == m_filter)
        return;
    beginResetModel();
    m_filter = filter;
    applyFilter();
    endResetModel();
}

void OffersModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= ColumnCount)
        return;
    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    // Remember which offer each persistent index (selection, current row) points at.
    const QModelIndexList before = persistentIndexList();
    QList<int> offerIds;
    offerIds.reserve(before.size());
    for (const QModelIndex &i : before)
        offerIds << (i.isValid() ? int(m_visible[size_t(i.row())]) : -1);

    m_sortColumn = column;
    m_sortOrder = order;
    sortAll();
    applyFilter();

    if (!before.isEmpty()) {
        std::vector<int> rowOf(m_packed.size(), -1);
        for (size_t r = 0; r < m_visible.size(); ++r)
            rowOf[m_visible[r]] = int(r);
        QModelIndexList after;
        after.reserve(before.size());
        for (qsizetype k = 0; k < before.size(); ++k) {
            const int row = offerIds[k] < 0 ? -1 : rowOf[size_t(offerIds[k])];
            after << (row < 0 ? QModelIndex() : index(row, before[k].column()));
        }
        changePersistentIndexList(before, after);
    }
    Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

double OffersModel::maxShownPrice() const
{
    double m = 0;
    for (const uint32_t i : m_visible)
        m = std::max(m, m_packed[i].price);
    return m;
}

QString OffersModel::footerText() const
{
    return tr("Shown %1 of %2 offers, %3 max")
        .arg(shownCount())
        .arg(totalCount())
        .arg(Offer::formatPrice(maxShownPrice()));
}

QStringList OffersModel::backends() const
{
    QStringList list(m_backends.texts.begin(), m_backends.texts.end());
    list.sort(Qt::CaseInsensitive);
    return list;
}

QStringList OffersModel::regions() const
{
    QStringList list(m_regions.texts.begin(), m_regions.texts.end());
    list.sort(Qt::CaseInsensitive);
    return list;
}

int OffersModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_visible.size());
}

int OffersModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant OffersModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const uint32_t i = m_visible[size_t(index.row())];
    const Offer &o = m_offers[i];
    const Packed &p = m_packed[i];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Number:
            return int(i) + 1;
        case Backend:
            return m_backends.texts[p.backend];
        case Region:
            return o.region;
        case Instance:
            return o.totalBlocks > 1 ? QStringLiteral("%1 (%2/%3)").arg(o.instanceName).arg(o.blocks).arg(o.totalBlocks)
                                     : o.instanceName;
        case Resources:
            return fitsModel(o) ? o.resourcesText() : QStringLiteral("⚠ ") + o.resourcesText();
        case Spot:
            return o.resources.spot ? tr("spot") : tr("on-demand");
        case Price:
            return Offer::formatPrice(o.price);
        case Availability:
            return p.availability ? QString(o.availability).replace(QLatin1Char('_'), QLatin1Char(' ')) : QString();
        }
        break;
    case SortRole:
        switch (index.column()) {
        case Number:
            return int(i);
        case Backend:
            return m_backends.texts[p.backend];
        case Region:
            return o.region;
        case Instance:
            return o.instanceName;
        case Resources:
            return int(p.gpuCount);
        case Spot:
            return bool(p.spot);
        case Price:
            return o.price;
        case Availability:
            return int(p.availability);
        }
        break;
    case OfferIndexRole:
        return int(i);
    case AvailableRole:
        return p.availability == 0;
    case FitsModelRole:
        return fitsModel(o);
    case Qt::TextAlignmentRole:
        if (index.column() == Number || index.column() == Price)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case Qt::ToolTipRole:
        if (index.column() == Resources && !fitsModel(o))
            return tr("Its GPUs hold %1 GB; the model needs about %2 GB")
                .arg(double(p.gpuMemoryGb) * p.gpuCount, 0, 'f', 0)
                .arg(m_modelNeedGb, 0, 'f', 1);
        if (index.column() == Resources && !o.resources.description.isEmpty())
            return o.resources.description;
        break;
    default:
        break;
    }
    return {};
}

QVariant OffersModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Number:
        return tr("#");
    case Backend:
        return tr("Backend");
    case Region:
        return tr("Region");
    case Instance:
        return tr("Instance");
    case Resources:
        return tr("Resources");
    case Spot:
        return tr("Spot");
    case Price:
        return tr("Price/h");
    case Availability:
        return tr("Availability");
    }
    return {};
}

} // namespace gantry
