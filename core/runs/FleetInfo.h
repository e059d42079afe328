#pragma once

// A dstack fleet as the views show it: the fleet, its instances, and what a fleet plan says.
// Filled from dstack's Fleet / FleetPlan answers by DstackFleetModels; shown by FleetsModel,
// the Fleets view and `gantry-cli fleet`. No private key ever reaches these types.

#include "core/offers/Offer.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <utility>

namespace gantry {

struct FleetInstanceInfo {
    int num = 0;
    QString name;
    QString status; // dstack's: pending, provisioning, idle, busy, terminating, terminated
    QString backend; // "remote" for SSH hosts
    QString region;
    QString instanceType;
    QString resources; // "cpu=4 mem=16GB disk=100GB gpu=L4:24GB:1"
    double price = -1; // $/h; -1 = not told
    QString runName; // the run a busy instance serves
    QString hostname;
    bool unreachable = false;
    QString statusMessage; // termination reason / message
    QDateTime created;

    bool isIdle() const { return status == QLatin1String("idle"); }
    bool isActive() const { return status != QLatin1String("terminated"); }
};

struct FleetInfo {
    QString name;
    QString status; // submitted, active, terminating, terminated, failed
    QString statusMessage;
    bool ssh = false; // an SSH fleet (hosts), else a cloud fleet (nodes)
    QString nodes; // "0..2", "2", "0.." (cloud); host count (SSH)
    QString placement; // any, cluster
    QStringList backends;
    QString resources; // the fleet's requirements, dstack's text
    QList<FleetInstanceInfo> instances;
    QDateTime created;

    // What the fleet's live instances cost per hour, all of them and the idle ones.
    double costPerHour() const;
    double idleCostPerHour() const;
    int idleCount() const;
};

// What fleets/get_plan answers, for the confirmation before fleets/apply.
struct FleetPlanInfo {
    QString project;
    QString fleetName;
    QString action; // create, update
    bool exists = false; // the fleet is there already (current_resource)
    bool ssh = false;
    QList<std::pair<QString, QString>> header; // rows as `dstack apply` shows them
    QList<Offer> offers; // cloud fleets: where instances would come from
    int totalOffers = 0;
    double maxPrice = 0;
    QStringList hosts; // SSH fleets: the hosts to add (never contacted by Gantry)
    QString error;
};

inline double FleetInfo::costPerHour() const
{
    double sum = 0;
    for (const FleetInstanceInfo &i : instances)
        if (i.isActive() && i.price > 0)
            sum += i.price;
    return sum;
}

inline double FleetInfo::idleCostPerHour() const
{
    double sum = 0;
    for (const FleetInstanceInfo &i : instances)
        if (i.isIdle() && i.price > 0)
            sum += i.price;
    return sum;
}

inline int FleetInfo::idleCount() const
{
    int n = 0;
    for (const FleetInstanceInfo &i : instances)
        n += i.isIdle() ? 1 : 0;
    return n;
}

} // namespace gantry
