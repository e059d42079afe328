#pragma once

// Walks the YAML tree of one run configuration: checks every key against ConfigSchema,
// applies dstack's grammars and cross-field rules, fills Configuration (typed) and its
// canonical JSON, and reports every problem as a Diagnostic at the offending node.
// Internal to core/config; callers use parseConfiguration().

#include "core/config/ConfigLints.h"
#include "core/config/Configuration.h"
#include "core/config/YamlTree.h"

#include <QByteArray>
#include <QString>

#include <optional>
#include <vector>

namespace gantry {

// How a node reads in a message: "a mapping", "a list", "empty" or 'its text'.
QString kindName(const yaml::Node &n);

class ConfigReader
{
public:
    using Node = yaml::Node;

    ConfigReader(const QString &filePath, const QByteArray &source, Diagnostics &out);
    std::optional<Configuration> read();

    // The one table of top-level keys (ConfigFields.cpp): the run types that accept each
    // and its reader. ConfigSchema's top-level key lists come from here.
    struct Field {
        const char *key;
        unsigned types; // typeBit() of each run type that accepts the key
        void (ConfigReader::*read)(const Node &key, const Node &value);
    };
    static const std::vector<Field> &fields();
    static constexpr unsigned typeBit(RunType type) { return 1u << unsigned(type); }

private:
    using json = nlohmann::json;

    // Diagnostics
    void error(const Node &at, const QString &message);
    void warning(const Node &at, const QString &message);
    void report(int line, int column, Severity severity, const QString &message);

    // Keys: unknown ones are errors with the closest known key; returns false for a non-mapping.
    bool checkMap(const Node &node, const QStringList &path, const QString &what);

    // Typed scalars. `what` names the field in messages ("max_price", "probe timeout").
    std::optional<QString> string(const Node &n, const QString &what);
    std::optional<bool> boolean(const Node &n, const QString &what);
    std::optional<long long> integer(const Node &n, const QString &what);
    std::optional<double> number(const Node &n, const QString &what);
    std::optional<QStringList> stringList(const Node &n, const QString &what);
    std::optional<QString> oneOf(const Node &n, const QString &what, const QStringList &allowed);
    // Duration with optional "off": nullopt on error; "off" → offValue.
    std::optional<json> duration(const Node &n, const QString &what, bool offAllowed, const json &offValue,
                                 int minimum = 0);
    json generic(const Node &n);
    json stringsJson(const QStringList &list);
    qsizetype lineStart(int line); // byte offset of a 1-based line in the source, -1 if none

    // Fields: the top level goes through fields(); one reader per key or group of alike keys.
    void readTopLevel(const Node &key, const Node &value);
    void fieldName(const Node &key, const Node &value);
    void fieldImage(const Node &key, const Node &value);
    void fieldPlainString(const Node &key, const Node &value);
    void fieldWorkingDir(const Node &key, const Node &value);
    void fieldFlag(const Node &key, const Node &value);
    void fieldRegistryAuth(const Node &key, const Node &value);
    void fieldPython(const Node &key, const Node &value);
    void fieldEnv(const Node &key, const Node &value);
    void fieldShell(const Node &key, const Node &value);
    void fieldResources(const Node &key, const Node &value);
    void fieldPriority(const Node &key, const Node &value);
    void fieldVolumes(const Node &key, const Node &value);
    void fieldRepos(const Node &key, const Node &value);
    void fieldFiles(const Node &key, const Node &value);
    void fieldDeprecated(const Node &key, const Node &value);
    void fieldBackends(const Node &key, const Node &value);
    void fieldStringList(const Node &key, const Node &value);
    void fieldEnum(const Node &key, const Node &value);
    void fieldRetry(const Node &key, const Node &value);
    void fieldMaxOrStopDuration(const Node &key, const Node &value);
    void fieldIdleDuration(const Node &key, const Node &value);
    void fieldInactivityDuration(const Node &key, const Node &value);
    void fieldMaxPrice(const Node &key, const Node &value);
    void fieldUtilizationPolicy(const Node &key, const Node &value);
    void fieldSchedule(const Node &key, const Node &value);
    void fieldPlacementList(const Node &key, const Node &value);
    void fieldTags(const Node &key, const Node &value);
    void fieldBackendOptions(const Node &key, const Node &value);
    void fieldPort(const Node &key, const Node &value);
    void fieldPorts(const Node &key, const Node &value);
    void fieldCommands(const Node &key, const Node &value);
    void fieldModel(const Node &key, const Node &value);
    void fieldGateway(const Node &key, const Node &value);
    void fieldHttps(const Node &key, const Node &value);
    void fieldReplicas(const Node &key, const Node &value);
    void fieldScaling(const Node &key, const Node &value);
    void fieldRateLimits(const Node &key, const Node &value);
    void fieldProbes(const Node &key, const Node &value);
    void fieldGroups(const Node &key, const Node &value);
    void fieldNodes(const Node &key, const Node &value);
    void fieldIde(const Node &key, const Node &value);
    void fieldVersion(const Node &key, const Node &value);

    void readPython(const Node &n);
    void readEnv(const Node &n);
    void readCommands(const Node &n, const char *field);
    void readResources(const Node &n);
    void readCpu(const Node &n, ResourcesSpec &r);
    std::optional<Range<int>> countRange(const Node &n, const QString &what, const QStringList &path);
    std::optional<Range<double>> memoryRange(const Node &n, const QString &what, const QStringList &path,
                                             bool unitRequired);
    void readGpu(const Node &n, GpuSpec &gpu);
    void readPort(const Node &n);
    json portMapping(const Node &n, bool service);
    void readModel(const Node &n);
    void readProbes(const Node &n);
    void readProbe(const Node &item, ProbeSpec &p, json &j);
    void readProbeHeaders(const Node &v, ProbeSpec &p, json &j);
    void readReplicas(const Node &n);
    void readScaling(const Node &n);
    void readRetry(const Node &n);
    void readVolumes(const Node &n);
    void readBackends(const Node &n);
    void readGroups(const Node &n);
    void readReplicaGroups(const Node &n);
    bool checkGroupName(const Node &group, QStringList &names, int index);
    void readCommandList(const Node &n, const QString &what);
    void readRateLimits(const Node &n);
    json readObjectList(const Node &n, const QString &what, const QStringList &path, bool stringsAllowed);
    void checkCrossFieldRules();

    QString m_file;
    const QByteArray &m_source;
    Diagnostics &m_out;
    yaml::Document m_doc;
    Configuration m_config;
    const Node *m_typeKey = nullptr;
    std::vector<CommandText> m_commands;
    std::vector<qsizetype> m_lineStarts; // built on first use
    // Where fields were given (for cross-field messages); nullptr = absent.
    const Node *m_imageKey = nullptr, *m_pythonKey = nullptr, *m_dockerKey = nullptr, *m_nvccKey = nullptr,
               *m_commandsKey = nullptr, *m_commandsValue = nullptr, *m_portKey = nullptr, *m_replicasKey = nullptr,
               *m_scalingKey = nullptr, *m_groupsKey = nullptr, *m_versionKey = nullptr, *m_ideKey = nullptr,
               *m_nodesKey = nullptr, *m_portsKey = nullptr, *m_entrypointKey = nullptr;
    bool m_dockerOn = false;
    bool m_replicasRange = false;
    bool m_replicaGroups = false; // replicas: is a list of replica groups
    QStringList m_groupFields; // image/python/spot_policy/reservation set in some replica group
    std::vector<const Node *> m_groupsWithoutCommands; // task node groups without commands
    bool m_unknownKeys = false; // the last checkMap() found a key it does not know
};

} // namespace gantry
