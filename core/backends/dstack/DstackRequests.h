#pragma once

// Every request body Gantry sends to a dstack server, built in one place as pure functions,
// so that tests can hand each one to dstack's own request schemas (the oracle) without a
// server. The rules follow dstack 0.21.2's client (api/server/_runs.py and
// core/compatibility/runs.py; see docs/reference/dstack-api.md):
//  - run_spec.configuration carries the fields the file sets (shorthands normalised), never
//    every field at a null default: a server fills its own defaults, and an older server
//    refuses fields it does not know even when they are null;
//  - a task's `nodes`/`groups` are left out when unset, as the client does for old servers;
//  - a run sent back as `current_resource` loses what the client strips from it
//    (job_connection_info, default node-group fields, the deprecated resources description).

#include "core/backends/dstack/DstackFilePacker.h"
#include "core/config/Configuration.h"
#include "core/offers/Offer.h"

#include <QString>

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>

namespace gantry {

// Where value-less env entries get their value: this process's environment by default.
using EnvLookup = std::function<std::optional<QString>(const QString &name)>;

// run_spec.configuration for this configuration, with value-less env entries filled from
// this process's environment (the server cannot resolve them). nullopt on a missing variable,
// and *error says which.
std::optional<nlohmann::json> dstackConfigurationBody(const Configuration &configuration, QString *error,
                                                      const EnvLookup &lookup = {});

// What in this configuration a dstack server of `serverVersion` (server/get_info) does not
// know yet, in words; empty when nothing is, or the version is unknown (a development build).
// A 0.21.2 client's compatibility rules matter for 0.21.0/0.21.1 servers only (older minors
// refuse its X-API-VERSION): task node groups (`groups:`) arrived in 0.21.2.
QString dstackVersionProblem(const Configuration &configuration, const QString &serverVersion);

// The run_spec around a configuration body (run_name, configuration_path, profile), and the
// uploaded `files:` archives ([{id, path}], left out when there are none).
nlohmann::json dstackRunSpec(const Configuration &configuration, const nlohmann::json &configurationBody,
                             const nlohmann::json &fileArchives = nlohmann::json());

// configuration.files as dstack's client sends it: [{local_path, path}], local paths absolute.
nlohmann::json dstackFilesBody(const std::vector<DstackFileMapping> &mappings);

// POST /api/files/get_archive_by_hash.
nlohmann::json dstackArchiveByHashBody(const QString &hash);

// POST runs/get_plan. forOffersOnly: the plan only lists offers (what `dstack offer` asks),
// so a project without fleets still answers with its backends' offers.
nlohmann::json dstackGetPlanBody(const nlohmann::json &runSpec, int maxOffers, bool forOffersOnly = false);

// POST runs/apply: the plan's run_spec (pinned or the server's own for an update) and the
// plan's current_resource (null for a new run), with the client's compatibility exclusions.
nlohmann::json dstackApplyBody(const nlohmann::json &runSpec, const nlohmann::json &currentResource);

// A Run as the client sends it back in current_resource.
nlohmann::json dstackCurrentResource(nlohmann::json run);

// POST runs/stop, runs/get, /api/runs/list, fleets/list.
nlohmann::json dstackStopBody(const QString &runName, bool abort);
nlohmann::json dstackGetRunBody(const QString &runName);
nlohmann::json dstackListRunsBody(const QString &project);
nlohmann::json dstackListFleetsBody();

// POST logs/poll for one job submission; diagnose = the runner's own (provisioning) log.
nlohmann::json dstackPollLogsBody(const QString &runName, const QString &submissionId, const QString &startTime,
                                  const QString &nextToken, bool diagnose);

// POST /api/events/list: events of a run and its jobs (within_runs), oldest first, after
// the event id `afterId` (empty = from the start).
nlohmann::json dstackListEventsBody(const QString &runId, const QString &afterId, const QString &afterTime);

} // namespace gantry
