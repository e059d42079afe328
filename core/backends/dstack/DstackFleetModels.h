#pragma once

// Reading dstack's fleet answers (Fleet, FleetPlan; models/fleets.py and instances.py) into
// Gantry's FleetInfo / FleetPlanInfo. Pure and tolerant: a wrong type reads as absent.

#include "core/runs/FleetInfo.h"

#include <nlohmann/json.hpp>

namespace gantry {

FleetInfo dstackFleetInfo(const nlohmann::json &fleet);
QList<FleetInfo> dstackFleetList(const nlohmann::json &fleets);

// A FleetPlan → what the confirmation shows: header rows as `dstack apply` prints them
// (project, user, configuration, type, nodes, placement, resources, spot, max price, retry,
// idle duration, reservation), offers for a cloud fleet, hosts for an SSH fleet, the action.
FleetPlanInfo dstackFleetPlan(const nlohmann::json &fleetPlan);

// The run a busy instance serves, from its job name ("<run>-<replica>-<job>").
QString dstackRunOfJob(const QString &jobName);

// "0..2", "2", "0.." from FleetNodesSpec ({min, target, max}).
QString dstackNodesText(const nlohmann::json &nodes);

} // namespace gantry
