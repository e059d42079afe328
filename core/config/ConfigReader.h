#pragma once

// Walks the YAML tree of one run configuration: checks every key against ConfigSchema,
// applies dstack's grammars and cross-field rules, fills Configuration (typed) and its
// canonical JSON, and reports every problem as a Diagnostic at the offending node.
// Internal to core/config; callers use parseConfiguration().

#include "config/ConfigLints.h"
#include "config/Configuration.h"
#include "config/YamlTree.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace gantry {

// How a node reads in a message: "a mapping", "a list", "empty" or 'its text'.
QString kindName(const yaml::Node &n);

class ConfigReader
{
public:
    ConfigReader(const QString &filePath, const QByteArray &source, Diagnostics &out);
    std::optional<Configuration> read();

private:
    using Node = yaml::Node;
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
    std::optional<json> duration(const Node &n, const QString &what, bool offAllowed, const json &offValue, int minimum = 0);
    json generic(const Node &n);
    json stringsJson(const QStringList &list);
    qsizetype lineStart(int line);  // byte offset of a 1-based line in the source, -1 if none

    // Fields
    void readTopLevel(const Node &key, const Node &value);
    void readPython(const Node &n);
    void readEnv(const Node &n);
    void readCommands(const Node &n, const char *field);
    void readResources(const Node &n);
    void readCpu(const Node &n, ResourcesSpec &r);
    std::optional<Range<int>> countRange(const Node &n, const QString &what, const QStringList &path);
    std::optional<Range<double>> memoryRange(const Node &n, const QString &what, const QStringList &path, bool unitRequired);
    void readGpu(const Node &n, GpuSpec &gpu);
    void readPort(const Node &n);
    json portMapping(const Node &n, bool service);
    void readModel(const Node &n);
    void readProbes(const Node &n);
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
    std::vector<qsizetype> m_lineStarts;  // built on first use
    // Where fields were given (for cross-field messages); nullptr = absent.
    const Node *m_imageKey = nullptr, *m_pythonKey = nullptr, *m_dockerKey = nullptr, *m_nvccKey = nullptr,
               *m_commandsKey = nullptr, *m_commandsValue = nullptr, *m_portKey = nullptr, *m_replicasKey = nullptr, *m_scalingKey = nullptr,
               *m_groupsKey = nullptr, *m_versionKey = nullptr, *m_ideKey = nullptr, *m_nodesKey = nullptr,
               *m_portsKey = nullptr, *m_entrypointKey = nullptr;
    bool m_dockerOn = false;
    bool m_replicasRange = false;
    bool m_replicaGroups = false;              // replicas: is a list of replica groups
    QStringList m_groupFields;                 // image/python/spot_policy/reservation set in some replica group
    std::vector<const Node *> m_groupsWithoutCommands;  // task node groups without commands
    bool m_unknownKeys = false;  // the last checkMap() found a key it does not know
};

} // namespace gantry
