// How long turning dstack's answers into Gantry's types takes: a RunPlan with 1000 offers
// (the most Gantry asks for) → Plan, and one Run → RunInfo (done for every run on every poll).

#include "core/backends/dstack/DstackModels.h"
#include "core/models/RunsModel.h"

#include <benchmark/benchmark.h>

using namespace gantry;

namespace {

nlohmann::json planWithOffers(int count)
{
    nlohmann::json offers = nlohmann::json::array();
    const char *backends[] = {"aws", "gcp", "azure", "runpod", "lambda", "vastai"};
    for (int i = 0; i < count; ++i) {
        Offer o;
        o.backend = QString::fromLatin1(backends[i % 6]);
        o.region = QStringLiteral("region-%1").arg(i % 7);
        o.instanceName = QStringLiteral("instance-%1").arg(i);
        o.resources.cpus = 4 + i % 60;
        o.resources.memoryMib = 16384;
        o.resources.gpus = {GpuInfo{QStringLiteral("A100"), 81920, QStringLiteral("nvidia")}};
        o.resources.spot = i % 2;
        o.resources.diskMib = 102400;
        o.price = 0.1 + i * 0.01;
        offers.push_back(o.toJson());
    }
    nlohmann::json jobPlan;
    jobPlan["job_spec"]["requirements"]["resources"]["cpu"] = {{"arch", "x86"},
                                                               {"count", {{"min", 2}, {"max", nullptr}}}};
    jobPlan["job_spec"]["requirements"]["spot"] = nullptr;
    jobPlan["offers"] = offers;
    jobPlan["total_offers"] = count;
    jobPlan["max_price"] = 0.1 + count * 0.01;
    nlohmann::json plan;
    plan["project_name"] = "main";
    plan["user"] = "alice";
    plan["run_spec"]["run_name"] = "svc";
    plan["run_spec"]["configuration"] = {{"type", "service"}, {"port", 8000}};
    plan["job_plans"] = nlohmann::json::array({jobPlan});
    plan["current_resource"] = nullptr;
    plan["action"] = "create";
    return plan;
}

nlohmann::json runningService()
{
    Offer o;
    o.backend = QStringLiteral("gcp");
    o.region = QStringLiteral("us-central1");
    o.instanceName = QStringLiteral("g2-standard-4");
    const nlohmann::json offer = o.toJson();
    return {{"id", "0f6c2b1a-8e4d-4c3b-a2f1-7d9e5b3c1a20"},
            {"project_name", "main"},
            {"user", "alice"},
            {"submitted_at", "2026-08-20T10:00:01Z"},
            {"status", "running"},
            {"status_message", "running"},
            {"termination_reason", nullptr},
            {"cost", 0.0713},
            {"error", nullptr},
            {"deleted", false},
            {"run_spec", {{"run_name", "llama-svc"}, {"configuration", {{"type", "service"}, {"model", "m"}}}}},
            {"jobs",
             {{{"job_spec", {{"probes", {{{"ready_after", 1}}}}}},
               {"job_submissions",
                {{{"id", "6a8d2f4e-1c3b-4f7a-9b0e-2d5c8e1f4a6b"},
                  {"status", "running"},
                  {"status_message", "running"},
                  {"finished_at", nullptr},
                  {"job_provisioning_data",
                   {{"backend", "gcp"},
                    {"region", "us-central1"},
                    {"instance_type", offer["instance"]},
                    {"price", 0.2853}}},
                  {"probes", {{{"success_streak", 3}}}}}}}}}},
            {"service",
             {{"url", "/proxy/services/main/llama-svc/"},
              {"model", {{"name", "m"}, {"base_url", "/proxy/services/main/llama-svc/v1"}, {"type", "chat"}}}}}};
}

void BM_PlanFromJson(benchmark::State &state)
{
    const nlohmann::json plan = planWithOffers(int(state.range(0)));
    for (auto _ : state)
        benchmark::DoNotOptimize(dstackPlan(plan, 1));
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_PlanFromJson)->Arg(150)->Arg(1000);

void BM_RunInfoFromJson(benchmark::State &state)
{
    const nlohmann::json run = runningService();
    for (auto _ : state)
        benchmark::DoNotOptimize(dstackRunInfo(run, QStringLiteral("http://127.0.0.1:3000")));
}
BENCHMARK(BM_RunInfoFromJson);

} // namespace

// The runs list refreshed with the same N runs (what every poll of a project does): the model
// matched each run by a linear search, N²/2 name comparisons on the GUI thread.
void BM_RunsModelRefresh(benchmark::State &state)
{
    QList<gantry::RunInfo> runs;
    for (int i = 0; i < state.range(0); ++i) {
        gantry::RunInfo r;
        r.name = QStringLiteral("run-%1").arg(i);
        runs << r;
    }
    gantry::RunsModel model;
    model.setRuns(runs);
    for (auto _ : state)
        model.setRuns(runs);
}
BENCHMARK(BM_RunsModelRefresh)->Arg(2000)->Arg(20000)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
