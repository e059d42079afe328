#pragma once

// The local plan: this machine as the one offer (backend "local", region and instance = host
// name, price 0, never spot), matched against the configuration's resources. Pure: the host
// facts come in, so that planning is unit-tested without probing anything.

#include "core/backends/local/HostProbe.h"
#include "core/config/Configuration.h"
#include "core/offers/Offer.h"

namespace gantry {

struct LocalPlan {
    Plan plan;
    QList<int> gpuIndexes; // the devices the offer gives (host indexes)
    QStringList heldBy; // runs holding GPUs the run would need (offer is "busy")
};

// facts.gpus[i].heldByRun marks GPUs another local run holds.
LocalPlan makeLocalPlan(const Configuration &configuration, const HostFacts &facts);

// dstack's plan header rows (docs/reference/dstack-configuration.md#plan-header), plus "Warning" rows for local
// caveats.
QList<std::pair<QString, QString>> localPlanHeader(const Configuration &configuration);

// "2h", "30m", "45s", "off".
QString durationText(std::optional<int> seconds);

} // namespace gantry
