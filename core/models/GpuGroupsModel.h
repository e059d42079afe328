#pragma once

// Offers grouped by GPU, as `dstack offer --group-by gpu` and dstack's web UI show them: one
// row per GPU (name and memory; CPU-only offers are one "no GPU" row) with how many offers
// there are, the GPU counts they come in, the price range, the backends and whether spot
// and/or on-demand. Rows in ascending lowest price.

#include "core/offers/Offer.h"

#include <QAbstractTableModel>
#include <QList>
#include <QStringList>

namespace gantry {

class GpuGroupsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Gpu, Memory, Count, Offers, Price, Backends, Spot, ColumnCount };
    enum Role { SortRole = Qt::UserRole };

    struct Group {
        QString gpu; // "H100"; empty = no GPU
        int memoryMib = 0;
        int minCount = 0, maxCount = 0;
        int offers = 0;
        double minPrice = 0, maxPrice = 0;
        QStringList backends; // sorted
        bool spot = false, onDemand = false;
    };

    explicit GpuGroupsModel(QObject *parent = nullptr);

    void setOffers(const QList<Offer> &offers);
    const QList<Group> &groups() const { return m_groups; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<Group> m_groups;
};

} // namespace gantry
