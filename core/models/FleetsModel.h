#pragma once

// The Fleets view's tree: each dstack project's fleets, and under each fleet its instances
// (status, backend, region, instance type, resources, price/h, the run a busy instance
// serves). Idle instances that cost money are flagged (IdleCostRole) so the view can make
// them stand out: they cost money while doing nothing. setFleets() keeps rows by name, so a
// periodic refresh does not lose the selection.

#include "core/runs/FleetInfo.h"

#include <QAbstractItemModel>
#include <QList>

namespace gantry {

class FleetsModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { Name, Status, Backend, Region, InstanceType, Resources, Price, Run, ColumnCount };
    enum Role {
        IdleCostRole = Qt::UserRole, // double: $/h of an idle instance (fleet rows: of its idle instances); 0 otherwise
        ProjectRole, // QString: the fleet's project
        FleetNameRole, // QString: the fleet (on fleet and instance rows)
        InstanceNumRole, // int: instance_num; -1 on fleet rows
    };

    explicit FleetsModel(QObject *parent = nullptr);

    // The fleets of one project (replacing what that project had).
    void setFleets(const QString &project, const QList<FleetInfo> &fleets);
    int fleetCount() const { return int(m_rows.size()); }
    const FleetInfo *fleetAt(const QModelIndex &index) const; // the fleet of a fleet or instance row
    QString projectAt(const QModelIndex &index) const;

    // Idle instances across all fleets and what they cost per hour together.
    int idleCount() const;
    double idleCostPerHour() const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row {
        QString project;
        FleetInfo fleet;
    };
    QList<Row> m_rows;
};

} // namespace gantry
