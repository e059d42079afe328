#pragma once

// What several verbs share: the configuration options and finding the configuration, printing a plan and
// tables the way dstack's CLI does, and --json output.

#include "app/cli/Verb.h"
#include "core/backends/Backend.h"
#include "core/config/Configuration.h"
#include "core/offers/Offer.h"
#include "core/runs/RunInfo.h"

#include <QCommandLineParser>
#include <QStringList>
#include <QTextStream>

#include <nlohmann/json.hpp>

#include <optional>

namespace gantry::cli {

QTextStream &out();
QTextStream &err();

// Asks on the terminal; true for y or yes.
bool confirm(const QString &question);

// `-f FILE` and the DIR positional: which configuration a verb reads. Declared once here.
struct ConfigurationChoice {
    QString file; // empty: look in dir
    QString dir; // empty: the current directory

    // dirIndex: where DIR is among the verb's positional arguments.
    static ConfigurationChoice from(const QCommandLineParser &arguments, qsizetype dirIndex = 0);
};
QCommandLineOption fileOption();
Positional directoryPositional();
QCommandLineOption jsonOption();

// The configuration file the choice names (FILE, relative to DIR when DIR is given), or
// DIR's configuration (.dstack.yml, then *.dstack.yml); nullopt with *error set when none.
std::optional<QString> configurationPath(const ConfigurationChoice &choice, QString *error);

// The chosen configuration, parsed and valid; nullopt after printing why (diagnostics with
// file:line:col, or that there is no configuration).
std::optional<Configuration> loadChosenConfiguration(const ConfigurationChoice &choice);

// Plans on the backend and runs the event loop until the plan arrives.
Plan planAndWait(Backend &backend, const Configuration &configuration);

// A run's events and provisioning log, where the backend fetches them on demand (dstack):
// fetch them for runName and wait (at most 60 s).
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
