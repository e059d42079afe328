#pragma once

// What several verbs share: option parsing, finding the configuration, printing a plan and
// tables the way dstack's CLI does, and --json output.

#include "backends/Backend.h"
#include "config/Configuration.h"
#include "offers/Offer.h"
#include "runs/RunInfo.h"

#include <QStringList>
#include <QTextStream>

#include <nlohmann/json.hpp>

#include <optional>

namespace gantry::cli {

QTextStream &out();
QTextStream &err();

// Removes a flag (any of its spellings) from args; true when it was there.
bool takeFlag(QStringList &args, std::initializer_list<const char *> names);
// Removes `--name VALUE` / `--name=VALUE`; nullopt when absent, *error set when VALUE is missing.
std::optional<QString> takeOption(QStringList &args, std::initializer_list<const char *> names, QString *error);
// Anything left that looks like an option is an error: returns its text, or empty.
QString unknownOption(const QStringList &args);

// `[-f FILE] [DIR]` → a valid configuration, or nullopt after printing the diagnostics.
std::optional<Configuration> loadConfigurationArgs(QStringList &args);

// The same, then no option may be left over. On nullopt *exitCode is 1 (bad configuration)
// or 2 (usage error), and the problem is printed.
std::optional<Configuration> loadConfigurationForVerb(QStringList &args, const QString &verb, int *exitCode);

// Plans on the backend and runs the event loop until the plan arrives.
Plan planAndWait(Backend &backend, const Configuration &configuration);

// A dstack run's events and provisioning log are fetched on demand: fetch them for runName and
// wait (at most 60 s). Nothing to do for other backends.
void fetchRunDetailsAndWait(Backend &backend, const QString &runName);

// dstack's plan: header rows, the offers table, the "Shown N of M offers" footer.
void printPlan(QTextStream &stream, const Plan &plan);
// What `offer`/`apply` say on a dstack project without a fleet: a fleet is needed, and how.
QString fleetNeededNote(const QString &project);
nlohmann::json planToJson(const Plan &plan);

// Left-aligned columns separated by two spaces; the first row is the header.
void printTable(QTextStream &stream, const QList<QStringList> &rows);

void printJson(const nlohmann::json &j);

// "Exited (3)": dstack prints the final status message capitalised.
QString capitalised(const QString &text);

} // namespace gantry::cli
