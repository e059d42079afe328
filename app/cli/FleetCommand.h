#pragma once

// gantry-cli fleet [--project P] [--json]                       list the project's fleets and instances
// gantry-cli fleet delete NAME [-i INSTANCE_NUM…] [--project P] [-y]
// and `gantry-cli apply -f fleet.dstack.yml`, which hands a `type: fleet` file to applyFleet().

#include "backends/Backend.h"
#include "config/Configuration.h"

#include <QStringList>

namespace gantry::cli {

int runFleet(const QStringList &args);

// fleets/get_plan → the plan (offers or hosts) → confirm (unless yes) → fleets/apply.
int applyFleet(gantry::Backend &backend, const gantry::Configuration &fleet, bool yes, bool json);

} // namespace gantry::cli
