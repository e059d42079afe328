#pragma once

// dstack's one-line rendering of resource *requirements*, as in the plan header's
// "Resources" row (docs/reference/dstack-configuration.md#plan-header): "cpu=2.. mem=8GB.. disk=100GB.. gpu=24GB:1..".
// (Offers render their concrete resources with Offer::resourcesText.)

#include "core/config/Configuration.h"

#include <QString>

namespace gantry {

// Parts in dstack's order: cpu (arch prefix when set), mem, disk (when constrained), gpu
// (name list, memory, count, joined by ':'; omitted when no GPU is asked for at all).
QString resourcesText(const ResourcesSpec &resources);

} // namespace gantry
