#pragma once

// Reading dstack's response shapes into Gantry's types, and the one request-side rewrite
// Gantry makes (pinning an offer). Pure functions: no network, so they are tested directly.

#include "core/backends/Backend.h"
#include "core/offers/Offer.h"
#include "core/runs/RunInfo.h"

#include <QList>
#include <QString>

#include <nlohmann/json.hpp>

namespace gantry {

// A Run object (docs/reference/dstack-api.md#answers) → RunInfo. serverUrl resolves relative service/model URLs
// (docs/reference/dstack-api.md#services-and-their-models). ready follows docs/reference/dstack-api.md#answers: running
// and, if the job has probes, every probe of the current submission has success_streak >= ready_after.
RunInfo dstackRunInfo(const nlohmann::json &run, const QString &serverUrl);

// jobs[0].job_submissions[-1].id: whose logs to poll (empty when there is none yet).
QString dstackCurrentSubmissionId(const nlohmann::json &run);

// A RunPlan (docs/reference/dstack-api.md#answers) → Plan: offers of job_plans[0] in the server's order, total_offers,
// max_price, the CLI's header rows (docs/reference/dstack-configuration.md#plan-header); raw keeps run_spec +
// current_resource + action. fleetCount < 0 means unknown; 0 with no offers gives the "no fleets" reason.
Plan dstackPlan(const nlohmann::json &runPlan, int fleetCount);

// "cpu=x86:2.. mem=8GB.. disk=100GB.. gpu=24GB..80GB:1.." from canonical requirements.
QString dstackResourcesText(const nlohmann::json &resources);

// GET metrics/job response (docs/reference/dstack-api.md#requests, newest first) → samples oldest first; cpu normalised
// by cpus_detected_num; any series may be missing.
QList<MetricSample> dstackMetricSamples(const nlohmann::json &response);

// docs/reference/dstack-api.md#applying: narrow a configuration to exactly this offer: backends, regions,
// instance_types, availability_zones (the offer's, when it names any), spot_policy and max_price = its price. An offer
// of an existing fleet instance (availability idle/busy) is pinned to that instance
// (`instances: [{name}]`) when `fleets` (a fleets/list answer) names one that matches it.
nlohmann::json dstackPinOffer(nlohmann::json configuration, const Offer &offer,
                              const nlohmann::json &fleets = nlohmann::json());
// What was pinned, for the run's history: "aws (us-east-1) g5.xlarge, spot, max price $0.4024".
QString dstackPinDescription(const Offer &offer);

QDateTime dstackDateTime(const nlohmann::json &value);

} // namespace gantry
