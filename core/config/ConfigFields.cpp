// ConfigReader, part 4: the one table of top-level fields — each key, the run types that accept
// it, and the function that reads it. ConfigSchema lists top-level keys from this table, so a
// key cannot be known to the schema (and the editor's completion) without a reader.

#include "core/config/ConfigReader.h"
#include "core/runs/RunNames.h"

#include "core/config/ConfigSchema.h"
#include "core/config/Grammar.h"
#include "core/config/ResourcesGrammar.h"
#include "core/config/Suggestion.h"

#include <QRegularExpression>

namespace gantry {

using json = nlohmann::json;

namespace {

json str(const QString &s)
{
    return s.toStdString();
}

constexpr unsigned kService = ConfigReader::typeBit(RunType::Service);
constexpr unsigned kTask = ConfigReader::typeBit(RunType::Task);
constexpr unsigned kDevEnvironment = ConfigReader::typeBit(RunType::DevEnvironment);

} // namespace

const std::vector<ConfigReader::Field> &ConfigReader::fields()
{
    static const std::vector<Field> table = {
        {"name", kService | kTask | kDevEnvironment, &ConfigReader::fieldName},
        {"image", kService | kTask | kDevEnvironment, &ConfigReader::fieldImage},
        {"user", kService | kTask | kDevEnvironment, &ConfigReader::fieldPlainString},
        {"privileged", kService | kTask | kDevEnvironment, &ConfigReader::fieldFlag},
        {"entrypoint", kService | kTask, &ConfigReader::fieldPlainString},
        {"working_dir", kService | kTask | kDevEnvironment, &ConfigReader::fieldWorkingDir},
        {"registry_auth", kService | kTask | kDevEnvironment, &ConfigReader::fieldRegistryAuth},
        {"python", kService | kTask | kDevEnvironment, &ConfigReader::fieldPython},
        {"nvcc", kService | kTask | kDevEnvironment, &ConfigReader::fieldFlag},
        {"docker", kService | kTask | kDevEnvironment, &ConfigReader::fieldFlag},
        {"single_branch", kService | kTask | kDevEnvironment, &ConfigReader::fieldFlag},
        {"env", kService | kTask | kDevEnvironment, &ConfigReader::fieldEnv},
        {"shell", kService | kTask | kDevEnvironment, &ConfigReader::fieldShell},
        {"resources", kService | kTask | kDevEnvironment, &ConfigReader::fieldResources},
        {"priority", kService | kTask | kDevEnvironment, &ConfigReader::fieldPriority},
        {"volumes", kService | kTask | kDevEnvironment, &ConfigReader::fieldVolumes},
        {"repos", kService | kTask | kDevEnvironment, &ConfigReader::fieldRepos},
        {"files", kService | kTask | kDevEnvironment, &ConfigReader::fieldFiles},
        {"dstack", kService | kTask | kDevEnvironment, &ConfigReader::fieldFlag},
        {"home_dir", kService | kTask | kDevEnvironment, &ConfigReader::fieldDeprecated},
        {"setup", kService | kTask | kDevEnvironment, &ConfigReader::fieldDeprecated},
        {"backends", kService | kTask | kDevEnvironment, &ConfigReader::fieldBackends},
        {"regions", kService | kTask | kDevEnvironment, &ConfigReader::fieldStringList},
        {"availability_zones", kService | kTask | kDevEnvironment, &ConfigReader::fieldStringList},
        {"instance_types", kService | kTask | kDevEnvironment, &ConfigReader::fieldStringList},
        {"reservation", kService | kTask | kDevEnvironment, &ConfigReader::fieldPlainString},
        {"spot_policy", kService | kTask | kDevEnvironment, &ConfigReader::fieldEnum},
        {"retry", kService | kTask | kDevEnvironment, &ConfigReader::fieldRetry},
        {"max_duration", kService | kTask | kDevEnvironment, &ConfigReader::fieldMaxOrStopDuration},
        {"stop_duration", kService | kTask | kDevEnvironment, &ConfigReader::fieldMaxOrStopDuration},
        {"max_price", kService | kTask | kDevEnvironment, &ConfigReader::fieldMaxPrice},
        {"creation_policy", kService | kTask | kDevEnvironment, &ConfigReader::fieldEnum},
        {"idle_duration", kService | kTask | kDevEnvironment, &ConfigReader::fieldIdleDuration},
        {"utilization_policy", kService | kTask | kDevEnvironment, &ConfigReader::fieldUtilizationPolicy},
        {"startup_order", kService | kTask | kDevEnvironment, &ConfigReader::fieldEnum},
        {"stop_criteria", kService | kTask | kDevEnvironment, &ConfigReader::fieldEnum},
        {"schedule", kService | kTask | kDevEnvironment, &ConfigReader::fieldSchedule},
        {"fleets", kService | kTask | kDevEnvironment, &ConfigReader::fieldPlacementList},
        {"instances", kService | kTask | kDevEnvironment, &ConfigReader::fieldPlacementList},
        {"tags", kService | kTask | kDevEnvironment, &ConfigReader::fieldTags},
        {"backend_options", kService | kTask | kDevEnvironment, &ConfigReader::fieldBackendOptions},
        {"port", kService, &ConfigReader::fieldPort},
        {"commands", kService | kTask, &ConfigReader::fieldCommands},
        {"model", kService, &ConfigReader::fieldModel},
        {"gateway", kService, &ConfigReader::fieldGateway},
        {"https", kService, &ConfigReader::fieldHttps},
        {"auth", kService, &ConfigReader::fieldFlag},
        {"strip_prefix", kService, &ConfigReader::fieldFlag},
        {"replicas", kService, &ConfigReader::fieldReplicas},
        {"scaling", kService, &ConfigReader::fieldScaling},
        {"rate_limits", kService, &ConfigReader::fieldRateLimits},
        {"probes", kService, &ConfigReader::fieldProbes},
        {"nodes", kTask, &ConfigReader::fieldNodes},
        {"groups", kTask, &ConfigReader::fieldGroups},
        {"ports", kTask | kDevEnvironment, &ConfigReader::fieldPorts},
        {"ide", kDevEnvironment, &ConfigReader::fieldIde},
        {"version", kDevEnvironment, &ConfigReader::fieldVersion},
        {"init", kDevEnvironment, &ConfigReader::fieldCommands},
        {"inactivity_duration", kDevEnvironment, &ConfigReader::fieldInactivityDuration},
    };
    return table;
}

// name
void ConfigReader::fieldName(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    if (auto s = string(value, name)) {
        c.name = *s;
        out = str(*s);
        if (!isValidRunName(*s))
            warning(value,
                    QStringLiteral("run name '%1' will be refused by the dstack server: %2").arg(*s, runNameRule()));
    }
}

// image
void ConfigReader::fieldImage(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    m_imageKey = &key;
    if (auto s = string(value, name)) {
        c.image = *s;
        out = str(*s);
    }
}

// user, entrypoint, reservation
void ConfigReader::fieldPlainString(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    if (k == "entrypoint")
        m_entrypointKey = &key;
    if (auto s = string(value, name))
        out = str(*s);
}

// working_dir
void ConfigReader::fieldWorkingDir(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    if (auto s = string(value, name)) {
        out = str(*s);
        // dstack 0.21 takes a relative working_dir relative to the repo directory.
    }
}

// privileged, nvcc, docker, single_branch, dstack, auth, strip_prefix
void ConfigReader::fieldFlag(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    if (auto b = boolean(value, name)) {
        out = *b;
        if (k == "docker") {
            m_dockerKey = &key;
            m_dockerOn = *b;
        }
        if (k == "nvcc" && *b)
            m_nvccKey = &key;
    }
}

// registry_auth
void ConfigReader::fieldRegistryAuth(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    if (checkMap(value, {name}, name)) {
        json o = json::object();
        for (const char *field : {"username", "password"}) {
            const Node *v = value.find(field);
            if (!v)
                error(value, QStringLiteral("registry_auth needs `%1`").arg(QLatin1String(field)));
            else if (auto s = string(*v, QStringLiteral("registry_auth.") + QLatin1String(field)))
                o[field] = s->toStdString();
        }
        out = o;
    }
}

// python
void ConfigReader::fieldPython(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    m_pythonKey = &key;
    readPython(value);
}

// env
void ConfigReader::fieldEnv(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    readEnv(value);
}

// shell
void ConfigReader::fieldShell(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    if (auto s = string(value, name)) {
        if (*s == QLatin1String("sh") || *s == QLatin1String("bash") || s->startsWith(QLatin1Char('/'))) {
            c.shell = *s;
            out = str(*s);
        } else {
            error(value,
                  QStringLiteral("shell must be sh, bash or an absolute path such as /bin/zsh, not '%1'").arg(*s));
        }
    }
}

// resources
void ConfigReader::fieldResources(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    readResources(value);
}

// priority
void ConfigReader::fieldPriority(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    if (auto v = integer(value, name)) {
        if (*v < 0 || *v > 100)
            error(value, QStringLiteral("priority must be between 0 and 100, not %1").arg(*v));
        else
            out = *v;
    }
}

// volumes
void ConfigReader::fieldVolumes(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    readVolumes(value);
}

// repos
void ConfigReader::fieldRepos(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    out = readObjectList(value, name, {name}, true);
    if (value.isSequence() && value.children.size() > 1)
        error(*value.children[1], QStringLiteral("repos may list at most one repository"));
    if (value.isSequence() && !value.children.empty())
        warning(key, QStringLiteral(
                         "Gantry does not upload `repos:` to a dstack server yet (it needs git credentials and a repo "
                         "upload): the run starts without this repository. Use `dstack apply` for now, or put the code "
                         "in the image. (Local runs use the project folder itself.)"));
}

// files
void ConfigReader::fieldFiles(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    out = readObjectList(value, name, {name}, true);
    if (value.isSequence() && !value.children.empty())
        warning(key,
                QStringLiteral(
                    "Gantry does not upload `files:` to a dstack server yet: the run starts without them. Use "
                    "`dstack apply` for now, or put them in the image. (Local runs use the project folder itself.)"));
}

// home_dir, setup
void ConfigReader::fieldDeprecated(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    warning(key, QStringLiteral("`%1` is deprecated and ignored by dstack; remove it").arg(name));
    out = generic(value);
}

// backends
void ConfigReader::fieldBackends(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    readBackends(value);
}

// regions, availability_zones, instance_types
void ConfigReader::fieldStringList(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    if (auto list = stringList(value, name)) {
        out = stringsJson(*list);
        if (k == "regions")
            c.regions = *list;
        else if (k == "instance_types")
            c.instanceTypes = *list;
    }
}

// spot_policy, creation_policy, startup_order, stop_criteria
void ConfigReader::fieldEnum(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    if (auto v = oneOf(value, name, ConfigSchema::valuesFor({name}))) {
        out = str(*v);
        if (k == "spot_policy")
            c.spotPolicy = *v;
    }
}

// retry
void ConfigReader::fieldRetry(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    readRetry(value);
}

// max_duration, stop_duration
void ConfigReader::fieldMaxOrStopDuration(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    if (auto d = duration(value, name, true, "off")) {
        out = *d;
        if (k == "max_duration" && d->is_number_integer())
            c.maxDurationSec = d->get<int>();
    }
}

// idle_duration
void ConfigReader::fieldIdleDuration(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    long long n = 0;
    if (value.isScalar() && value.plain && yaml::isIntWord(value.text, &n) && n == -1)
        out = -1; // dstack's own spelling of "off"
    else if (auto d = duration(value, name, true, -1))
        out = *d;
}

// inactivity_duration
void ConfigReader::fieldInactivityDuration(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    if (auto d = duration(value, name, true, "off"))
        out = *d;
}

// max_price
void ConfigReader::fieldMaxPrice(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    if (auto v = number(value, name)) {
        if (*v <= 0)
            error(value, QStringLiteral("max_price must be greater than 0 (dollars per hour), not %1").arg(*v));
        else {
            c.maxPrice = *v;
            out = *v;
        }
    }
}

// utilization_policy
void ConfigReader::fieldUtilizationPolicy(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    if (checkMap(value, {name}, name)) {
        json o = {{"min_gpu_utilization", nullptr}, {"time_window", nullptr}};
        if (const Node *v = value.find("min_gpu_utilization")) {
            if (auto u = integer(*v, QStringLiteral("min_gpu_utilization"))) {
                if (*u < 0 || *u > 100)
                    error(*v, QStringLiteral("min_gpu_utilization must be between 0 and 100"));
                o["min_gpu_utilization"] = *u;
            }
        } else {
            error(value, QStringLiteral("utilization_policy needs `min_gpu_utilization` (0..100)"));
        }
        if (const Node *v = value.find("time_window")) {
            if (auto d = duration(*v, QStringLiteral("time_window"), false, nullptr, 300))
                o["time_window"] = *d;
        } else {
            error(value, QStringLiteral("utilization_policy needs `time_window` (at least 5m)"));
        }
        out = o;
    }
}

// schedule
void ConfigReader::fieldSchedule(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    if (checkMap(value, {name}, name)) {
        const Node *cron = value.find("cron");
        if (!cron)
            error(value, QStringLiteral("schedule needs `cron`, e.g. cron: \"0 8 * * *\""));
        else if (cron->isScalar())
            out = {{"cron", json::array({cron->text})}};
        else if (auto list = stringList(*cron, QStringLiteral("schedule.cron")))
            out = {{"cron", stringsJson(*list)}};
    }
}

// fleets, instances
void ConfigReader::fieldPlacementList(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    out = readObjectList(value, name, {name}, true);
}

// tags
void ConfigReader::fieldTags(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    if (!value.isMap()) {
        error(value, QStringLiteral("tags must be a mapping of names to strings, not %1").arg(kindName(value)));
    } else {
        for (size_t i = 0; i < value.mapSize(); ++i) {
            const Node &v = value.value(i);
            long long n = 0;
            double d = 0;
            bool b = false;
            const bool typed = v.isScalar() && v.plain &&
                               (v.isNull() || yaml::isIntWord(v.text, &n) || yaml::isFloatWord(v.text, &d) ||
                                yaml::isBoolWord(v.text, &b));
            if (!v.isScalar() || typed)
                error(v, QStringLiteral("tag values must be strings, not %1: quote it (\"%2\")")
                             .arg(kindName(v), v.string()));
        }
        out = generic(value);
    }
}

// backend_options
void ConfigReader::fieldBackendOptions(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    out = generic(value);
}

// port
void ConfigReader::fieldPort(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    m_portKey = &key;
    readPort(value);
}

// ports
void ConfigReader::fieldPorts(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    m_portsKey = &key;
    if (!value.isSequence()) {
        error(value,
              QStringLiteral("ports must be a list (e.g. - 8080 or - \"8080:80\"), not %1").arg(kindName(value)));
    } else {
        json a = json::array();
        for (const Node *item : value.children)
            a.push_back(portMapping(*item, false));
        out = a;
    }
}

// commands, init
void ConfigReader::fieldCommands(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    if (k == "commands") {
        m_commandsKey = &key;
        m_commandsValue = &value;
    }
    readCommands(value, k.c_str());
}

// model
void ConfigReader::fieldModel(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    readModel(value);
}

// gateway
void ConfigReader::fieldGateway(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    if (value.isMap())
        checkMap(value, {name}, name);
    else if (!value.isScalar())
        error(value, QStringLiteral("gateway must be true, false, a gateway name or {project, name}"));
    out = generic(value);
}

// https
void ConfigReader::fieldHttps(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    bool b = false;
    if (value.isScalar() && value.plain && yaml::isBoolWord(value.text, &b))
        out = b;
    else if (value.isScalar() && value.text == "auto")
        out = "auto";
    else
        error(value, QStringLiteral("https must be true, false or auto, not %1").arg(kindName(value)));
}

// replicas
void ConfigReader::fieldReplicas(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    m_replicasKey = &key;
    readReplicas(value);
}

// scaling
void ConfigReader::fieldScaling(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    m_scalingKey = &key;
    readScaling(value);
}

// rate_limits
void ConfigReader::fieldRateLimits(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    readRateLimits(value);
}

// probes
void ConfigReader::fieldProbes(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    readProbes(value);
}

// groups
void ConfigReader::fieldGroups(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    m_groupsKey = &key;
    readGroups(value);
}

// nodes
void ConfigReader::fieldNodes(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    m_nodesKey = &key;
    if (auto v = integer(value, name)) {
        if (*v < 1)
            error(value, QStringLiteral("nodes must be at least 1"));
        else
            out = *v;
    }
}

// ide
void ConfigReader::fieldIde(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    m_ideKey = &key;
    if (auto v = oneOf(value, name, ConfigSchema::valuesFor({name})))
        out = str(*v);
}

// version
void ConfigReader::fieldVersion(const Node &key, const Node &value)
{
    [[maybe_unused]] const std::string &k = key.text;
    [[maybe_unused]] const QString name = key.string();
    [[maybe_unused]] json &out = m_config.canonical[k];
    [[maybe_unused]] Configuration &c = m_config;
    m_versionKey = &key;
    if (auto s = string(value, name))
        out = str(*s);
}

} // namespace gantry
