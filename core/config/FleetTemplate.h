#pragma once

// The fleet a run configuration needs, as a `type: fleet` file: what "Create a fleet" writes
// when a dstack project has none. It asks for what the run asks (resources, spot_policy,
// backends, regions) with `nodes: 0..1`, so nothing is bought until a run needs an instance,
// and an idle_duration that ends an instance an hour after its last run (idle instances cost
// money while doing nothing).

#include "core/config/Configuration.h"

#include <QByteArray>
#include <QString>

namespace gantry {

// A name dstack accepts (^[a-z][a-z0-9-]{1,40}$): "<run name>-fleet", else "my-fleet".
QString fleetNameFor(const Configuration &run);

// The YAML text of fleet.dstack.yml for this run configuration.
QByteArray fleetYamlFor(const Configuration &run);

} // namespace gantry
