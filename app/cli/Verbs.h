#pragma once

// Every gantry-cli verb, each defined in its own <Name>Command.cpp and listed in main.cpp's
// table in the order `gantry-cli --help` shows them. See Verb.h for what a verb declares.

#include "app/cli/Verb.h"

namespace gantry {
class Backend;
struct Configuration;
} // namespace gantry

namespace gantry::cli {

Verb chatVerb();
Verb validateVerb();
Verb versionVerb();
Verb offerVerb();
Verb applyVerb();
Verb psVerb();
Verb logsVerb();
Verb eventVerb();
Verb stopVerb();
Verb fleetVerb();
Verb keychainVerb();
Verb superviseVerb();

// apply -f fleet.dstack.yml: a `type: fleet` file goes to the fleet verbs (FleetCommand.cpp):
// fleets/get_plan → the plan → confirm (unless yes) → fleets/apply.
int applyFleet(gantry::Backend &backend, const gantry::Configuration &fleet, bool yes, bool json);

// chat --compare: one prompt to 2–4 endpoints (CompareCommand.cpp), reached through chat.
int compareReplies(const QCommandLineParser &arguments);

} // namespace gantry::cli
