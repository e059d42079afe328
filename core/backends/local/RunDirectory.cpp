#include "backends/local/RunDirectory.h"

#include "common/StatePaths.h"

#include <QDir>
#include <QFile>

namespace gantry {

namespace {

std::string s(const QString &text)
{
    return text.toStdString();
}

QString qs(const nlohmann::json &j, const char *key)
{
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString();
}

qint64 integerAt(const nlohmann::json &j, const char *key)
{
    auto it = j.find(key);
    return it != j.end() && it->is_number_integer() ? it->get<qint64>() : 0;
}

template <typename T>
T numberAt(const nlohmann::json &j, const char *key, T fallback)
{
    auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<T>() : fallback;
}

bool boolAt(const nlohmann::json &j, const char *key)
{
    auto it = j.find(key);
    return it != j.end() && it->is_boolean() && it->get<bool>();
}

QDateTime date(const nlohmann::json &j, const char *key)
{
    const QString text = qs(j, key);
    return text.isEmpty() ? QDateTime() : QDateTime::fromString(text, Qt::ISODateWithMs).toUTC();
}

std::optional<nlohmann::json> readJsonFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    const QByteArray bytes = file.readAll();
    nlohmann::json j = nlohmann::json::parse(bytes.constData(), bytes.constData() + bytes.size(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        if (error)
            *error = QStringLiteral("%1 is not a JSON object").arg(path);
        return std::nullopt;
    }
    return j;
}

QString writeJsonFile(const QString &path, const nlohmann::json &j)
{
    return writeFileAtomically(path, QByteArray::fromStdString(j.dump(2)) + '\n');
}

nlohmann::json intList(const QList<int> &values)
{
    nlohmann::json a = nlohmann::json::array();
    for (int v : values)
        a.push_back(v);
    return a;
}

QList<int> intListFrom(const nlohmann::json &j, const char *key)
{
    QList<int> values;
    auto it = j.find(key);
    if (it != j.end() && it->is_array()) {
        for (const auto &v : *it)
            if (v.is_number_integer())
                values << v.get<int>();
    }
    return values;
}

} // namespace

namespace runfiles {
QString directory(const QString &runName) { return runsDir() + QLatin1Char('/') + runName; }
QString spec(const QString &runDir) { return runDir + QStringLiteral("/spec.json"); }
QString status(const QString &runDir) { return runDir + QStringLiteral("/status.json"); }
QString log(const QString &runDir) { return runDir + QStringLiteral("/log"); }
QString supervisorPid(const QString &runDir) { return runDir + QStringLiteral("/supervisor.pid"); }
QString supervisorOutput(const QString &runDir) { return runDir + QStringLiteral("/supervisor.out"); }
QString stopRequest(const QString &runDir) { return runDir + QStringLiteral("/stop"); }
QString supervisorLock(const QString &runDir) { return runDir + QStringLiteral("/supervisor.lock"); }
} // namespace runfiles

nlohmann::json LocalRunSpec::toJson() const
{
    nlohmann::json envJson = nlohmann::json::array();
    for (const auto &[key, value] : env) {
        if (value)
            envJson.push_back({{"key", s(key)}, {"value", s(*value)}});
        else
            envJson.push_back({{"key", s(key)}});
    }
    nlohmann::json commandsJson = nlohmann::json::array();
    for (const QString &c : commands)
        commandsJson.push_back(s(c));
    nlohmann::json probesJson = nlohmann::json::array();
    for (const ProbeSpec &p : probes) {
        nlohmann::json headers = nlohmann::json::array();
        for (const auto &[name, value] : p.headers)
            headers.push_back({{"name", s(name)}, {"value", s(value)}});
        probesJson.push_back({{"url", s(p.url)},
                              {"method", s(p.method)},
                              {"headers", headers},
                              {"body", p.body ? nlohmann::json(s(*p.body)) : nlohmann::json()},
                              {"timeout", p.timeoutSec},
                              {"interval", p.intervalSec},
                              {"ready_after", p.readyAfter}});
    }
    nlohmann::json modelJson = nullptr;
    if (model)
        modelJson = {{"type", s(model->type)}, {"name", s(model->name)}, {"format", s(model->format)}, {"prefix", s(model->prefix)}};
    return {
        {"run_name", s(runName)},
        {"run_id", s(runId)},
        {"job_id", s(jobId)},
        {"type", s(typeName)},
        {"configuration_path", s(configurationPath)},
        {"working_dir", s(workingDir)},
        {"shell", s(shell)},
        {"commands", commandsJson},
        {"env", envJson},
        {"port", port ? nlohmann::json(*port) : nlohmann::json()},
        {"gpus", intList(gpuIndexes)},
        {"probes", probesJson},
        {"model", modelJson},
        {"image", image.isEmpty() ? nlohmann::json() : nlohmann::json(s(image))},
        {"container_engine", containerEngine.isEmpty() ? nlohmann::json() : nlohmann::json(s(containerEngine))},
        {"stop_grace_sec", stopGraceSec},
        {"max_duration_sec", maxDurationSec ? nlohmann::json(*maxDurationSec) : nlohmann::json()},
        {"offer", offer.toJson()},
        {"configuration", configuration},
    };
}

std::optional<LocalRunSpec> LocalRunSpec::fromJson(const nlohmann::json &j, QString *error)
{
    LocalRunSpec spec;
    spec.runName = qs(j, "run_name");
    if (spec.runName.isEmpty()) {
        if (error)
            *error = QStringLiteral("spec.json has no run_name");
        return std::nullopt;
    }
    spec.runId = qs(j, "run_id");
    spec.jobId = qs(j, "job_id");
    spec.typeName = qs(j, "type");
    spec.configurationPath = qs(j, "configuration_path");
    spec.workingDir = qs(j, "working_dir");
    spec.shell = qs(j, "shell");
    if (auto it = j.find("commands"); it != j.end() && it->is_array()) {
        for (const auto &c : *it)
            if (c.is_string())
                spec.commands << QString::fromStdString(c.get<std::string>());
    }
    if (auto it = j.find("env"); it != j.end() && it->is_array()) {
        for (const auto &e : *it)
            if (e.is_object() && !qs(e, "key").isEmpty()) {
                auto value = e.find("value");
                spec.env.emplace_back(qs(e, "key"), value != e.end() && value->is_string() ? std::optional<QString>(qs(e, "value")) : std::nullopt);
            }
    }
    if (auto it = j.find("port"); it != j.end() && it->is_number_integer())
        spec.port = it->get<int>();
    spec.gpuIndexes = intListFrom(j, "gpus");
    if (auto it = j.find("probes"); it != j.end() && it->is_array()) {
        for (const auto &p : *it) {
            if (!p.is_object())
                continue;
            ProbeSpec probe;
            probe.url = qs(p, "url");
            probe.method = qs(p, "method");
            if (auto h = p.find("headers"); h != p.end() && h->is_array()) {
                for (const auto &header : *h)
                    if (header.is_object())
                        probe.headers.emplace_back(qs(header, "name"), qs(header, "value"));
            }
            if (auto b = p.find("body"); b != p.end() && b->is_string())
                probe.body = QString::fromStdString(b->get<std::string>());
            probe.timeoutSec = numberAt(p, "timeout", 10);
            probe.intervalSec = numberAt(p, "interval", 15);
            probe.readyAfter = numberAt(p, "ready_after", 1);
            spec.probes.push_back(probe);
        }
    }
    if (auto it = j.find("model"); it != j.end() && it->is_object()) {
        ModelSpec m;
        m.type = qs(*it, "type");
        m.name = qs(*it, "name");
        m.format = qs(*it, "format");
        m.prefix = qs(*it, "prefix");
        spec.model = m;
    }
    spec.image = qs(j, "image");
    spec.containerEngine = qs(j, "container_engine");
    spec.stopGraceSec = numberAt(j, "stop_grace_sec", 10);
    if (auto it = j.find("max_duration_sec"); it != j.end() && it->is_number_integer())
        spec.maxDurationSec = it->get<int>();
    if (auto it = j.find("offer"); it != j.end())
        spec.offer = Offer::fromJson(*it);
    if (auto it = j.find("configuration"); it != j.end())
        spec.configuration = *it;
    return spec;
}

std::optional<LocalRunSpec> readRunSpec(const QString &runDir, QString *error)
{
    const auto j = readJsonFile(runfiles::spec(runDir), error);
    if (!j)
        return std::nullopt;
    return LocalRunSpec::fromJson(*j, error);
}

QString writeRunSpec(const QString &runDir, const LocalRunSpec &spec)
{
    return writeJsonFile(runfiles::spec(runDir), spec.toJson());
}

RunInfo runInfoFromJson(const nlohmann::json &j)
{
    RunInfo info;
    info.name = qs(j, "name");
    info.backend = qs(j, "backend");
    info.project = qs(j, "project");
    info.configurationPath = qs(j, "configuration_path");
    info.status = runStatusFromString(qs(j, "status"));
    info.statusMessage = qs(j, "status_message");
    info.terminationReason = qs(j, "termination_reason");
    info.error = qs(j, "error");
    info.submittedAt = date(j, "submitted_at");
    info.finishedAt = date(j, "finished_at");
    info.price = numberAt(j, "price", 0.0);
    info.cost = numberAt(j, "cost", 0.0);
    info.ready = boolAt(j, "ready");
    if (auto it = j.find("offer"); it != j.end())
        info.offer = Offer::fromJson(*it);
    if (auto it = j.find("service"); it != j.end() && it->is_object()) {
        info.serviceUrl = qs(*it, "url");
        if (auto m = it->find("model"); m != it->end() && m->is_object()) {
            ModelEndpoint endpoint;
            endpoint.name = qs(*m, "name");
            endpoint.baseUrl = qs(*m, "base_url");
            endpoint.format = qs(*m, "format");
            info.model = endpoint;
        }
    }
    if (auto it = j.find("history"); it != j.end() && it->is_array()) {
        for (const auto &e : *it) {
            if (e.is_object())
                info.history.append({date(e, "at"), qs(e, "status"), qs(e, "message")});
        }
    }
    return info;
}

std::optional<RunInfo> readRunStatus(const QString &runDir, LocalRunState *state, QString *error)
{
    const auto j = readJsonFile(runfiles::status(runDir), error);
    if (!j)
        return std::nullopt;
    if (state) {
        *state = {};
        if (auto it = j->find("local"); it != j->end() && it->is_object()) {
            state->supervisorPid = integerAt(*it, "supervisor_pid");
            state->supervisorStartTime = quint64(std::max<qint64>(0, integerAt(*it, "supervisor_start_time")));
            state->processGroup = integerAt(*it, "process_group");
            state->processGroupStartTime = quint64(std::max<qint64>(0, integerAt(*it, "process_group_start_time")));
            state->bootId = qs(*it, "boot_id").toLatin1();
            state->gpuIndexes = intListFrom(*it, "gpus");
            if (auto p = it->find("port"); p != it->end() && p->is_number_integer())
                state->port = p->get<int>();
        }
    }
    return runInfoFromJson(*j);
}

QString writeRunStatus(const QString &runDir, const RunInfo &info, const LocalRunState &state)
{
    nlohmann::json j = info.toJson();
    j["local"] = {{"supervisor_pid", state.supervisorPid},
                  {"supervisor_start_time", qint64(state.supervisorStartTime)},
                  {"process_group", state.processGroup},
                  {"process_group_start_time", qint64(state.processGroupStartTime)},
                  {"boot_id", state.bootId.toStdString()},
                  {"gpus", intList(state.gpuIndexes)},
                  {"port", state.port ? nlohmann::json(*state.port) : nlohmann::json()}};
    return writeJsonFile(runfiles::status(runDir), j);
}

void recordStatus(RunInfo &info, RunStatus status, const QString &message)
{
    info.status = status;
    info.statusMessage = message.isEmpty() ? toString(status) : message;
    info.history.append({QDateTime::currentDateTimeUtc(), toString(status), info.statusMessage});
    if (isFinal(status) && !info.finishedAt.isValid())
        info.finishedAt = QDateTime::currentDateTimeUtc();
}

} // namespace gantry
