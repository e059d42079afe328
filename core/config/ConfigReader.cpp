// ConfigReader, part 1: typed scalars, the walk over the top level (each key goes to its reader
// in ConfigFields.cpp's table), env, commands and the cross-field rules. The resources section
// and the structured fields live in ConfigReaderResources.cpp and ConfigReaderFields.cpp.

#include "core/config/ConfigReader.h"

#include "core/config/ConfigSchema.h"
#include "core/config/Grammar.h"
#include "core/config/ResourcesGrammar.h"
#include "core/config/Suggestion.h"

#include <QSet>

#include <algorithm>

namespace gantry {

using json = nlohmann::json;

QString kindName(const yaml::Node &n)
{
    switch (n.kind) {
    case yaml::Kind::Map:
        return QStringLiteral("a mapping");
    case yaml::Kind::Sequence:
        return QStringLiteral("a list");
    case yaml::Kind::Null:
        return QStringLiteral("empty");
    case yaml::Kind::Scalar:
        break;
    }
    return n.isNull() ? QStringLiteral("empty") : QStringLiteral("'%1'").arg(n.string());
}

namespace {

// dstack's env name, ^[a-zA-Z_][a-zA-Z0-9_]*$ (models/envs.py) as pydantic matches it: ASCII
// only, and the end is the end (a final newline does not match, as it did with PCRE's `$`).
// By hand rather than a QRegularExpression, whose library the first frame need not load.
bool isEnvName(const QString &key)
{
    auto letter = [](QChar c) { return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || c == u'_'; };
    if (key.isEmpty() || !letter(key.front()))
        return false;
    return std::all_of(key.begin() + 1, key.end(), [&](QChar c) { return letter(c) || (c >= u'0' && c <= u'9'); });
}

// The canonical configuration before any field is read: every key the server echoes for
// this run type, with the value it echoes when the field is absent.
json defaultCanonical(RunType type)
{
    if (type == RunType::Fleet) {
        // dstack's FleetConfiguration (models/fleets.py): no run fields, no profile defaults.
        return {{"type", "fleet"},
                {"name", nullptr},
                {"placement", nullptr},
                {"blocks", 1},
                {"nodes", nullptr},
                {"reservation", nullptr},
                {"resources", nullptr},
                {"backends", nullptr},
                {"regions", nullptr},
                {"availability_zones", nullptr},
                {"instance_types", nullptr},
                {"spot_policy", nullptr},
                {"retry", nullptr},
                {"max_price", nullptr},
                {"idle_duration", nullptr},
                {"tags", nullptr},
                {"backend_options", nullptr},
                {"ssh_config", nullptr},
                {"env", json::object()}};
    }
    json j = {
        {"type", ConfigSchema::runTypeName(type).toStdString()},
        {"name", nullptr},
        {"image", nullptr},
        {"user", nullptr},
        {"privileged", false},
        {"entrypoint", nullptr},
        {"working_dir", nullptr},
        {"registry_auth", nullptr},
        {"python", nullptr},
        {"nvcc", nullptr},
        {"docker", nullptr},
        {"single_branch", nullptr},
        {"env", json::object()},
        {"shell", nullptr},
        {"resources", grammar::toJson(ResourcesSpec{})},
        {"priority", nullptr},
        {"volumes", json::array()},
        {"repos", json::array()},
        {"files", json::array()},
        {"setup", json::array()},
        // profile fields
        {"backends", nullptr},
        {"regions", nullptr},
        {"availability_zones", nullptr},
        {"instance_types", nullptr},
        {"reservation", nullptr},
        {"spot_policy", nullptr},
        {"retry", nullptr},
        {"max_duration", nullptr},
        {"stop_duration", nullptr},
        {"max_price", nullptr},
        {"creation_policy", nullptr},
        {"idle_duration", nullptr},
        {"utilization_policy", nullptr},
        {"startup_order", nullptr},
        {"stop_criteria", nullptr},
        {"schedule", nullptr},
        {"fleets", nullptr},
        {"instances", nullptr},
        {"tags", nullptr},
        {"backend_options", nullptr},
    };
    switch (type) {
    case RunType::Service:
        j.update({{"port", nullptr},
                  {"commands", json::array()},
                  {"model", nullptr},
                  {"gateway", nullptr},
                  {"https", nullptr},
                  {"auth", true},
                  {"strip_prefix", true},
                  {"replicas", nullptr},
                  {"scaling", nullptr},
                  {"rate_limits", json::array()},
                  {"probes", nullptr},
                  {"groups", nullptr}});
        break;
    case RunType::Task:
        j.update({{"nodes", 1}, {"groups", nullptr}, {"ports", json::array()}, {"commands", json::array()}});
        break;
    case RunType::DevEnvironment:
        j.erase("entrypoint");
        j.update({{"ide", nullptr},
                  {"version", nullptr},
                  {"init", json::array()},
                  {"inactivity_duration", nullptr},
                  {"ports", json::array()}});
        break;
    case RunType::Fleet:
        break;
    }
    return j;
}

} // namespace

ConfigReader::ConfigReader(const QString &filePath, const QByteArray &source, Diagnostics &out)
    : m_file(filePath)
    , m_source(source)
    , m_out(out)
{}

// ---------------------------------------------------------------------------------------
// Diagnostics and typed scalars

void ConfigReader::report(int line, int column, Severity severity, const QString &message)
{
    m_out.push_back({m_file, line, column, severity, message});
}

void ConfigReader::error(const Node &at, const QString &message)
{
    report(at.line, at.column, Severity::Error, message);
}

void ConfigReader::warning(const Node &at, const QString &message)
{
    report(at.line, at.column, Severity::Warning, message);
}

bool ConfigReader::checkMap(const Node &node, const QStringList &path, const QString &what)
{
    if (!node.isMap()) {
        error(node, QStringLiteral("%1 must be a mapping of keys to values, not %2").arg(what, kindName(node)));
        return false;
    }
    const QStringList known = ConfigSchema::keysFor(path, m_config.type);
    m_unknownKeys = false;
    for (size_t i = 0; i < node.mapSize(); ++i) {
        const Node &key = node.key(i);
        if (!key.isScalar()) {
            error(key, QStringLiteral("%1 has a key that is not a name").arg(what));
            continue;
        }
        const QString name = key.string();
        if (!known.contains(name)) {
            m_unknownKeys = true;
            error(key, QStringLiteral("unknown key '%1' in %2%3").arg(name, what, didYouMean(name, known)));
        }
    }
    return true;
}

std::optional<QString> ConfigReader::string(const Node &n, const QString &what)
{
    if (!n.isScalar() || n.isNull()) {
        error(n, QStringLiteral("%1 must be a string, not %2").arg(what, kindName(n)));
        return std::nullopt;
    }
    return n.string();
}

std::optional<bool> ConfigReader::boolean(const Node &n, const QString &what)
{
    bool v = false;
    if (n.isScalar() && n.plain && yaml::isBoolWord(n.text, &v))
        return v;
    error(n, QStringLiteral("%1 must be true or false, not %2").arg(what, kindName(n)));
    return std::nullopt;
}

std::optional<long long> ConfigReader::integer(const Node &n, const QString &what)
{
    long long v = 0;
    if (n.isScalar() && yaml::isIntWord(n.text, &v))
        return v;
    error(n, QStringLiteral("%1 must be a whole number, not %2").arg(what, kindName(n)));
    return std::nullopt;
}

std::optional<double> ConfigReader::number(const Node &n, const QString &what)
{
    long long i = 0;
    double d = 0;
    if (n.isScalar() && yaml::isIntWord(n.text, &i))
        return double(i);
    if (n.isScalar() && yaml::isFloatWord(n.text, &d))
        return d;
    error(n, QStringLiteral("%1 must be a number, not %2").arg(what, kindName(n)));
    return std::nullopt;
}

std::optional<QStringList> ConfigReader::stringList(const Node &n, const QString &what)
{
    if (!n.isSequence()) {
        error(n, QStringLiteral("%1 must be a list of strings, not %2").arg(what, kindName(n)));
        return std::nullopt;
    }
    QStringList out;
    bool ok = true;
    for (const Node *item : n.children) {
        if (!item->isScalar() || item->isNull()) {
            error(*item, QStringLiteral("%1 must be a list of strings; this item is %2").arg(what, kindName(*item)));
            ok = false;
            continue;
        }
        out << item->string();
    }
    return ok ? std::optional<QStringList>(out) : std::nullopt;
}

std::optional<QString> ConfigReader::oneOf(const Node &n, const QString &what, const QStringList &allowed)
{
    if (n.isScalar() && allowed.contains(n.string()))
        return n.string();
    const QString given = n.isScalar() ? n.string() : QString();
    error(n, QStringLiteral("%1 must be one of %2, not %3%4")
                 .arg(what, allowed.join(QStringLiteral(", ")), kindName(n), didYouMean(given, allowed)));
    return std::nullopt;
}

std::optional<json> ConfigReader::duration(const Node &n, const QString &what, bool offAllowed, const json &offValue,
                                           int minimum)
{
    bool flag = false;
    if (n.isScalar() && offAllowed) {
        if (n.text == "off" || (n.plain && yaml::isBoolWord(n.text, &flag) && !flag))
            return offValue;
        if (n.plain && yaml::isBoolWord(n.text, &flag) && flag)
            return json(nullptr); // `true` = the default
    }
    if (!n.isScalar() || n.isNull()) {
        error(n, QStringLiteral("%1 must be a duration such as 30s, 5m or 2h%2, not %3")
                     .arg(what, offAllowed ? QStringLiteral(" (or off)") : QString(), kindName(n)));
        return std::nullopt;
    }
    QString why;
    const auto seconds = grammar::parseDuration(n.text, &why);
    if (!seconds) {
        error(n, QStringLiteral("%1: %2").arg(what, why));
        return std::nullopt;
    }
    if (*seconds < minimum) {
        error(n, QStringLiteral("%1 must be at least %2 seconds").arg(what).arg(minimum));
        return std::nullopt;
    }
    return json(*seconds);
}

json ConfigReader::generic(const Node &n)
{
    switch (n.kind) {
    case yaml::Kind::Null:
        return nullptr;
    case yaml::Kind::Sequence: {
        json a = json::array();
        for (const Node *item : n.children)
            a.push_back(generic(*item));
        return a;
    }
    case yaml::Kind::Map: {
        json o = json::object();
        for (size_t i = 0; i < n.mapSize(); ++i)
            o[n.key(i).text] = generic(n.value(i));
        return o;
    }
    case yaml::Kind::Scalar:
        break;
    }
    if (!n.plain)
        return n.text;
    bool b = false;
    long long i = 0;
    double d = 0;
    if (n.isNull())
        return nullptr;
    if (yaml::isBoolWord(n.text, &b))
        return b;
    if (yaml::isIntWord(n.text, &i))
        return i;
    if (yaml::isFloatWord(n.text, &d))
        return d;
    return n.text;
}

qsizetype ConfigReader::lineStart(int line)
{
    if (m_lineStarts.empty()) {
        m_lineStarts.push_back(0);
        for (qsizetype i = 0; i < m_source.size(); ++i) {
            if (m_source[i] == '\n')
                m_lineStarts.push_back(i + 1);
        }
    }
    return line >= 1 && size_t(line) <= m_lineStarts.size() ? m_lineStarts[size_t(line) - 1] : -1;
}

json ConfigReader::stringsJson(const QStringList &list)
{
    json a = json::array();
    for (const QString &s : list)
        a.push_back(s.toStdString());
    return a;
}

// ---------------------------------------------------------------------------------------
// The whole file

std::optional<Configuration> ConfigReader::read()
{
    yaml::parse(m_source, m_doc);
    for (const yaml::Problem &p : m_doc.problems)
        report(p.line, p.column, p.warning ? Severity::Warning : Severity::Error, p.message);
    if (m_doc.fatal)
        return std::nullopt;
    const Node *root = m_doc.root;
    if (!root || root->isNull()) {
        report(1, 1, Severity::Error,
               QStringLiteral(
                   "the file is empty: a configuration needs at least `type: service` (or task, dev-environment)"));
        return std::nullopt;
    }
    if (!root->isMap()) {
        error(*root, QStringLiteral(
                         "a configuration must be a YAML mapping of keys to values (such as `type: service`), not %1")
                         .arg(kindName(*root)));
        return std::nullopt;
    }
    m_config.filePath = m_file;

    const Node *typeValue = nullptr;
    for (size_t i = 0; i < root->mapSize(); ++i) {
        if (root->key(i).isScalar() && root->key(i).text == "type") {
            m_typeKey = &root->key(i);
            typeValue = &root->value(i);
        }
    }
    if (!typeValue) {
        error(*root,
              QStringLiteral("missing `type`: add `type: service` (or task, dev-environment) as the first line"));
        return std::nullopt;
    }
    const QString typeName = typeValue->isScalar() ? typeValue->string() : QString();
    const auto type = ConfigSchema::runTypeFromName(typeName);
    if (!type) {
        static const QStringList others = {QStringLiteral("gateway"), QStringLiteral("volume"),
                                           QStringLiteral("preset")};
        if (others.contains(typeName))
            error(*typeValue, QStringLiteral("this is a %1 configuration; Gantry applies service, task, "
                                             "dev-environment and fleet configurations")
                                  .arg(typeName));
        else
            error(*typeValue, QStringLiteral("`type` must be service, task, dev-environment or fleet, not %1%2")
                                  .arg(kindName(*typeValue), didYouMean(typeName, ConfigSchema::runTypeNames())));
        return std::nullopt;
    }
    m_config.type = *type;
    m_config.typeName = typeName;
    m_config.canonical = defaultCanonical(*type);

    const QStringList known = ConfigSchema::keysFor({}, *type);
    for (size_t i = 0; i < root->mapSize(); ++i) {
        const Node &key = root->key(i);
        const Node &value = root->value(i);
        if (!key.isScalar() || key.isNull()) {
            error(key, QStringLiteral("a top-level key must be a plain name"));
            continue;
        }
        const QString name = key.string();
        if (!known.contains(name)) {
            const QStringList elsewhere = ConfigSchema::runTypesAccepting(name);
            QString message = QStringLiteral("unknown key '%1' in a %2 configuration").arg(name, typeName);
            if (!elsewhere.isEmpty())
                message = QStringLiteral("'%1' is not allowed in a %2 (only in: %3)")
                              .arg(name, typeName, elsewhere.join(QStringLiteral(", ")));
            error(key, message + didYouMean(name, known));
            continue;
        }
        readTopLevel(key, value);
    }
    checkCrossFieldRules();
    lintCommands(m_config, m_commands, m_out);
    return m_config;
}

// ---------------------------------------------------------------------------------------
// Top-level fields

void ConfigReader::readTopLevel(const Node &key, const Node &value)
{
    const QString name = key.string();
    if (name == QLatin1String("type"))
        return;
    if (value.isNull() && value.plain)
        return; // `key:` with nothing after it is "not set"; the cross-field rules say what is missing
    if (!m_config.writtenKeys.contains(name))
        m_config.writtenKeys.append(name);
    for (const Field &field : fields()) {
        if ((field.types & typeBit(m_config.type)) && name == QLatin1String(field.key)) {
            (this->*field.read)(key, value);
            return;
        }
    }
}

void ConfigReader::readPython(const Node &n)
{
    if (n.isNull())
        return;
    const QStringList versions = ConfigSchema::valuesFor({QStringLiteral("python")});
    QString v = n.isScalar() ? n.string() : QString();
    double d = 0;
    // YAML 1.1 reads 3.10 as the float 3.1; dstack maps it back to "3.10".
    if (n.isScalar() && n.plain && yaml::isFloatWord(n.text, &d) && v == QLatin1String("3.1"))
        v = QStringLiteral("3.10");
    if (!versions.contains(v)) {
        error(n, QStringLiteral("python must be one of %1 (quote it: python: \"3.11\"), not %2")
                     .arg(versions.join(QStringLiteral(", ")), kindName(n)));
        return;
    }
    m_config.python = v;
    m_config.canonical["python"] = v.toStdString();
}

void ConfigReader::readEnv(const Node &n)
{
    json out = json::object();
    QSet<QString> seen;
    // The list form must match dstack's pattern; a mapping may use any key (dstack passes it on),
    // which a shell cannot expand: a warning, not an error.
    auto add = [&](const Node &at, const QString &key, std::optional<QString> value, bool listForm) {
        if (!isEnvName(key)) {
            if (listForm || key.isEmpty()) {
                error(at,
                      QStringLiteral("env name '%1' is invalid: use letters, digits and '_', not starting with a digit")
                          .arg(key));
                return;
            }
            warning(at,
                    QStringLiteral(
                        "env name '%1' is not a shell variable name: programs can read it, but $%1 in a shell cannot")
                        .arg(key));
        }
        if (seen.contains(key)) {
            error(at, QStringLiteral("env variable %1 is defined twice; keep one").arg(key));
            return;
        }
        seen.insert(key);
        m_config.env.push_back({key, value});
        out[key.toStdString()] = value ? json(value->toStdString()) : json{{"key", key.toStdString()}};
    };
    if (n.isSequence()) {
        for (const Node *item : n.children) {
            if (item->isMap()) {
                error(*item, QStringLiteral("env list items are strings: write `- KEY=value`, not `- KEY: value`"));
                continue;
            }
            if (!item->isScalar() || item->isNull()) {
                error(*item,
                      QStringLiteral("env list items must be \"KEY=value\" or \"KEY\", not %1").arg(kindName(*item)));
                continue;
            }
            const QString text = item->string();
            const qsizetype eq = text.indexOf(QLatin1Char('='));
            if (eq < 0)
                add(*item, text, std::nullopt, true);
            else
                add(*item, text.left(eq), text.mid(eq + 1), true);
        }
    } else if (n.isMap()) {
        for (size_t i = 0; i < n.mapSize(); ++i) {
            const Node &key = n.key(i);
            const Node &value = n.value(i);
            bool b = false;
            if (value.isNull() && value.plain) {
                error(key,
                      QStringLiteral(
                          "env %1 has no value: give one, or use the list form `- %1` to take it from your environment")
                          .arg(key.string()));
            } else if (value.isScalar() && value.plain && yaml::isBoolWord(value.text, &b)) {
                error(value, QStringLiteral("env %1 is a boolean; quote it (\"%2\") to pass it as text")
                                 .arg(key.string(), value.string()));
            } else if (!value.isScalar()) {
                error(value,
                      QStringLiteral("env %1 must be a string or a number, not %2").arg(key.string(), kindName(value)));
            } else {
                add(key, key.string(), value.string(), false);
            }
        }
    } else {
        error(n, QStringLiteral("env must be a list of KEY=value strings or a mapping, not %1").arg(kindName(n)));
        return;
    }
    m_config.canonical["env"] = out;
}

void ConfigReader::readCommands(const Node &n, const char *field)
{
    const QString what = QLatin1String(field);
    if (!n.isSequence()) {
        error(n,
              QStringLiteral("%1 must be a list of shell commands (one per `- ` line), not %2").arg(what, kindName(n)));
        return;
    }
    json out = json::array();
    QStringList list;
    for (const Node *item : n.children) {
        if (item->isMap()) {
            error(*item,
                  QStringLiteral("this command contains ': ', so YAML read it as a mapping; quote the whole command"));
            continue;
        }
        if (!item->isScalar() || item->isNull()) {
            error(*item, QStringLiteral("%1 items must be strings, not %2").arg(what, kindName(*item)));
            continue;
        }
        const QString text = item->string();
        list << text;
        out.push_back(item->text);
        if (qstrcmp(field, "commands") == 0) {
            CommandText command{text, item->line, item->column, false};
            // Map offsets in the command to columns when its text sits on one line of the file.
            if (!text.contains(QLatin1Char('\n'))) {
                const qsizetype start = lineStart(item->line);
                const qsizetype at = start < 0 ? -1 : start + item->column - 1;
                if (at >= 0 && at < m_source.size()) {
                    const char c = m_source[at];
                    if (item->plain || c == '\'' || c == '"') {
                        command.mappable = !text.contains(QLatin1Char('\\')) && !text.contains(QLatin1String("''"));
                        if (!item->plain)
                            command.column += 1;
                    }
                }
            }
            m_commands.push_back(command);
        }
    }
    if (qstrcmp(field, "commands") == 0)
        m_config.commands = list;
    m_config.canonical[field] = out;
}

// ---------------------------------------------------------------------------------------
// Rules between fields (docs/reference/dstack-configuration.md#cross-field-rules)

void ConfigReader::checkCrossFieldRules()
{
    const Configuration &c = m_config;
    if (c.isFleet()) {
        checkFleetRules();
        return;
    }
    const bool runsCommands = c.type == RunType::Service || c.type == RunType::Task;
    // Given but broken commands were reported where they are; only absent or empty ones count here.
    const bool commandsWritten =
        m_commandsValue && !(m_commandsValue->isSequence() && m_commandsValue->children.empty());
    if (runsCommands && !m_groupsKey && !m_replicaGroups && !commandsWritten && !c.image) {
        error(m_commandsKey ? *m_commandsKey : *m_typeKey,
              QStringLiteral("a %1 needs `commands` (what to run) or `image` (whose entrypoint runs)").arg(c.typeName));
    }
    if (c.type == RunType::Service && !m_portKey)
        error(*m_typeKey, QStringLiteral("a service needs `port`: the port your app listens on (e.g. port: 8000)"));
    if (m_imageKey && m_pythonKey && c.python) {
        error(*m_pythonKey,
              QStringLiteral(
                  "`python` cannot be used together with `image`: drop `python: \"%1\"` (the image brings its own "
                  "Python), or drop `image: %2` to use dstack's default image with Python %1")
                  .arg(*c.python, c.image.value_or(QString())));
    }
    if (m_dockerOn) {
        for (const Node *other : {m_imageKey, m_pythonKey, m_nvccKey}) {
            if (other)
                error(*other, QStringLiteral("`%1` cannot be used with `docker: true` (Docker-in-Docker uses its own "
                                             "image); drop one of them")
                                  .arg(other->string()));
        }
    }
    if (m_replicasRange && !m_scalingKey)
        error(*m_replicasKey,
              QStringLiteral(
                  "a replicas range needs `scaling` (e.g. scaling: {metric: rps, target: 10}); or give one number"));
    if (m_scalingKey && !m_replicasRange && !m_replicaGroups)
        error(*m_scalingKey, QStringLiteral("`scaling` needs replicas as a range such as replicas: 0..4"));
    if (m_replicaGroups) {
        if (m_scalingKey)
            error(*m_scalingKey, QStringLiteral("`scaling` cannot be used at the top level when `replicas` is a list "
                                                "of groups: set it inside the group"));
        if (m_commandsKey && commandsWritten)
            error(*m_commandsKey, QStringLiteral("`commands` cannot be used at the top level when `replicas` is a list "
                                                 "of groups: set them inside each group"));
        for (const QString &field : std::as_const(m_groupFields)) {
            const auto it = c.canonical.find(field.toStdString());
            if (it != c.canonical.end() && !it->is_null())
                error(
                    *m_replicasKey,
                    QStringLiteral("`%1` is set both at the service level and in a replica group; set it in one place")
                        .arg(field));
        }
    }
    if (m_groupsKey) {
        if (m_nodesKey)
            error(*m_nodesKey, QStringLiteral("`nodes` cannot be used with `groups`: set nodes inside each group"));
        if (m_commandsKey && commandsWritten)
            error(
                *m_commandsKey,
                QStringLiteral("`commands` cannot be used at the top level with `groups`: set them inside each group"));
        if (m_portsKey)
            error(*m_portsKey,
                  QStringLiteral("`ports` cannot be used at the top level with `groups`: set them inside each group"));
        if (m_entrypointKey)
            error(*m_entrypointKey, QStringLiteral("`entrypoint` cannot be used with `groups`"));
        if (!m_imageKey)
            for (const Node *group : m_groupsWithoutCommands)
                error(*group, QStringLiteral("this node group needs `commands` (or an `image` for the whole task)"));
    }
    if (m_versionKey && !m_ideKey)
        error(*m_versionKey, QStringLiteral("`version` needs `ide`"));
}

} // namespace gantry
