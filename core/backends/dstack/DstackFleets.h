#pragma once

// The fleets of one dstack project: list, plan, apply, delete (docs/reference/dstack-api.md#fleets).
// Owned by its DstackBackend and speaking through the same DstackClient. Since dstack 0.20 a
// run is placed only into a fleet, so a new project needs one before anything can deploy.
//
// Planning an SSH fleet reads its identity files on the thread pool (they may live on a slow
// mount) and sends their contents as ssh_key, as dstack's client does. The spec with the keys
// is kept in memory for the apply that follows and nowhere else; no signal carries it.

#include "core/backends/dstack/DstackError.h"
#include "core/config/Configuration.h"
#include "core/runs/FleetInfo.h"

#include <QList>
#include <QObject>
#include <QString>

#include <nlohmann/json.hpp>

namespace gantry {

class DstackClient;

class DstackFleets : public QObject
{
    Q_OBJECT
public:
    DstackFleets(DstackClient *client, const QString &project, QObject *parent = nullptr);

    QString project() const { return m_project; }

    // fleets/list; emits listed(error) and, when anything differs, fleetsChanged().
    void refresh();
    QList<FleetInfo> fleets() const { return m_fleets; }
    bool hasListed() const { return m_listed; }
    // The last fleets/list answer, for pinning offers of idle instances (no ssh keys in it).
    nlohmann::json rawFleets() const { return m_raw; }

    // fleets/get_plan for a `type: fleet` configuration; emits planned(id, plan).
    int plan(const Configuration &fleet);
    // fleets/apply: with the plan made for this very configuration (its spec and
    // current_resource), else plans first. Emits applied(id, fleetName, error).
    int apply(const Configuration &fleet);
    // fleets/delete of one fleet, or fleets/delete_instances of some of its instances (by
    // instance_num). Emits deleted(id, error).
    // Drops the last plan's spec (and the SSH keys in it): after a cancelled confirmation.
    void forgetPlan();
    int deleteFleet(const QString &name);
    int deleteInstances(const QString &name, const QList<int> &instanceNums);

Q_SIGNALS:
    void fleetsChanged();
    void listed(const QString &error);
    void planned(int requestId, const gantry::FleetPlanInfo &plan);
    void applied(int requestId, const QString &fleetName, const QString &error);
    void deleted(int requestId, const QString &error);

private:
    // Builds the spec off the GUI thread (reads key files), then calls back on this thread.
    void buildSpec(const Configuration &fleet, std::function<void(nlohmann::json spec, QString error)> then);
    void sendPlan(int id, const Configuration &fleet, std::function<void(const FleetPlanInfo &)> then);
    void sendApply(int id, const nlohmann::json &spec, const nlohmann::json &current);
    static QString signatureOf(const Configuration &fleet);

    DstackClient *m_client;
    QString m_project;
    QList<FleetInfo> m_fleets;
    nlohmann::json m_raw;
    bool m_listed = false;
    int m_nextId = 1;
    // The last plan: which configuration it answered, the spec sent (holds keys: memory only)
    // and the server's current_resource.
    QString m_planSignature;
    nlohmann::json m_planSpec;
    nlohmann::json m_planCurrent;
};

} // namespace gantry
