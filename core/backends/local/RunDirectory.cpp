#include "core/backends/local/RunDirectory.h"

#include "core/common/JsonFields.h"
#include "core/common/StatePaths.h"

#include <QDir>
#include <QFile>

namespace gantry {

namespace {

using namespace jsonfields;

std::string s(const QString &text)
{
    return text.toStdString();
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

bool writeJsonFile(const QString &path, const nlohmann::json &j, QString *error)
{
    return writeFileAtomically(path, QByteArray::fromStdString(j.dump(2)) + '\n', error);
}

nlohmann::json intList(const QList<int> &values)
{
    nlohmann::json a = nlohmann::json::array();
    for (int v : values)
        a.push_back(v);
    return a;
}

} // namespace

namespace runfiles {
QString directory(const QString &runName)
{
    return runsDir() + QLatin1Char('/') + runName;
}
QString spec(const QString &runDir)
{
    return runDir + QStringLiteral("/spec.json");
}
QString status(const QString &runDir)
{
    return runDir + QStringLiteral("/status.json");
}
QString log(const QString &runDir)
{
    return runDir + QStringLiteral("/log");
}
QString supervisorPid(const QString &runDir)
{
    return runDir + QStringLiteral("/supervisor.pid");
}
QString supervisorOutput(const QString &runDir)
{
    return runDir + QStringLiteral("/supervisor.out");
}
QString stopRequest(const QString &runDir)
{
    return runDir + QStringLiteral("/stop");
}
QString supervisorLock(const QString &runDir)
{
    return runDir + QStringLiteral("/supervisor.lock");
}
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
        modelJson = {{"type", s(model->type)},
                     {"name", s(model->name)},
                     {"format", s(model->format)},
                     {"prefix", s(model->prefix)}};
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
    spec.runName = string(j, "run_name");
    if (spec.runName.isEmpty()) {
        if (error)
            *error = QStringLiteral("spec.json has no run_name");
        return std::nullopt;
    }
    spec.runId = string(j, "run_id");
    spec.jobId = string(j, "job_id");
    spec.typeName = string(j, "type");
    spec.configurationPath = string(j, "configuration_path");
    spec.workingDir = string(j, "working_dir");
    spec.shell = string(j, "shell");
    if (auto it = j.find("commands"); it != j.end() && it->is_array()) {
        for (const auto &c : *it)
            if (c.is_string())
                spec.commands << QString::fromStdString(c.get<std::string>());
    }
    if (auto it = j.find("env"); it != j.end() && it->is_array()) {
        for (const auto &e : *it)
            if (e.is_object() && !string(e, "key").isEmpty()) {
                auto value = e.find("value");
                spec.env.emplace_back(string(e, "key"), value != e.end() && value->is_string()
                                                            ? std::optional<QString>(string(e, "value"))
                                                            : std::nullopt);
            }
    }
    if (auto it = j.find("port"); it != j.end() && it->is_number_integer())
        spec.port = it->get<int>();
    spec.gpuIndexes = integers(j, "gpus");
    if (auto it = j.find("probes"); it != j.end() && it->is_array()) {
        for (const auto &p : *it) {
            if (!p.is_object())
                continue;
            ProbeSpec probe;
            probe.url = string(p, "url");
            probe.method = string(p, "method");
            if (auto h = p.find("headers"); h != p.end() && h->is_array()) {
                for (const auto &header : *h)
                    if (header.is_object())
                        probe.headers.emplace_back(string(header, "name"), string(header, "value"));
            }
            if (auto b = p.find("body"); b != p.end() && b->is_string())
                probe.body = QString::fromStdString(b->get<std::string>());
            probe.timeoutSec = number(p, "timeout", 10);
            probe.intervalSec = number(p, "interval", 15);
            probe.readyAfter = number(p, "ready_after", 1);
            spec.probes.push_back(probe);
        }
    }
    if (auto it = j.find("model"); it != j.end() && it->is_object()) {
        ModelSpec m;
        m.type = string(*it, "type");
        m.name = string(*it, "name");
        m.format = string(*it, "format");
        m.prefix = string(*it, "prefix");
        spec.model = m;
    }
    spec.image = string(j, "image");
    spec.containerEngine = string(j, "container_engine");
    spec.stopGraceSec = number(j, "stop_grace_sec", 10);
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

bool writeRunSpec(const QString &runDir, const LocalRunSpec &spec, QString *error)
{
    return writeJsonFile(runfiles::spec(runDir), spec.toJson(), error);
}

std::optional<RunInfo> readRunStatus(const QString &runDir, LocalRunState *state, QString *error)
{
    const auto j = readJsonFile(runfiles::status(runDir), error);
    if (!j)
        return std::nullopt;
    if (state) {
        *state = {};
        if (auto it = j->find("local"); it != j->end() && it->is_object()) {
            state->supervisorPid = integer(*it, "supervisor_pid");
            state->supervisorStartTime = quint64(std::max<qint64>(0, integer(*it, "supervisor_start_time")));
            state->processGroup = integer(*it, "process_group");
            state->processGroupStartTime = quint64(std::max<qint64>(0, integer(*it, "process_group_start_time")));
            state->bootId = string(*it, "boot_id").toLatin1();
            state->gpuIndexes = integers(*it, "gpus");
            if (auto p = it->find("port"); p != it->end() && p->is_number_integer())
                state->port = p->get<int>();
        }
    }
    return RunInfo::fromJson(*j);
}

bool writeRunStatus(const QString &runDir, const RunInfo &info, const LocalRunState &state, QString *error)
{
    nlohmann::json j = info.toJson();
    j["local"] = {{"supervisor_pid", state.supervisorPid},
                  {"supervisor_start_time", qint64(state.supervisorStartTime)},
                  {"process_group", state.processGroup},
                  {"process_group_start_time", qint64(state.processGroupStartTime)},
                  {"boot_id", state.bootId.toStdString()},
                  {"gpus", intList(state.gpuIndexes)},
                  {"port", state.port ? nlohmann::json(*state.port) : nlohmann::json()}};
    return writeJsonFile(runfiles::status(runDir), j, error);
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
