// ConfigReader, part 5: the fields only a fleet has (dstack 0.21.2's FleetConfiguration in
// core/models/fleets.py): `nodes` as a number, a range or {min, target, max}; `blocks`; and an
// SSH fleet's `ssh_config`. dstack checks `nodes` in a model validator that reports no
// location, so the line:col of "max must not be less than min" comes from here.
//
// Hosts, proxies and key files are data only: nothing here connects anywhere or reads a file
// (the key is read when the fleet is applied; see DstackFleetRequests).

#include "core/config/ConfigReader.h"

#include "core/common/IpAddress.h"
#include "core/config/ConfigSchema.h"

#include <algorithm>

namespace gantry {

using json = nlohmann::json;

namespace {

// A plain YAML scalar that PyYAML types as a number or a boolean: pydantic's `str` refuses it.
bool typedScalar(const yaml::Node &n)
{
    long long i = 0;
    double d = 0;
    bool b = false;
    return n.isScalar() && n.plain &&
           (yaml::isIntWord(n.text, &i) || yaml::isFloatWord(n.text, &d) || yaml::isBoolWord(n.text, &b));
}

} // namespace

// nodes (fleets): 2 → {min 2, max 2}; "0..2"; "1.." ; {min, target, max}.
void ConfigReader::fieldFleetNodes(const Node &key, const Node &value)
{
    m_nodesKey = &key;
    json &out = m_config.canonical["nodes"];
    std::optional<long long> min = 0, target, max;
    auto whole = [this](const Node &n, const QString &text, const QString &what) -> std::optional<long long> {
        long long v = 0;
        if (yaml::isIntWord(text.trimmed().toStdString(), &v))
            return v;
        error(n, QStringLiteral("%1 must be a whole number, not '%2'").arg(what, text));
        return std::nullopt;
    };
    if (value.isMap()) {
        if (!checkMap(value, {QStringLiteral("nodes")}, QStringLiteral("nodes")))
            return;
        for (const char *field : {"min", "target", "max"}) {
            const Node *n = value.find(field);
            if (!n || n->isNull())
                continue;
            if (!n->isScalar()) {
                error(
                    *n,
                    QStringLiteral("nodes.%1 must be a whole number, not %2").arg(QLatin1String(field), kindName(*n)));
                return;
            }
            const auto v = whole(*n, n->string(), QStringLiteral("nodes.%1").arg(QLatin1String(field)));
            if (!v)
                return;
            (qstrcmp(field, "min") == 0 ? min : qstrcmp(field, "target") == 0 ? target : max) = *v;
        }
    } else if (value.isScalar()) {
        const QString text = value.string();
        if (text.contains(QLatin1String(".."))) {
            const QString compact = QString(text).remove(QLatin1Char(' '));
            const qsizetype dots = compact.indexOf(QLatin1String(".."));
            const QString left = compact.left(dots), right = compact.mid(dots + 2);
            if (!left.isEmpty() && !(min = whole(value, left, QStringLiteral("nodes"))))
                return;
            if (!right.isEmpty() && !(max = whole(value, right, QStringLiteral("nodes"))))
                return;
        } else {
            min = whole(value, text, QStringLiteral("nodes"));
            if (!min)
                return;
            max = min;
        }
    } else {
        error(value,
              QStringLiteral("nodes must be a number of instances, a range such as 0..2, or {min, target, max}, not %1")
                  .arg(kindName(value)));
        return;
    }
    if (*min < 0) {
        error(value, QStringLiteral("nodes: min cannot be negative"));
        return;
    }
    const long long t = target.value_or(*min);
    if (t < *min) {
        error(value, QStringLiteral("nodes: target (%1) must not be less than min (%2)").arg(t).arg(*min));
        return;
    }
    if (max && *max < *min) {
        error(value, QStringLiteral("nodes: max (%1) must not be less than min (%2); write the range as min..max")
                         .arg(*max)
                         .arg(*min));
        return;
    }
    if (max && *max < t) {
        error(value, QStringLiteral("nodes: max (%1) must not be less than target (%2)").arg(*max).arg(t));
        return;
    }
    // As dstack serialises FleetNodesSpec: target only when it differs from min.
    out = {{"min", *min}, {"max", max ? json(*max) : json(nullptr)}};
    if (t != *min)
        out["target"] = t;
}

std::optional<json> ConfigReader::readBlocks(const Node &n)
{
    long long v = 0;
    if (n.isScalar() && n.text == "auto")
        return json("auto");
    if (n.isScalar() && yaml::isIntWord(n.text, &v)) {
        if (v >= 1)
            return json(v);
        error(n, QStringLiteral("blocks must be at least 1 (or auto), not %1").arg(v));
        return std::nullopt;
    }
    error(n, QStringLiteral("blocks must be a whole number of blocks per instance, or auto, not %1").arg(kindName(n)));
    return std::nullopt;
}

void ConfigReader::fieldBlocks(const Node &key, const Node &value)
{
    Q_UNUSED(key);
    if (auto v = readBlocks(value))
        m_config.canonical["blocks"] = *v;
}

std::optional<long long> ConfigReader::readSshPort(const Node &n, const QString &what)
{
    auto v = integer(n, what);
    if (v && (*v < 1 || *v > 65535)) {
        warning(n, QStringLiteral("%1 %2 is not a TCP port (1..65535): connecting will fail").arg(what).arg(*v));
    }
    return v;
}

// {public, private}: what the client fills from identity_file; accepted when written, as dstack does.
json ConfigReader::readSshKey(const Node &n, const QStringList &path)
{
    const QString what = path.join(QLatin1Char('.'));
    if (!checkMap(n, path, what))
        return nullptr;
    json out = json::object();
    for (size_t i = 0; i < n.mapSize(); ++i) {
        const Node &v = n.value(i);
        if (v.isNull())
            continue;
        if (auto s = string(v, what + QLatin1Char('.') + n.key(i).string()))
            out[n.key(i).text] = s->toStdString();
    }
    if (!n.find("public") || n.find("public")->isNull())
        error(n, QStringLiteral("%1 needs `public`").arg(what));
    return out;
}

// The string fields of ssh_config objects: pydantic's `str` refuses numbers and booleans.
namespace {
const char *const kSshStrings[] = {"user", "identity_file", "hostname", "internal_ip", "network"};
}

json ConfigReader::readProxyJump(const Node &n, const QStringList &path)
{
    const QString what = path.join(QLatin1Char('.'));
    if (!checkMap(n, path, what))
        return nullptr;
    json out = json::object();
    for (size_t i = 0; i < n.mapSize(); ++i) {
        const std::string &k = n.key(i).text;
        const Node &v = n.value(i);
        if (v.isNull())
            continue;
        if (k == "port") {
            if (auto p = readSshPort(v, what + QStringLiteral(".port")))
                out["port"] = *p;
        } else if (k == "ssh_key") {
            out["ssh_key"] = readSshKey(v, path + QStringList{QStringLiteral("ssh_key")});
        } else if (std::find(std::begin(kSshStrings), std::end(kSshStrings), k) != std::end(kSshStrings)) {
            if (typedScalar(v))
                error(v,
                      QStringLiteral("%1.%2 must be text: quote it (\"%3\")").arg(what, n.key(i).string(), v.string()));
            else if (auto s = string(v, what + QLatin1Char('.') + n.key(i).string()))
                out[k] = s->toStdString();
        }
    }
    for (const char *required : {"hostname", "user", "identity_file"}) {
        const Node *v = n.find(required);
        if (!v || v->isNull())
            error(n, QStringLiteral("%1 needs `%2`").arg(what, QLatin1String(required)));
    }
    return out;
}

json ConfigReader::readSshHost(const Node &n)
{
    const QStringList path = {QStringLiteral("ssh_config"), QStringLiteral("hosts")};
    if (n.isScalar() && !n.isNull()) {
        if (typedScalar(n))
            error(n,
                  QStringLiteral("a host must be a hostname or an address as text: quote it (\"%1\")").arg(n.string()));
        return n.string().toStdString();
    }
    if (!n.isMap()) {
        error(n, QStringLiteral("a host must be a hostname or {hostname, port, user, identity_file, …}, not %1")
                     .arg(kindName(n)));
        return nullptr;
    }
    if (!checkMap(n, path, QStringLiteral("a host")))
        return nullptr;
    json out = json::object();
    for (size_t i = 0; i < n.mapSize(); ++i) {
        const std::string &k = n.key(i).text;
        const Node &v = n.value(i);
        const QString what = QStringLiteral("host ") + n.key(i).string();
        if (v.isNull())
            continue;
        if (k == "port") {
            if (auto p = readSshPort(v, what))
                out["port"] = *p;
        } else if (k == "blocks") {
            if (auto b = readBlocks(v))
                out["blocks"] = *b;
        } else if (k == "proxy_jump") {
            out["proxy_jump"] = readProxyJump(v, path + QStringList{QStringLiteral("proxy_jump")});
        } else if (k == "ssh_key") {
            out["ssh_key"] = readSshKey(v, path + QStringList{QStringLiteral("ssh_key")});
        } else if (typedScalar(v)) {
            error(v, QStringLiteral("%1 must be text: quote it (\"%2\")").arg(what, v.string()));
        } else if (auto s = string(v, what)) {
            if (k == "internal_ip") {
                // dstack: ipaddress.ip_address(value).is_private.
                const std::optional<IpAddress> address = parseIpAddress(*s);
                if (!address) {
                    error(v, QStringLiteral("internal_ip '%1' is not an IP address").arg(*s));
                    continue;
                }
                if (!address->isPrivate()) {
                    error(v, QStringLiteral("internal_ip %1 is not a private address (10.x, 172.16–31.x, 192.168.x, …)")
                                 .arg(*s));
                    continue;
                }
            }
            out[k] = s->toStdString();
        }
    }
    const Node *hostname = n.find("hostname");
    if (!hostname || hostname->isNull())
        error(n, QStringLiteral("a host given as an object needs `hostname`"));
    return out;
}

void ConfigReader::fieldSshConfig(const Node &key, const Node &value)
{
    m_sshConfigKey = &key;
    const QStringList path = {QStringLiteral("ssh_config")};
    if (!checkMap(value, path, QStringLiteral("ssh_config")))
        return;
    json out = json::object();
    for (size_t i = 0; i < value.mapSize(); ++i) {
        const std::string &k = value.key(i).text;
        const Node &v = value.value(i);
        const QString what = QStringLiteral("ssh_config.") + value.key(i).string();
        if (v.isNull())
            continue;
        if (k == "port") {
            if (auto p = readSshPort(v, what))
                out["port"] = *p;
        } else if (k == "proxy_jump") {
            out["proxy_jump"] = readProxyJump(v, path + QStringList{QStringLiteral("proxy_jump")});
        } else if (k == "ssh_key") {
            out["ssh_key"] = readSshKey(v, path + QStringList{QStringLiteral("ssh_key")});
        } else if (k == "hosts") {
            if (!v.isSequence()) {
                error(v, QStringLiteral("ssh_config.hosts must be a list of hostnames or host objects, not %1")
                             .arg(kindName(v)));
                continue;
            }
            json hosts = json::array();
            for (const Node *item : v.children)
                hosts.push_back(readSshHost(*item));
            out["hosts"] = hosts;
        } else if (typedScalar(v)) {
            error(v, QStringLiteral("%1 must be text: quote it (\"%2\")").arg(what, v.string()));
        } else if (auto s = string(v, what)) {
            if (k == "network") {
                // dstack: ipaddress.ip_network(value, strict=False).is_private.
                const std::optional<IpNetwork> network = parseIpNetwork(*s);
                if (!network) {
                    error(v, QStringLiteral("ssh_config.network '%1' is not a network such as 10.0.0.0/24").arg(*s));
                    continue;
                }
                if (!network->isPrivate()) {
                    error(v, QStringLiteral("ssh_config.network %1 is public; dstack needs the hosts' private network")
                                 .arg(*s));
                    continue;
                }
            }
            out[k] = s->toStdString();
        }
    }
    const Node *hosts = value.find("hosts");
    if (!hosts || hosts->isNull())
        error(value,
              QStringLiteral("ssh_config needs `hosts`: the machines to add (hostnames or {hostname, port, …})"));
    m_config.canonical["ssh_config"] = out;
}

// Rules between a fleet's fields that dstack's model leaves to its server.
void ConfigReader::checkFleetRules()
{
    if (m_sshConfigKey && m_nodesKey)
        warning(*m_nodesKey,
                QStringLiteral(
                    "`nodes` is for cloud fleets; an SSH fleet has one instance per host in `ssh_config.hosts`"));
}

} // namespace gantry
