#pragma once

// Every gantry-cli verb, each defined in its own <Name>Command.cpp and listed in main.cpp's
// table in the order `gantry-cli --help` shows them. See Verb.h for what a verb declares.

#include "app/cli/Verb.h"

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
Verb superviseVerb();

// chat --compare: one prompt to 2–4 endpoints (CompareCommand.cpp), reached through chat.
int compareReplies(const QCommandLineParser &arguments);

} // namespace gantry::cli
