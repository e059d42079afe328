#include "core/config/ConfigSchema.h"

#include "core/config/ConfigReader.h"

#include <QHash>

namespace gantry::ConfigSchema {

namespace {

QStringList words(const char *spaceSeparated)
{
    return QString::fromLatin1(spaceSeparated).split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

struct Tables {
    QStringList service, task, devEnvironment;
    QHash<QString, QStringList> nested; // path joined with '/' → keys
    QHash<QString, QStringList> values; // path joined with '/' → literals
    QStringList backends, vendors;
};

const Tables &tables()
{
    static const Tables t = [] {
        Tables t;
        // Top-level keys: the reader's own table (a key cannot be listed here and left unread).
        t.service << QStringLiteral("type");
        t.task << QStringLiteral("type");
        t.devEnvironment << QStringLiteral("type");
        for (const ConfigReader::Field &f : ConfigReader::fields()) {
            if (f.types & ConfigReader::typeBit(RunType::Service))
                t.service << QLatin1String(f.key);
            if (f.types & ConfigReader::typeBit(RunType::Task))
                t.task << QLatin1String(f.key);
            if (f.types & ConfigReader::typeBit(RunType::DevEnvironment))
                t.devEnvironment << QLatin1String(f.key);
        }

        const QStringList range = words("min max");
        auto nest = [&t](const char *path, const QStringList &keys) {
            t.nested.insert(QString::fromLatin1(path), keys);
        };
        nest("resources", words("cpu memory gpu disk shm_size"));
        nest("resources/cpu", words("arch count min max"));
        nest("resources/cpu/count", range);
        nest("resources/memory", range);
        nest("resources/gpu", words("vendor name count memory total_memory compute_capability"));
        nest("resources/gpu/count", range);
        nest("resources/gpu/memory", range);
        nest("resources/gpu/total_memory", range);
        nest("resources/disk", words("size min max"));
        nest("resources/disk/size", range);
        nest("port", words("local_port container_port"));
        nest("ports", words("local_port container_port"));
        nest("model", words("type name format prefix chat_template eos_token"));
        nest("probes", words("type url method headers body timeout interval ready_after until_ready"));
        nest("probes/headers", words("name value"));
        nest("retry", words("on_events duration"));
        nest("scaling", words("metric target window scale_up_delay scale_down_delay"));
        nest("replicas", range);
        nest("registry_auth", words("username password"));
        nest("volumes", words("name path instance_path optional"));
        nest("repos", words("local_path url branch hash path if_exists"));
        nest("files", words("local_path path"));
        nest("gateway", words("project name"));
        nest("rate_limits", words("prefix key rps burst"));
        nest("rate_limits/key", words("type header"));
        nest("utilization_policy", words("min_gpu_utilization time_window"));
        nest("schedule", words("cron"));
        nest("fleets", words("project name"));
        nest("instances", words("name hostname fleet instance"));
        // A task's node groups; a service's replica groups (`replicas:` as a list).
        nest("groups", words("name nodes resources commands ports"));
        nest("replica_groups", words("name count scaling resources spot_policy reservation commands "
                                     "image python nvcc docker privileged router"));
        nest("groups/router", words("type"));

        auto vals = [&t](const char *path, const QStringList &v) { t.values.insert(QString::fromLatin1(path), v); };
        vals("type", words("service task dev-environment"));
        vals("spot_policy", words("spot on-demand auto"));
        vals("creation_policy", words("reuse reuse-or-create"));
        vals("startup_order", words("any master-first workers-first"));
        vals("stop_criteria", words("all-done master-done"));
        vals("shell", words("sh bash"));
        vals("python", words("3.9 3.10 3.11 3.12 3.13 3.14"));
        vals("ide", words("vscode cursor windsurf zed"));
        vals("https", words("true false auto"));
        vals("model/type", words("chat"));
        vals("model/format", words("openai tgi"));
        vals("probes/type", words("http"));
        vals("probes/method", words("get post put delete patch head"));
        vals("retry/on_events", words("no-capacity interruption error"));
        vals("scaling/metric", words("rps"));
        vals("scaling/window", words("30s 60s 300s"));
        vals("rate_limits/key/type", words("ip_address header"));
        vals("repos/if_exists", words("error skip"));
        vals("resources/cpu/arch", words("x86 arm"));
        vals("groups/router/type", words("sglang dynamo"));
        vals("groups/spot_policy", words("spot on-demand auto"));
        t.backends = words("amddevcloud aws azure cloudrift crusoe cudo datacrunch digitalocean dstack gcp hotaisle "
                           "jarvislabs kubernetes lambda remote nebius oci runpod tensordock vastai verda vultr slurm");
        t.vendors = words("nvidia amd intel google tenstorrent");
        vals("backends", t.backends);
        vals("resources/gpu/vendor", t.vendors);
        return t;
    }();
    return t;
}

} // namespace

QStringList runTypeNames()
{
    return tables().values.value(QStringLiteral("type"));
}

QString runTypeName(RunType type)
{
    switch (type) {
    case RunType::Service:
        return QStringLiteral("service");
    case RunType::Task:
        return QStringLiteral("task");
    case RunType::DevEnvironment:
        return QStringLiteral("dev-environment");
    }
    return {};
}

std::optional<RunType> runTypeFromName(const QString &name)
{
    if (name == QLatin1String("service"))
        return RunType::Service;
    if (name == QLatin1String("task"))
        return RunType::Task;
    if (name == QLatin1String("dev-environment"))
        return RunType::DevEnvironment;
    return std::nullopt;
}

QStringList keysFor(const QStringList &path, RunType type)
{
    const Tables &t = tables();
    if (path.isEmpty()) {
        switch (type) {
        case RunType::Service:
            return t.service;
        case RunType::Task:
            return t.task;
        case RunType::DevEnvironment:
            return t.devEnvironment;
        }
    }
    // Replica/node groups repeat resources and scaling with the top level's shape.
    QStringList p = path;
    if (p.size() > 1 && (p.first() == QLatin1String("groups") || p.first() == QLatin1String("replica_groups")) &&
        (p[1] == QLatin1String("resources") || p[1] == QLatin1String("scaling") || p[1] == QLatin1String("ports")))
        p.removeFirst();
    return t.nested.value(p.join(QLatin1Char('/')));
}

QStringList valuesFor(const QStringList &path)
{
    return tables().values.value(path.join(QLatin1Char('/')));
}

QStringList runTypesAccepting(const QString &topLevelKey)
{
    QStringList result;
    for (RunType type : {RunType::Service, RunType::Task, RunType::DevEnvironment}) {
        if (keysFor({}, type).contains(topLevelKey))
            result << runTypeName(type);
    }
    return result;
}

const QStringList &backendIds()
{
    return tables().backends;
}

const QStringList &gpuVendors()
{
    return tables().vendors;
}

} // namespace gantry::ConfigSchema
