#include "core/backends/dstack/DstackModels.h"

#include "core/backends/dstack/DstackJson.h"
#include "core/common/NumberText.h"

#include <QStringList>
#include <QUrl>

#include <cmath>
#include <map>

namespace gantry {

namespace {

using dstackjson::intNumber;
using dstackjson::member;
using dstackjson::number;
using dstackjson::string;

QString withoutTrailingSlash(QString s)
{
    while (s.endsWith(QLatin1Char('/')))
        s.chop(1);
    return s;
}

// "8" or "8.5" (no trailing zeros) for ranges in GB.
QString numberText(double v)
{
    return trimmedNumber(v, 2);
}

// A dstack Range {min, max} (or a bare number / string shorthand) as "A..B".
QString rangeText(const nlohmann::json &range, const QString &unit)
{
    if (range.is_number())
        return numberText(range.get<double>()) + unit;
    if (range.is_string())
        return QString::fromStdString(range.get<std::string>());
    if (!range.is_object())
        return {};
    const nlohmann::json &min = member(range, "min");
    const nlohmann::json &max = member(range, "max");
    const QString lo = min.is_number() ? numberText(min.get<double>()) + unit : QString();
    const QString hi = max.is_number() ? numberText(max.get<double>()) + unit : QString();
    if (!lo.isEmpty() && lo == hi)
        return lo;
    return lo + QStringLiteral("..") + hi;
}

QString durationText(const nlohmann::json &value)
{
    if (value.is_null())
        return QStringLiteral("off");
    if (value.is_string())
        return QString::fromStdString(value.get<std::string>());
    if (!value.is_number())
        return QStringLiteral("off");
    const qint64 s = value.get<qint64>();
    if (s < 0)
        return QStringLiteral("-");
    if (s % 3600 == 0)
        return QStringLiteral("%1h").arg(s / 3600);
    if (s % 60 == 0)
        return QStringLiteral("%1m").arg(s / 60);
    return QStringLiteral("%1s").arg(s);
}

QString typeText(const nlohmann::json &configuration)
{
    const QString type = string(configuration, "type");
    if (type == QLatin1String("task")) {
        const nlohmann::json &nodes = member(configuration, "nodes");
        return QStringLiteral("task (nodes=%1)").arg(nodes.is_number() ? nodes.get<int>() : 1);
    }
    return type;
}

QString retryText(const nlohmann::json &retry)
{
    if (retry.is_null() || (retry.is_boolean() && !retry.get<bool>()))
        return QStringLiteral("off");
    if (retry.is_boolean())
        return QStringLiteral("1h[no-capacity, interruption, error]");
    QStringList events;
    for (const auto &e : member(retry, "on_events"))
        if (e.is_string())
            events << QString::fromStdString(e.get<std::string>());
    if (events.isEmpty())
        events = {QStringLiteral("no-capacity"), QStringLiteral("interruption"), QStringLiteral("error")};
    const nlohmann::json &duration = member(retry, "duration");
    return (duration.is_null() ? QStringLiteral("1h") : durationText(duration)) + QLatin1Char('[') +
           events.join(QStringLiteral(", ")) + QLatin1Char(']');
}

} // namespace

QDateTime dstackDateTime(const nlohmann::json &value)
{
    if (!value.is_string())
        return {};
    QDateTime dt = QDateTime::fromString(QString::fromStdString(value.get<std::string>()), Qt::ISODateWithMs);
    return dt.isValid() ? dt.toUTC() : QDateTime();
}

QString dstackJobSubmissionId(const nlohmann::json &run, const RunJob &wanted)
{
    for (const auto &job : member(run, "jobs")) {
        const nlohmann::json &spec = member(job, "job_spec");
        if (intNumber(spec, "replica_num") != wanted.replica || intNumber(spec, "job_num") != wanted.job)
            continue;
        const nlohmann::json &submissions = member(job, "job_submissions");
        return submissions.is_array() && !submissions.empty() ? string(submissions.back(), "id") : QString();
    }
    return {};
}

QString dstackCurrentSubmissionId(const nlohmann::json &run)
{
    const nlohmann::json &jobs = member(run, "jobs");
    if (!jobs.is_array() || jobs.empty())
        return string(member(run, "latest_job_submission"), "id");
    const nlohmann::json &submissions = member(jobs.front(), "job_submissions");
    if (!submissions.is_array() || submissions.empty())
        return {};
    return string(submissions.back(), "id");
}

namespace {

// The current attempt: its end, its error or the job's fuller message, what it runs on.
void readSubmission(const nlohmann::json &submission, RunInfo &info)
{
    info.finishedAt = dstackDateTime(member(submission, "finished_at"));
    if (info.error.isEmpty())
        info.error = string(submission, "error");
    const QString jobMessage = string(submission, "termination_reason_message");
    if (info.error.isEmpty() && !jobMessage.isEmpty())
        info.error = jobMessage;
    // The job's message says more than the run's when it failed ("no fleets", "exited (3)").
    const QString jobStatusMessage = string(submission, "status_message");
    if (isFinal(info.status) && !jobStatusMessage.isEmpty())
        info.statusMessage = jobStatusMessage;
    const nlohmann::json &jpd = member(submission, "job_provisioning_data");
    if (jpd.is_object()) {
        nlohmann::json offer = {{"backend", member(jpd, "backend")},
                                {"region", member(jpd, "region")},
                                {"instance", member(jpd, "instance_type")},
                                {"price", member(jpd, "price")},
                                {"availability", "available"}};
        if (jpd.contains("availability_zone") && jpd["availability_zone"].is_string())
            offer["availability_zones"] = nlohmann::json::array({jpd["availability_zone"]});
        info.offer = Offer::fromJson(offer);
        info.price = number(jpd, "price");
    }
}

// Every job (replica, node) with its status, and whether the run is ready: running and, for some
// job, every probe of its current submission passed ready_after times (dstack's proxy routes to
// the replicas that are ready).
void readJobs(const nlohmann::json &jobs, const nlohmann::json &jobSpec, const nlohmann::json &submission,
              RunInfo &info)
{
    auto jobReady = [](const nlohmann::json &spec, const nlohmann::json &sub) {
        if (string(sub, "status") != QLatin1String("running"))
            return false;
        const nlohmann::json &probeSpecs = member(spec, "probes");
        const nlohmann::json &probeStates = member(sub, "probes");
        if (!probeSpecs.is_array())
            return true;
        for (size_t i = 0; i < probeSpecs.size(); ++i) {
            const double readyAfter = number(probeSpecs[i], "ready_after", 1);
            const double streak =
                probeStates.is_array() && i < probeStates.size() ? number(probeStates[i], "success_streak") : 0;
            if (streak < readyAfter)
                return false;
        }
        return true;
    };
    bool anyReady = false;
    if (jobs.is_array() && !jobs.empty()) {
        std::map<QString, int> byStatus; // the replicas/nodes and their status, for the monitor
        for (const auto &job : jobs) {
            const nlohmann::json &subs = member(job, "job_submissions");
            const nlohmann::json last = subs.is_array() && !subs.empty() ? subs.back() : nlohmann::json();
            if (jobReady(member(job, "job_spec"), last))
                anyReady = true;
            ++byStatus[string(last, "status")];
            const nlohmann::json &spec = member(job, "job_spec");
            info.jobs.append({intNumber(spec, "replica_num"), intNumber(spec, "job_num"),
                              string(last, "status").isEmpty() ? QStringLiteral("pending") : string(last, "status")});
        }
        if (jobs.size() > 1) {
            QStringList parts;
            for (const auto &[status, count] : byStatus)
                parts << QStringLiteral("%1 %2").arg(count).arg(status.isEmpty() ? QStringLiteral("pending") : status);
            info.statusMessage +=
                QStringLiteral(" (%1 jobs: %2)").arg(jobs.size()).arg(parts.join(QStringLiteral(", ")));
        }
    } else {
        anyReady =
            jobReady(jobSpec, submission.is_object() ? submission : nlohmann::json::object({{"status", "running"}}));
    }
    info.ready = info.status == RunStatus::Running && anyReady;
}

// The service's URL and published model, resolved against the server for a relative path.
void readService(const nlohmann::json &service, const nlohmann::json &configured, const nlohmann::json &auth,
                 const QString &serverUrl, RunInfo &info)
{
    const QString url = string(service, "url");
    QString base = withoutTrailingSlash(serverUrl);
    auto resolve = [&base](const QString &u) {
        if (u.isEmpty())
            return u;
        const QUrl parsed(u);
        if (!parsed.scheme().isEmpty() && !parsed.host().isEmpty())
            return u;
        return base + (u.startsWith(QLatin1Char('/')) ? u : QLatin1Char('/') + u);
    };
    info.serviceUrl = resolve(url);
    const nlohmann::json &model = member(service, "model");
    if (model.is_object()) {
        ModelEndpoint endpoint;
        endpoint.baseUrl = withoutTrailingSlash(resolve(string(model, "base_url")));
        endpoint.name = string(model, "name");
        const QString format = string(member(member(member(service, "options"), "openai"), "model"), "format");
        QString configuredFormat = configured.is_object() ? string(configured, "format") : QString();
        endpoint.format =
            !configuredFormat.isEmpty() ? configuredFormat : (!format.isEmpty() ? format : QStringLiteral("openai"));
        endpoint.needsToken = !(auth.is_boolean() && !auth.get<bool>());
        info.model = endpoint;
    }
}

} // namespace

RunInfo dstackRunInfo(const nlohmann::json &run, const QString &serverUrl)
{
    RunInfo info;
    info.backend = QStringLiteral("dstack");
    info.project = string(run, "project_name");
    const nlohmann::json &spec = member(run, "run_spec");
    const nlohmann::json &configuration = member(spec, "configuration");
    info.name = string(spec, "run_name");
    if (info.name.isEmpty())
        info.name = string(configuration, "name");
    info.configurationPath = string(spec, "configuration_path");
    info.status = runStatusFromString(string(run, "status"));
    info.statusMessage = string(run, "status_message");
    info.terminationReason = string(run, "termination_reason");
    info.error = string(run, "error");
    info.submittedAt = dstackDateTime(member(run, "submitted_at"));
    info.cost = number(run, "cost");

    // The current attempt: jobs[0].job_submissions[-1].
    const nlohmann::json &jobs = member(run, "jobs");
    nlohmann::json submission = member(run, "latest_job_submission");
    nlohmann::json jobSpec;
    if (jobs.is_array() && !jobs.empty()) {
        jobSpec = member(jobs.front(), "job_spec");
        const nlohmann::json &subs = member(jobs.front(), "job_submissions");
        if (subs.is_array() && !subs.empty())
            submission = subs.back();
    }
    if (submission.is_object())
        readSubmission(submission, info);
    readJobs(jobs, jobSpec, submission, info);
    const nlohmann::json &service = member(run, "service");
    if (service.is_object())
        readService(service, member(configuration, "model"), member(configuration, "auth"), serverUrl, info);
    return info;
}

QString dstackResourcesText(const nlohmann::json &resources)
{
    if (!resources.is_object())
        return {};
    QStringList parts;
    const nlohmann::json &cpu = member(resources, "cpu");
    if (!cpu.is_null()) {
        QString text = QStringLiteral("cpu=");
        if (cpu.is_object() && cpu.contains("count")) {
            const QString arch = string(cpu, "arch");
            if (!arch.isEmpty())
                text += arch + QLatin1Char(':');
            text += rangeText(cpu["count"], QString());
        } else {
            text += rangeText(cpu, QString());
        }
        parts << text;
    }
    const nlohmann::json &memory = member(resources, "memory");
    if (!memory.is_null())
        parts << QStringLiteral("mem=") + rangeText(memory, QStringLiteral("GB"));
    const nlohmann::json &disk = member(resources, "disk");
    if (disk.is_object() && disk.contains("size"))
        parts << QStringLiteral("disk=") + rangeText(disk["size"], QStringLiteral("GB"));
    else if (!disk.is_null())
        parts << QStringLiteral("disk=") + rangeText(disk, QStringLiteral("GB"));
    const nlohmann::json &gpu = member(resources, "gpu");
    if (gpu.is_string() || gpu.is_number()) {
        parts << QStringLiteral("gpu=") + rangeText(gpu, QString());
    } else if (gpu.is_object()) {
        QStringList g;
        const nlohmann::json &names = member(gpu, "name");
        if (names.is_array()) {
            QStringList n;
            for (const auto &name : names)
                if (name.is_string())
                    n << QString::fromStdString(name.get<std::string>());
            if (!n.isEmpty())
                g << n.join(QLatin1Char(','));
        } else if (names.is_string()) {
            g << QString::fromStdString(names.get<std::string>());
        }
        if (!member(gpu, "memory").is_null())
            g << rangeText(gpu["memory"], QStringLiteral("GB"));
        if (!member(gpu, "count").is_null())
            g << rangeText(gpu["count"], QString());
        const nlohmann::json &count = member(gpu, "count");
        const bool none = count.is_object() && member(count, "max").is_number() && count["max"].get<double>() == 0;
        if (!none && !g.isEmpty())
            parts << QStringLiteral("gpu=") + g.join(QLatin1Char(':'));
    }
    return parts.join(QLatin1Char(' '));
}

// One function on purpose: it reads dstack's RunPlan top to bottom (header rows as `dstack apply`
// prints them, then the first job's offers, then why there are none) so it can be checked
// against dstack's own rendering line by line.
Plan dstackPlan(const nlohmann::json &runPlan, int fleetCount)
{
    Plan plan;
    plan.backend = QStringLiteral("dstack");
    plan.project = string(runPlan, "project_name");
    plan.user = string(runPlan, "user");
    const nlohmann::json &spec = member(runPlan, "run_spec");
    const nlohmann::json &effective = member(runPlan, "effective_run_spec");
    const nlohmann::json &configuration = member(effective.is_object() ? effective : spec, "configuration");
    const nlohmann::json &jobPlans = member(runPlan, "job_plans");
    nlohmann::json jobPlan = jobPlans.is_array() && !jobPlans.empty() ? jobPlans.front() : nlohmann::json::object();
    const nlohmann::json &requirements = member(member(jobPlan, "job_spec"), "requirements");

    for (const auto &offer : member(jobPlan, "offers"))
        plan.offers.append(Offer::fromJson(offer));
    plan.totalOffers = intNumber(jobPlan, "total_offers", int(plan.offers.size()));
    plan.maxPrice = number(jobPlan, "max_price");

    // docs/reference/dstack-configuration.md#plan-header header rows, in the CLI's order.
    plan.header.append({QStringLiteral("Project"), plan.project});
    plan.header.append({QStringLiteral("User"), plan.user});
    plan.header.append({QStringLiteral("Type"), typeText(configuration)});
    const nlohmann::json &resources = member(requirements, "resources");
    plan.header.append({QStringLiteral("Resources"),
                        dstackResourcesText(resources.is_object() ? resources : member(configuration, "resources"))});
    const nlohmann::json &spot = member(requirements, "spot");
    QString spotText = QStringLiteral("auto");
    if (spot.is_boolean())
        spotText = spot.get<bool>() ? QStringLiteral("spot") : QStringLiteral("on-demand");
    else if (!requirements.is_object())
        spotText = string(configuration, "spot_policy").isEmpty() ? QStringLiteral("auto")
                                                                  : string(configuration, "spot_policy");
    plan.header.append({QStringLiteral("Spot policy"), spotText});
    const nlohmann::json &maxPrice = member(requirements, "max_price").is_number() ? member(requirements, "max_price")
                                                                                   : member(configuration, "max_price");
    plan.header.append({QStringLiteral("Max price"),
                        maxPrice.is_number() ? Offer::formatPrice(maxPrice.get<double>()) : QStringLiteral("off")});
    plan.header.append({QStringLiteral("Retry policy"), retryText(member(configuration, "retry"))});
    const QString creation = string(configuration, "creation_policy");
    if (!creation.isEmpty() && creation != QLatin1String("reuse-or-create"))
        plan.header.append({QStringLiteral("Creation policy"), creation});
    const nlohmann::json &idle = member(configuration, "idle_duration");
    plan.header.append({QStringLiteral("Idle duration"), idle.is_null() ? QStringLiteral("5m") : durationText(idle)});
    plan.header.append({QStringLiteral("Max duration"), durationText(member(configuration, "max_duration"))});
    if (string(configuration, "type") == QLatin1String("dev-environment"))
        plan.header.append(
            {QStringLiteral("Inactivity duration"), durationText(member(configuration, "inactivity_duration"))});
    const QString reservation = string(configuration, "reservation");
    if (!reservation.isEmpty())
        plan.header.append({QStringLiteral("Reservation"), reservation});

    // `files:` are uploaded before the plan (file_archives); a repository is not yet.
    if (member(configuration, "repos").is_array() && !member(configuration, "repos").empty())
        plan.header.append(
            {QStringLiteral("Warning"),
             QStringLiteral("Gantry does not upload `repos:` yet: the run starts without the repository (use "
                            "`dstack apply` for now)")});

    if (string(runPlan, "action") == QLatin1String("update")) {
        // dstack updates an active run in place: a new deployment replaces the replicas one by one.
        const nlohmann::json &replicas = member(configuration, "replicas");
        int count = 1;
        if (replicas.is_number_integer())
            count = replicas.get<int>();
        else if (replicas.is_object() && member(replicas, "max").is_number_integer())
            count = replicas["max"].get<int>();
        else if (replicas.is_array()) {
            count = 0;
            for (const auto &group : replicas)
                count +=
                    member(member(group, "count"), "max").is_number_integer() ? group["count"]["max"].get<int>() : 1;
        }
        plan.header.append(
            {QStringLiteral("Action"), QStringLiteral("update: rolling deployment of %1 replica%2 of the active run")
                                           .arg(count)
                                           .arg(count == 1 ? QString() : QStringLiteral("s"))});
    }

    if (plan.offers.isEmpty()) {
        if (fleetCount == 0)
            plan.noOffersReason =
                QStringLiteral(
                    "project has no fleets: apply a fleet configuration (`type: fleet`, e.g. a backend fleet with "
                    "`nodes: 0..2`) to project '%1' first — Gantry can apply it like any other configuration.")
                    .arg(plan.project);
        else
            plan.noOffersReason =
                QStringLiteral(
                    "no matching offers: no backend of project '%1' offers these requirements. Relax resources, "
                    "backends, regions, spot_policy or max_price.")
                    .arg(plan.project);
    }
    plan.raw = {{"run_spec", spec},
                {"current_resource", member(runPlan, "current_resource")},
                {"action", member(runPlan, "action")}};
    return plan;
}

QList<MetricSample> dstackMetricSamples(const nlohmann::json &response)
{
    // name → values (newest first), and the shared timestamps.
    std::map<std::string, std::vector<double>> series;
    std::vector<QDateTime> stamps;
    for (const auto &metric : member(response, "metrics")) {
        const std::string name = string(metric, "name").toStdString();
        std::vector<double> values;
        for (const auto &v : member(metric, "values"))
            values.push_back(v.is_number() ? v.get<double>() : 0.0);
        if (stamps.empty()) {
            for (const auto &t : member(metric, "timestamps"))
                stamps.push_back(dstackDateTime(t));
        }
        series[name] = std::move(values);
    }
    auto at = [&series](const std::string &name, size_t i) -> std::optional<double> {
        auto it = series.find(name);
        if (it == series.end() || i >= it->second.size())
            return std::nullopt;
        return it->second[i];
    };
    constexpr double kMaxGpusPerJob = 64;
    QList<MetricSample> samples;
    for (size_t k = stamps.size(); k-- > 0;) { // oldest first
        MetricSample s;
        s.at = stamps[k];
        const double cpus = at("cpus_detected_num", k).value_or(1.0);
        s.cpuPercent = at("cpu_usage_percent", k).value_or(0.0) / (cpus > 0 ? cpus : 1.0);
        s.memoryBytes = at("memory_working_set_bytes", k).value_or(at("memory_usage_bytes", k).value_or(0.0));
        s.memoryTotalBytes = at("memory_total_bytes", k).value_or(0.0);
        // A count from the server: NaN, negative or absurd (fuzz_dstack sent 1.7e10, which as an
        // int is undefined and as a loop bound a hang) means no GPU figures, not a crash.
        const double gpusSent = at("gpus_detected_num", k).value_or(0.0);
        const int gpus = gpusSent >= 1 && gpusSent <= kMaxGpusPerJob ? int(gpusSent) : 0;
        const double gpuTotal = at("gpu_memory_total_bytes", k).value_or(0.0);
        for (int g = 0; g < gpus; ++g) {
            const std::string n = std::to_string(g);
            auto util = at("gpu_util_percent_gpu" + n, k);
            auto mem = at("gpu_memory_usage_bytes_gpu" + n, k);
            if (!util && !mem)
                continue; // GPU series are dropped when the count changed within the window
            s.gpuUtilPercent.append(util.value_or(0.0));
            s.gpuMemoryBytes.append(mem.value_or(0.0));
            s.gpuMemoryTotalBytes.append(gpuTotal);
        }
        samples.append(s);
    }
    return samples;
}

nlohmann::json dstackPinOffer(nlohmann::json configuration, const Offer &offer, const nlohmann::json &fleets)
{
    if (!configuration.is_object())
        configuration = nlohmann::json::object();
    configuration["backends"] = nlohmann::json::array({offer.backend.toStdString()});
    configuration["regions"] = nlohmann::json::array({offer.region.toStdString()});
    configuration["instance_types"] = nlohmann::json::array({offer.instanceName.toStdString()});
    if (!offer.availabilityZones.isEmpty()) { // the zones this offer was made for, no others
        nlohmann::json zones = nlohmann::json::array();
        for (const QString &zone : offer.availabilityZones)
            zones.push_back(zone.toStdString());
        configuration["availability_zones"] = zones;
    }
    configuration["spot_policy"] = offer.resources.spot ? "spot" : "on-demand";
    if (offer.price > 0)
        configuration["max_price"] = offer.price;
    if (offer.availability == QLatin1String("idle") || offer.availability == QLatin1String("busy")) {
        for (const auto &fleet : fleets.is_array() ? fleets : nlohmann::json::array()) {
            for (const auto &instance : member(fleet, "instances")) {
                if (string(instance, "status") == offer.availability && string(instance, "backend") == offer.backend &&
                    string(instance, "region") == offer.region &&
                    string(member(instance, "instance_type"), "name") == offer.instanceName &&
                    !string(instance, "name").isEmpty()) {
                    configuration["instances"] =
                        nlohmann::json::array({{{"name", string(instance, "name").toStdString()}}});
                    return configuration;
                }
            }
        }
    }
    return configuration;
}

QString dstackPinDescription(const Offer &offer)
{
    const QString where = offer.availabilityZones.isEmpty() ? offer.region
                                                            : offer.region + QStringLiteral(", zones ") +
                                                                  offer.availabilityZones.join(QStringLiteral(", "));
    return QStringLiteral("pinned to %1 (%2) %3, %4, max price %5")
        .arg(offer.backend == QLatin1String("remote") ? QStringLiteral("ssh") : offer.backend, where,
             offer.instanceName, offer.resources.spot ? QStringLiteral("spot") : QStringLiteral("on-demand"),
             Offer::formatPrice(offer.price));
}

} // namespace gantry
