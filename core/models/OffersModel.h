#pragma once

// The offers table's model. Built for 100k offers: each offer is reduced once to a packed
// row of sort/filter keys (price as a double, strings interned to ids with alphabetical
// ranks), sorting is std::sort over an index vector, and filtering is one pass over the
// packed rows producing the visible row vector. No QSortFilterProxyModel: its generic
// QVariant-based sort is an order of magnitude too slow at this size.

#include "core/models/OfferFilter.h"
#include "core/offers/Offer.h"

#include <QAbstractTableModel>
#include <QList>

#include <cstdint>
#include <vector>

namespace gantry {

class OffersModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Number, Backend, Region, Instance, Resources, Spot, Price, Availability, ColumnCount };
    enum Role {
        SortRole = Qt::UserRole, // the raw value a column sorts by (price as double, …)
        OfferIndexRole, // index of the offer in offers() (stable across sort/filter)
        AvailableRole, // false for not_available/no_quota/…: the view dims these
        FitsModelRole, // false when the offer's GPUs cannot hold the model (setModelNeedGb)
    };

    explicit OffersModel(QObject *parent = nullptr);

    // Replace all offers (a new plan), or add offers as another backend's plan arrives.
    void setOffers(const QList<Offer> &offers);
    void appendOffers(const QList<Offer> &offers);
    void clear();

    const QList<Offer> &offers() const { return m_offers; }
    const Offer &offerAt(int row) const { return m_offers[m_visible[size_t(row)]]; }
    int offerIndexAt(int row) const { return int(m_visible[size_t(row)]); }
    int rowOfOffer(int offerIndex) const; // -1 when filtered out

    // GPU memory the configuration's model needs (ModelSizing), 0 = unknown: offers whose GPUs
    // hold less are marked ("⚠" before their resources, the reason in the tooltip).
    void setModelNeedGb(double gb);
    double modelNeedGb() const { return m_modelNeedGb; }
    bool fitsModel(const Offer &offer) const;

    void setFilter(const OfferFilter &filter);
    const OfferFilter &filter() const { return m_filter; }
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }

    int shownCount() const { return int(m_visible.size()); }
    int totalCount() const { return int(m_offers.size()); }
    double maxShownPrice() const;
    // "Shown 3 of 124 offers, $2.4928 max" — the footer dstack prints.
    QString footerText() const;

    // Distinct values present, alphabetically (for the filter bar's combo boxes).
    QStringList backends() const;
    QStringList regions() const;

    // QAbstractItemModel
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

private:
    // Interned strings: id → text, plus each id's alphabetical rank (recomputed on append).
    struct StringTable {
        std::vector<QString> texts;
        std::vector<uint32_t> ranks;
        QHash<QString, uint32_t> ids;
        uint32_t intern(const QString &text);
        void rank();
    };
    // One offer's keys, 48 bytes: everything sort and filter read, nothing else.
    struct Packed {
        double price;
        double memoryMib;
        float gpuMemoryGb; // first GPU
        uint32_t backend;
        uint32_t region;
        uint32_t instance;
        uint32_t gpuName;
        uint16_t gpuCount;
        uint16_t cpus;
        uint8_t spot;
        uint8_t availability; // 0 available/unknown/idle, 1 otherwise
        uint32_t priceRank; // dense rank of price among all offers
    };
    static constexpr int kPriceRankBits = 24;
    static constexpr uint32_t kPriceRankMask = (1u << kPriceRankBits) - 1;

    void addOffers(const QList<Offer> &offers); // pack, rank, sort, filter (inside a reset)
    void pack(const Offer &offer);
    void sortAll(); // m_sorted from m_packed, by the current column/order
    void applyFilter(); // m_visible from m_sorted and the current filter
    void rankPrices();
    uint64_t primaryKey(const Packed &p) const; // the column's key; must fit 40 bits

    QList<Offer> m_offers;
    std::vector<Packed> m_packed;
    std::vector<uint32_t> m_sorted; // every offer index, in sort order
    std::vector<uint32_t> m_visible; // the rows: the filtered subsequence of m_sorted
    StringTable m_backends, m_regions, m_instances, m_gpuNames;
    OfferFilter m_filter;
    double m_modelNeedGb = 0;
    int m_sortColumn = Number;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
};

} // namespace gantry
