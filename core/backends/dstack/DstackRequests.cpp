#include "core/backends/dstack/DstackRequests.h"

#include <tuple>

namespace gantry {

using json = nlohmann::json;

namespace {

json optionalString(const QString &s)
{
    return s.isEmpty() ? json(nullptr) : json(s.toStdString());
}

// Value-less env entries ({"key": K} placeholders, or "K" in the list form) take their value
// from this process's environment, as dstack's client does before it sends the spec. nullopt
// with *error naming the first variable that is not set.
std::optional<json> resolvedEnv(const Configuration &configuration, const json &written, QString *error,
                                const EnvLookup &lookup)
{
    json env = json::object();
    QString missing;
    auto fromEnvironment = [&missing, &lookup](const std::string &key) -> json {
        const QByteArray name = QByteArray::fromStdString(key);
        if (lookup) {
            if (const auto value = lookup(QString::fromStdString(key)))
                return value->toStdString();
        } else if (qEnvironmentVariableIsSet(name.constData())) {
            return qEnvironmentVariable(name.constData()).toStdString();
        }
        if (missing.isEmpty())
            missing =
                QStringLiteral(
                    "Environment variable %1 is not set (the configuration takes it from your environment: set it, "
                    "or give it a value in `env`).")
                    .arg(QString::fromStdString(key));
        return nullptr;
    };
    if (written.is_object()) {
        for (auto item = written.begin(); item != written.end(); ++item)
            env[item.key()] = item->is_string() ? *item : fromEnvironment(item.key());
    } else if (written.is_array()) { // "K=V" / "K" list form
        for (const auto &entry : written) {
            if (!entry.is_string())
                continue;
            const std::string text = entry.get<std::string>();
            const auto eq = text.find('=');
            if (eq == std::string::npos)
                env[text] = fromEnvironment(text);
            else
                env[text.substr(0, eq)] = text.substr(eq + 1);
        }
    }
    for (const EnvVar &var : configuration.env) {
        const std::string key = var.key.toStdString();
        if (!var.value && (!env.contains(key) || !env[key].is_string()))
            env[key] = fromEnvironment(key);
    }
    if (!missing.isEmpty()) {
        if (error)
            *error = missing;
        return std::nullopt;
    }
    return env;
}

void eraseIfDefault(json &object, const char *key, const json &defaultValue)
{
    if (object.is_object()) {
        auto it = object.find(key);
        if (it != object.end() && *it == defaultValue)
            object.erase(it);
    }
}

} // namespace

std::optional<json> dstackConfigurationBody(const Configuration &configuration, QString *error, const EnvLookup &lookup)
{
    const json &canonical = configuration.canonical;
    json body = json::object();
    body["type"] = configuration.typeName.toStdString();
    if (!canonical.is_object())
        return body;
    for (const QString &key : configuration.writtenKeys) {
        const std::string k = key.toStdString();
        auto it = canonical.find(k);
        if (it == canonical.end() || it->is_null() || k == "type")
            continue;
        body[k] = *it;
    }
    if (body.contains("env")) {
        std::optional<json> env = resolvedEnv(configuration, body["env"], error, lookup);
        if (!env)
            return std::nullopt;
        body["env"] = std::move(*env);
    }
    return body;
}

QString dstackVersionProblem(const Configuration &configuration, const QString &serverVersion)
{
    const QStringList parts = serverVersion.split(QLatin1Char('.'));
    if (parts.size() < 3)
        return {};
    bool ok[3] = {false, false, false};
    const int major = parts[0].toInt(&ok[0]), minor = parts[1].toInt(&ok[1]),
              patch = parts[2].section(QLatin1Char('-'), 0, 0).toInt(&ok[2]);
    if (!ok[0] || !ok[1] || !ok[2])
        return {};
    const auto older = [&](int a, int b, int c) { return std::tie(major, minor, patch) < std::tie(a, b, c); };
    if (configuration.type == RunType::Task && configuration.writtenKeys.contains(QStringLiteral("groups")) &&
        older(0, 21, 2))
        return QStringLiteral("This task uses `groups:` (node groups), which dstack servers understand from 0.21.2 on; "
                              "this server "
                              "is %1. Upgrade the server, or describe the nodes with `nodes:` instead.")
            .arg(serverVersion);
    return {};
}

json dstackRunSpec(const Configuration &configuration, const json &configurationBody, const json &fileArchives)
{
    json spec = json::object();
    spec["run_name"] = configuration.name ? json(configuration.name->toStdString()) : json(nullptr);
    spec["configuration_path"] = optionalString(configuration.filePath);
    spec["configuration"] = configurationBody;
    spec["profile"] = nullptr;
    spec["ssh_key_pub"] = nullptr;
    if (fileArchives.is_array() && !fileArchives.empty())
        spec["file_archives"] = fileArchives;
    return spec;
}

json dstackFilesBody(const std::vector<DstackFileMapping> &mappings)
{
    json files = json::array();
    for (const DstackFileMapping &m : mappings)
        files.push_back({{"local_path", m.localPath.toStdString()}, {"path", m.path.toStdString()}});
    return files;
}

json dstackArchiveByHashBody(const QString &hash)
{
    return {{"hash", hash.toStdString()}};
}

json dstackGetPlanBody(const json &runSpec, int maxOffers, bool forOffersOnly)
{
    json body = {{"run_spec", runSpec}, {"max_offers", maxOffers}};
    if (forOffersOnly)
        body["for_offers_only"] = true;
    return body;
}

json dstackCurrentResource(json run)
{
    if (!run.is_object())
        return nullptr;
    auto stripSubmission = [](json &submission) {
        if (!submission.is_object())
            return;
        auto jpd = submission.find("job_provisioning_data");
        if (jpd == submission.end() || !jpd->is_object())
            return;
        auto type = jpd->find("instance_type");
        if (type == jpd->end() || !type->is_object())
            return;
        auto resources = type->find("resources");
        if (resources != type->end() && resources->is_object())
            resources->erase("description");
    };
    if (auto jobs = run.find("jobs"); jobs != run.end() && jobs->is_array()) {
        for (json &job : *jobs) {
            if (!job.is_object())
                continue;
            job.erase("job_connection_info");
            if (auto spec = job.find("job_spec"); spec != job.end()) {
                eraseIfDefault(*spec, "node_group_index", 0);
                eraseIfDefault(*spec, "node_group_name", "0");
                eraseIfDefault(*spec, "node_group_job_index", 0);
            }
            if (auto subs = job.find("job_submissions"); subs != job.end() && subs->is_array())
                for (json &s : *subs)
                    stripSubmission(s);
        }
    }
    if (auto latest = run.find("latest_job_submission"); latest != run.end())
        stripSubmission(*latest);
    return run;
}

json dstackApplyBody(const json &runSpec, const json &currentResource)
{
    json spec = runSpec;
    // A task without nodes/groups set leaves them out (dstack's client does so for old servers).
    if (spec.is_object() && spec.contains("configuration") && spec["configuration"].is_object()) {
        json &conf = spec["configuration"];
        if (conf.value("type", json()) == "task") {
            for (const char *key : {"nodes", "groups"})
                if (conf.contains(key) && conf[key].is_null())
                    conf.erase(key);
        }
    }
    return {{"plan", {{"run_spec", spec}, {"current_resource", dstackCurrentResource(currentResource)}}},
            {"force", false}};
}

json dstackStopBody(const QString &runName, bool abort)
{
    return {{"runs_names", json::array({runName.toStdString()})}, {"abort", abort}};
}

json dstackGetRunBody(const QString &runName)
{
    return {{"run_name", runName.toStdString()}};
}

json dstackListRunsBody(const QString &project)
{
    // job_submissions_limit: the most the server allows (10), to show a run's retries.
    return {{"project_name", project.toStdString()},
            {"include_jobs", true},
            {"job_submissions_limit", 10},
            {"limit", 100}};
}

json dstackListFleetsBody()
{
    return {{"include_imported", true}};
}

json dstackPollLogsBody(const QString &runName, const QString &submissionId, const QString &startTime,
                        const QString &nextToken, bool diagnose)
{
    json body = {{"run_name", runName.toStdString()},
                 {"job_submission_id", submissionId.toStdString()},
                 {"descending", false},
                 {"limit", 1000},
                 {"diagnose", diagnose}};
    if (!nextToken.isEmpty())
        body["next_token"] = nextToken.toStdString();
    else if (!startTime.isEmpty())
        body["start_time"] = startTime.toStdString();
    return body;
}

json dstackListEventsBody(const QString &runId, const QString &afterId, const QString &afterTime)
{
    json body = {{"within_runs", json::array({runId.toStdString()})}, {"ascending", true}, {"limit", 100}};
    if (!afterId.isEmpty() && !afterTime.isEmpty()) {
        body["prev_id"] = afterId.toStdString();
        body["prev_recorded_at"] = afterTime.toStdString();
    }
    return body;
}

} // namespace gantry
