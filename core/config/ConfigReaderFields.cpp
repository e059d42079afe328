// ConfigReader, part 3: structured fields — port(s), model, probes, replicas and scaling,
// retry, volumes, backends, rate limits, groups (docs/reference/dstack-configuration.md).

#include "core/config/ConfigReader.h"

#include "core/config/ConfigSchema.h"
#include "core/config/Grammar.h"
#include "core/config/ResourcesGrammar.h"
#include "core/config/Suggestion.h"

#include <QRegularExpression>

#include <unordered_set>

namespace gantry {

using json = nlohmann::json;

namespace {

bool isAbsolutePath(const QString &p)
{
    return p.startsWith(QLatin1Char('/')) && !p.split(QLatin1Char('/')).contains(QStringLiteral(".."));
}

} // namespace

// ---------------------------------------------------------------------------------------
// Service fields

json ConfigReader::portMapping(const Node &n, bool service)
{
    auto valid = [&](long long p, const Node &at) {
        if (p < 1 || p > 65535) {
            error(at, QStringLiteral("port %1 is out of range: use 1 to 65535").arg(p));
            return false;
        }
        return true;
    };
    long long number = 0;
    if (n.isScalar() && yaml::isIntWord(n.text, &number)) {
        if (!valid(number, n))
            return nullptr;
        if (service)
            m_config.containerPort = int(number);
        return {{"local_port", service ? json(80) : json(number)}, {"container_port", number}};
    }
    if (n.isScalar() && !n.isNull()) {
        const QString text = n.string().remove(QLatin1Char(' '));
        const QStringList sides = text.split(QLatin1Char(':'));
        bool okLocal = false, okContainer = false;
        const long long container = sides.size() == 2 ? sides[1].toLongLong(&okContainer) : 0;
        const long long local = sides.size() == 2 ? sides[0].toLongLong(&okLocal) : 0;
        if (sides.size() == 2 && sides[0] == QLatin1String("*") && okContainer) {
            if (service) {
                error(n, QStringLiteral("'*:%1' is not allowed for a service port: write port: %1").arg(container));
                return nullptr;
            }
            if (!valid(container, n))
                return nullptr;
            return {{"local_port", nullptr}, {"container_port", container}};
        }
        if (sides.size() == 2 && okLocal && okContainer) {
            if (!valid(local, n) || !valid(container, n))
                return nullptr;
            if (service)
                m_config.containerPort = int(container);
            return {{"local_port", local}, {"container_port", container}};
        }
        error(n, QStringLiteral(
                     "port %1 must be a number (the port the app listens on), \"A:B\" or {local_port, container_port}")
                     .arg(kindName(n)));
        return nullptr;
    }
    if (n.isMap()) {
        if (!checkMap(n, {service ? QStringLiteral("port") : QStringLiteral("ports")}, QStringLiteral("port")))
            return nullptr;
        const Node *c = n.find("container_port");
        if (!c) {
            if (!m_unknownKeys)
                error(n, QStringLiteral("port needs `container_port` (the port the app listens on)"));
            return nullptr;
        }
        const auto container = integer(*c, QStringLiteral("container_port"));
        if (!container || !valid(*container, *c))
            return nullptr;
        json local = 80;
        if (const Node *l = n.find("local_port"); l && !l->isNull()) {
            const auto lp = integer(*l, QStringLiteral("local_port"));
            if (!lp || !valid(*lp, *l))
                return nullptr;
            local = *lp;
        } else if (!service) {
            local = *container;
        }
        if (service)
            m_config.containerPort = int(*container);
        return {{"local_port", local}, {"container_port", *container}};
    }
    error(n, QStringLiteral("port must be a number, \"A:B\" or {local_port, container_port}, not %1").arg(kindName(n)));
    return nullptr;
}

void ConfigReader::readPort(const Node &n)
{
    const json p = portMapping(n, true);
    if (!p.is_null())
        m_config.canonical["port"] = p;
}

void ConfigReader::readModel(const Node &n)
{
    if (n.isNull())
        return;
    ModelSpec model;
    if (n.isScalar()) {
        model.name = n.string();
    } else if (checkMap(n, {QStringLiteral("model")}, QStringLiteral("model"))) {
        const Node *format = n.find("format");
        if (!format) {
            if (!m_unknownKeys)
                error(n,
                      QStringLiteral(
                          "model needs `format: openai` (an OpenAI-compatible server such as vLLM) or `format: tgi`"));
            return;
        }
        const auto f = oneOf(*format, QStringLiteral("model.format"),
                             ConfigSchema::valuesFor({QStringLiteral("model"), QStringLiteral("format")}));
        if (!f)
            return;
        model.format = *f;
        if (const Node *type = n.find("type")) {
            if (!oneOf(*type, QStringLiteral("model.type"),
                       ConfigSchema::valuesFor({QStringLiteral("model"), QStringLiteral("type")})))
                return;
        }
        const Node *name = n.find("name");
        if (!name) {
            error(n, QStringLiteral("model needs `name`: the model name clients send"));
            return;
        }
        const auto s = string(*name, QStringLiteral("model.name"));
        if (!s)
            return;
        model.name = *s;
        const bool openai = model.format == QLatin1String("openai");
        for (const char *field : {"prefix", "chat_template", "eos_token"}) {
            const Node *v = n.find(field);
            if (!v)
                continue;
            const bool allowed = (qstrcmp(field, "prefix") == 0) == openai;
            if (!allowed) {
                error(*v, QStringLiteral("model.%1 is only valid with format: %2")
                              .arg(QLatin1String(field), openai ? QStringLiteral("tgi") : QStringLiteral("openai")));
                return;
            }
            const auto text = string(*v, QStringLiteral("model.") + QLatin1String(field));
            if (!text)
                return;
            if (qstrcmp(field, "prefix") == 0)
                model.prefix = *text;
        }
        json j = {{"type", "chat"}, {"name", model.name.toStdString()}, {"format", model.format.toStdString()}};
        if (openai) {
            j["prefix"] = model.prefix.toStdString();
        } else {
            j["chat_template"] = n.find("chat_template") ? json(n.find("chat_template")->text) : json(nullptr);
            j["eos_token"] = n.find("eos_token") ? json(n.find("eos_token")->text) : json(nullptr);
        }
        m_config.model = model;
        m_config.canonical["model"] = j;
        return;
    } else {
        return;
    }
    m_config.model = model;
    m_config.canonical["model"] = {{"type", "chat"},
                                   {"name", model.name.toStdString()},
                                   {"format", "openai"},
                                   {"prefix", "/v1"}};
}

void ConfigReader::readProbes(const Node &n)
{
    if (n.isNull())
        return;
    if (!n.isSequence()) {
        error(n, QStringLiteral("probes must be a list of probes (or [] to disable them), not %1").arg(kindName(n)));
        return;
    }
    const QStringList path = {QStringLiteral("probes")};
    std::vector<ProbeSpec> probes;
    json out = json::array();
    std::unordered_set<std::string> seen;
    if (n.children.size() > 10)
        error(*n.children[10], QStringLiteral("at most 10 probes are allowed"));
    for (const Node *item : n.children) {
        if (!checkMap(*item, path, QStringLiteral("a probe")))
            continue;
        ProbeSpec p;
        json j = {{"type", "http"},           {"url", nullptr},         {"method", nullptr},
                  {"headers", json::array()}, {"body", nullptr},        {"timeout", nullptr},
                  {"interval", nullptr},      {"ready_after", nullptr}, {"until_ready", nullptr}};
        readProbe(*item, p, j);
        // Compared by their canonical text: comparing each with every earlier one made 40,000
        // probes (dstack allows 10) take minutes.
        if (!seen.insert(j.dump()).second)
            error(*item, QStringLiteral("this probe repeats an earlier one; probes must be unique"));
        probes.push_back(p);
        out.push_back(j);
    }
    m_config.probes = probes;
    m_config.canonical["probes"] = out;
}

// One item of `probes:` into p (what the supervisor uses) and j (what dstack is sent).
void ConfigReader::readProbe(const Node &item, ProbeSpec &p, json &j)
{
    const bool typoInProbe = m_unknownKeys;
    const Node *type = item.find("type");
    if (!type && !typoInProbe)
        error(item, QStringLiteral("a probe needs `type: http`"));
    else if (type) // no type after a typo elsewhere: the typo's diagnostic says it (found by fuzz_config)
        oneOf(*type, QStringLiteral("probe type"),
              ConfigSchema::valuesFor({QStringLiteral("probes"), QStringLiteral("type")}));
    if (const Node *v = item.find("url")) {
        if (auto s = string(*v, QStringLiteral("probe url"))) {
            if (!s->startsWith(QLatin1Char('/')) || s->size() > 2048)
                error(*v, QStringLiteral("probe url must be a path starting with / (at most 2048 characters), not '%1'")
                              .arg(*s));
            p.url = *s;
            j["url"] = s->toStdString();
        }
    }
    if (const Node *v = item.find("method")) {
        if (auto m = oneOf(*v, QStringLiteral("probe method"),
                           ConfigSchema::valuesFor({QStringLiteral("probes"), QStringLiteral("method")}))) {
            p.method = *m;
            j["method"] = m->toStdString();
        }
    }
    if (const Node *v = item.find("headers"))
        readProbeHeaders(*v, p, j);
    if (const Node *v = item.find("body")) {
        if (auto s = string(*v, QStringLiteral("probe body"))) {
            // dstack refuses a body only beside an explicit get/head; without `method` it takes it.
            const bool methodGiven = item.find("method") != nullptr;
            if (methodGiven && (p.method == QLatin1String("get") || p.method == QLatin1String("head")))
                error(*v,
                      QStringLiteral("a probe body needs method post, put, patch or delete (not %1)").arg(p.method));
            p.body = *s;
            j["body"] = s->toStdString();
        }
    }
    if (const Node *v = item.find("timeout")) {
        if (auto d = duration(*v, QStringLiteral("probe timeout"), false, nullptr, 1)) {
            if (d->get<int>() > 300)
                error(*v, QStringLiteral("probe timeout may be at most 5m"));
            p.timeoutSec = d->get<int>();
            j["timeout"] = *d;
        }
    }
    if (const Node *v = item.find("interval")) {
        if (auto d = duration(*v, QStringLiteral("probe interval"), false, nullptr, 1)) {
            p.intervalSec = d->get<int>();
            j["interval"] = *d;
        }
    }
    if (const Node *v = item.find("ready_after")) {
        if (auto r = integer(*v, QStringLiteral("probe ready_after"))) {
            if (*r < 1)
                error(*v, QStringLiteral("probe ready_after must be at least 1"));
            p.readyAfter = int(*r);
            j["ready_after"] = *r;
        }
    }
    if (const Node *v = item.find("until_ready")) {
        if (auto b = boolean(*v, QStringLiteral("probe until_ready")))
            j["until_ready"] = *b;
    }
}

// A probe's `headers:` ({name, value} items, at most 16).
void ConfigReader::readProbeHeaders(const Node &v, ProbeSpec &p, json &j)
{
    if (!v.isSequence()) {
        error(v, QStringLiteral("probe headers must be a list of {name, value}"));
    } else {
        if (v.children.size() > 16)
            error(*v.children[16], QStringLiteral("a probe may have at most 16 headers"));
        for (const Node *h : v.children) {
            if (!checkMap(*h, {QStringLiteral("probes"), QStringLiteral("headers")}, QStringLiteral("a probe header")))
                continue;
            const Node *name = h->find("name");
            const Node *value = h->find("value");
            if (!name || !value) {
                if (!m_unknownKeys)
                    error(*h, QStringLiteral("a probe header needs `name` and `value`"));
                continue;
            }
            const auto ns = string(*name, QStringLiteral("header name"));
            const auto vs = string(*value, QStringLiteral("header value"));
            if (ns && vs) {
                p.headers.emplace_back(*ns, *vs);
                j["headers"].push_back({{"name", ns->toStdString()}, {"value", vs->toStdString()}});
            }
        }
    }
}

void ConfigReader::readReplicas(const Node &n)
{
    if (n.isSequence()) {
        readReplicaGroups(n);
        return;
    }
    long long count = 0;
    if (n.isScalar() && yaml::isIntWord(n.text, &count)) {
        if (count < 0)
            error(n, QStringLiteral("replicas cannot be negative"));
        else
            m_config.canonical["replicas"] = grammar::toJson(Range<int>{int(count), int(count)});
        return;
    }
    auto r = countRange(n, QStringLiteral("replicas"), {QStringLiteral("replicas")});
    if (!r)
        return;
    if (!r->max) {
        m_replicasRange = true;
        error(n, QStringLiteral("a replicas range needs a maximum, e.g. 0..4"));
        return;
    }
    if (!r->min)
        r->min = 0;
    m_replicasRange = *r->min != *r->max;
    m_config.canonical["replicas"] = grammar::toJson(*r);
}

// A group's name: what dstack's replica/node group names allow.
bool ConfigReader::checkGroupName(const Node &group, QStringList &names, int index)
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z0-9][a-z0-9-]{0,39}$"));
    QString name = QString::number(index);
    if (const Node *v = group.find("name")) {
        auto s = string(*v, QStringLiteral("group name"));
        if (!s)
            return false;
        if (!pattern.match(*s).hasMatch()) {
            error(*v, QStringLiteral("group name '%1' must be 1 to 40 lowercase letters, digits and '-', starting with "
                                     "a letter or digit")
                          .arg(*s));
            return false;
        }
        name = *s;
    }
    if (names.contains(name)) {
        error(group.find("name") ? *group.find("name") : group,
              QStringLiteral("group name '%1' is used twice; names must be unique").arg(name));
        return false;
    }
    names << name;
    return true;
}

// `replicas:` as a list of replica groups (dstack 0.21), each with its own `count`.
void ConfigReader::readReplicaGroups(const Node &n)
{
    m_replicaGroups = true;
    if (n.children.empty()) {
        error(n, QStringLiteral("replicas cannot be an empty list: give a number, a range or at least one group"));
        return;
    }
    const QStringList path = {QStringLiteral("replica_groups")};
    QStringList names;
    json out = json::array();
    int index = 0;
    for (const Node *item : n.children) {
        const int i = index++;
        if (!checkMap(*item, path, QStringLiteral("a replica group")))
            continue;
        checkGroupName(*item, names, i);
        json group = generic(*item);
        bool range = false;
        if (const Node *c = item->find("count")) {
            long long number = 0;
            if (c->isScalar() && yaml::isIntWord(c->text, &number)) {
                if (number < 0)
                    error(*c, QStringLiteral("a replica group's count cannot be negative"));
                group["count"] = grammar::toJson(Range<int>{int(number), int(number)});
            } else if (auto r = countRange(*c, QStringLiteral("count"), {QStringLiteral("replicas")})) {
                if (!r->max)
                    error(*c, QStringLiteral("a replica group's count range needs a maximum, e.g. 0..4"));
                else {
                    r->min = r->min.value_or(0);
                    range = *r->min != *r->max;
                    group["count"] = grammar::toJson(*r);
                }
            }
        } else {
            error(*item, QStringLiteral("a replica group needs `count` (a number or a range such as 1..4)"));
        }
        const Node *scaling = item->find("scaling");
        if (scaling)
            checkMap(*scaling, {QStringLiteral("scaling")}, QStringLiteral("scaling"));
        if (range && !scaling)
            error(*item->find("count"), QStringLiteral("a count range needs `scaling` in the same group"));
        if (!range && scaling && item->find("count"))
            error(*scaling, QStringLiteral("`scaling` needs the group's count as a range such as 0..4"));
        if (const Node *r = item->find("resources"))
            checkMap(*r, {QStringLiteral("resources")}, QStringLiteral("group resources"));
        if (const Node *r = item->find("router"))
            checkMap(*r, {QStringLiteral("groups"), QStringLiteral("router")}, QStringLiteral("router"));
        if (const Node *v = item->find("spot_policy"))
            oneOf(*v, QStringLiteral("spot_policy"), ConfigSchema::valuesFor({QStringLiteral("spot_policy")}));
        if (const Node *v = item->find("commands"))
            readCommandList(*v, QStringLiteral("group commands"));
        for (const char *flag : {"nvcc", "docker", "privileged"})
            if (const Node *v = item->find(flag))
                boolean(*v, QLatin1String(flag));
        if (item->find("image") && item->find("python"))
            error(*item->find("python"),
                  QStringLiteral("`image` and `python` are mutually exclusive within a replica group"));
        // Fields set at the service level or in groups, never both (checked once the top level is read).
        for (const char *field : {"image", "python", "spot_policy", "reservation"})
            if (item->find(field) && !m_groupFields.contains(QLatin1String(field)))
                m_groupFields << QString::fromLatin1(field);
        out.push_back(group);
    }
    m_config.canonical["replicas"] = out;
}

void ConfigReader::readScaling(const Node &n)
{
    if (!checkMap(n, {QStringLiteral("scaling")}, QStringLiteral("scaling")))
        return;
    json j = {{"metric", "rps"},
              {"target", nullptr},
              {"window", 60},
              {"scale_up_delay", 300},
              {"scale_down_delay", 600}};
    if (const Node *v = n.find("metric"))
        oneOf(*v, QStringLiteral("scaling.metric"),
              ConfigSchema::valuesFor({QStringLiteral("scaling"), QStringLiteral("metric")}));
    else
        error(n, QStringLiteral("scaling needs `metric: rps`"));
    if (const Node *v = n.find("target")) {
        if (auto t = number(*v, QStringLiteral("scaling.target"))) {
            if (*t <= 0)
                error(*v, QStringLiteral("scaling.target must be greater than 0 (requests per second per replica)"));
            j["target"] = *t;
        }
    } else {
        error(n, QStringLiteral("scaling needs `target`: requests per second per replica"));
    }
    if (const Node *v = n.find("window")) {
        if (auto d = duration(*v, QStringLiteral("scaling.window"), false, nullptr)) {
            if (*d != 30 && *d != 60 && *d != 300)
                error(*v, QStringLiteral("scaling.window must be 30s, 60s or 300s"));
            j["window"] = *d;
        }
    }
    for (const char *delay : {"scale_up_delay", "scale_down_delay"}) {
        if (const Node *v = n.find(delay)) {
            if (auto d = duration(*v, QStringLiteral("scaling.") + QLatin1String(delay), false, nullptr))
                j[delay] = *d;
        }
    }
    m_config.canonical["scaling"] = j;
}

void ConfigReader::readRetry(const Node &n)
{
    bool b = false;
    if (n.isScalar() && n.plain && yaml::isBoolWord(n.text, &b)) {
        m_config.canonical["retry"] = b;
        return;
    }
    if (!checkMap(n, {QStringLiteral("retry")}, QStringLiteral("retry")))
        return;
    const QStringList events = ConfigSchema::valuesFor({QStringLiteral("retry"), QStringLiteral("on_events")});
    json j = {{"on_events", stringsJson(events)}, {"duration", nullptr}};
    if (const Node *v = n.find("on_events")) {
        if (auto list = stringList(*v, QStringLiteral("retry.on_events"))) {
            if (list->isEmpty())
                error(*v, QStringLiteral("retry.on_events may not be empty: list some of %1, or remove it for all")
                              .arg(events.join(QStringLiteral(", "))));
            for (qsizetype i = 0; i < list->size(); ++i) {
                if (!events.contains(list->at(i)))
                    error(*v->children[size_t(i)],
                          QStringLiteral("retry event must be one of %1, not '%2'%3")
                              .arg(events.join(QStringLiteral(", ")), list->at(i), didYouMean(list->at(i), events)));
            }
            j["on_events"] = stringsJson(*list);
        }
    }
    if (const Node *v = n.find("duration")) {
        if (auto d = duration(*v, QStringLiteral("retry.duration"), false, nullptr))
            j["duration"] = *d;
    }
    m_config.canonical["retry"] = j;
}

void ConfigReader::readVolumes(const Node &n)
{
    if (!n.isSequence()) {
        error(n, QStringLiteral("volumes must be a list such as - my-volume:/data, not %1").arg(kindName(n)));
        return;
    }
    json out = json::array();
    for (const Node *item : n.children) {
        if (item->isScalar() && !item->isNull()) {
            const QString text = item->string();
            const qsizetype colon = text.indexOf(QLatin1Char(':'));
            const QString left = colon < 0 ? QString() : text.left(colon);
            const QString path = colon < 0 ? QString() : text.mid(colon + 1);
            if (left.isEmpty() || !isAbsolutePath(path)) {
                error(*item, QStringLiteral(
                                 "volume '%1' must be NAME:/abs/path or /host/path:/abs/path (absolute paths, no ..)")
                                 .arg(text));
                continue;
            }
            if (left.contains(QLatin1Char('/'))) {
                if (!isAbsolutePath(left)) {
                    error(*item, QStringLiteral("instance volume path '%1' must be absolute without ..").arg(left));
                    continue;
                }
                out.push_back(
                    {{"instance_path", left.toStdString()}, {"path", path.toStdString()}, {"optional", false}});
            } else {
                out.push_back({{"name", left.toStdString()}, {"path", path.toStdString()}});
            }
            continue;
        }
        if (!checkMap(*item, {QStringLiteral("volumes")}, QStringLiteral("a volume")))
            continue;
        const Node *path = item->find("path");
        if (!path || !path->isScalar() || !isAbsolutePath(path->string())) {
            error(path ? *path : *item,
                  QStringLiteral("a volume needs `path`: an absolute path in the container, without .."));
            continue;
        }
        if (!item->find("name") && !item->find("instance_path")) {
            error(*item, QStringLiteral("a volume needs `name` (network volume) or `instance_path` (instance volume)"));
            continue;
        }
        out.push_back(generic(*item));
    }
    m_config.canonical["volumes"] = out;
}

void ConfigReader::readBackends(const Node &n)
{
    const auto list = stringList(n, QStringLiteral("backends"));
    if (!list)
        return;
    const QStringList &known = ConfigSchema::backendIds();
    bool ok = true;
    for (qsizetype i = 0; i < list->size(); ++i) {
        if (!known.contains(list->at(i))) {
            ok = false;
            error(*n.children[size_t(i)],
                  QStringLiteral("unknown backend '%1'%2").arg(list->at(i), didYouMean(list->at(i), known)));
        }
    }
    if (ok) {
        m_config.backends = *list;
        m_config.canonical["backends"] = stringsJson(*list);
    }
}

json ConfigReader::readObjectList(const Node &n, const QString &what, const QStringList &path, bool stringsAllowed)
{
    if (!n.isSequence()) {
        error(n, QStringLiteral("%1 must be a list, not %2").arg(what, kindName(n)));
        return json::array();
    }
    for (const Node *item : n.children) {
        if (item->isScalar() && stringsAllowed)
            continue;
        if (checkMap(*item, path, QStringLiteral("an item of ") + what) && path.first() == QLatin1String("repos")) {
            if (const Node *v = item->find("if_exists"))
                oneOf(*v, QStringLiteral("repos.if_exists"),
                      ConfigSchema::valuesFor({QStringLiteral("repos"), QStringLiteral("if_exists")}));
        }
    }
    return generic(n);
}

void ConfigReader::readRateLimits(const Node &n)
{
    if (!n.isSequence()) {
        error(n, QStringLiteral("rate_limits must be a list, not %1").arg(kindName(n)));
        return;
    }
    json out = json::array();
    QStringList prefixes;
    for (const Node *item : n.children) {
        if (!checkMap(*item, {QStringLiteral("rate_limits")}, QStringLiteral("a rate limit")))
            continue;
        json j = {{"prefix", "/"}, {"key", {{"type", "ip_address"}}}, {"rps", nullptr}, {"burst", 0}};
        if (const Node *v = item->find("prefix")) {
            if (auto s = string(*v, QStringLiteral("rate_limits.prefix"))) {
                if (prefixes.contains(*s))
                    error(*v, QStringLiteral("rate limit prefix '%1' is used twice; prefixes must be unique").arg(*s));
                prefixes << *s;
                j["prefix"] = s->toStdString();
            }
        } else {
            prefixes << QStringLiteral("/");
        }
        if (const Node *v = item->find("key")) {
            if (checkMap(*v, {QStringLiteral("rate_limits"), QStringLiteral("key")},
                         QStringLiteral("rate_limits.key"))) {
                const Node *type = v->find("type");
                if (!type)
                    error(*v, QStringLiteral("rate_limits.key needs `type: ip_address` or `type: header`"));
                else if (auto t = oneOf(*type, QStringLiteral("rate_limits.key.type"),
                                        ConfigSchema::valuesFor({QStringLiteral("rate_limits"), QStringLiteral("key"),
                                                                 QStringLiteral("type")}))) {
                    if (*t == QLatin1String("header") && !v->find("header"))
                        error(*v, QStringLiteral("a header rate-limit key needs `header: NAME`"));
                    j["key"] = generic(*v);
                }
            }
        }
        if (const Node *v = item->find("rps")) {
            if (auto r = number(*v, QStringLiteral("rate_limits.rps"))) {
                if (*r <= 0)
                    error(*v, QStringLiteral("rate_limits.rps must be greater than 0"));
                j["rps"] = *r;
            }
        } else {
            error(*item, QStringLiteral("a rate limit needs `rps`"));
        }
        if (const Node *v = item->find("burst")) {
            if (auto b = integer(*v, QStringLiteral("rate_limits.burst")))
                j["burst"] = *b;
        }
        out.push_back(j);
    }
    m_config.canonical["rate_limits"] = out;
}

// A task's `groups:`: node groups of a heterogeneous multi-node task (dstack 0.21).
void ConfigReader::readGroups(const Node &n)
{
    if (!n.isSequence()) {
        error(n, QStringLiteral("groups must be a list of node groups, not %1").arg(kindName(n)));
        return;
    }
    if (n.children.empty()) {
        error(n, QStringLiteral("groups cannot be an empty list"));
        return;
    }
    QStringList names;
    json out = json::array();
    int index = 0;
    for (const Node *item : n.children) {
        const int i = index++;
        if (!checkMap(*item, {QStringLiteral("groups")}, QStringLiteral("a node group")))
            continue;
        checkGroupName(*item, names, i);
        json group = generic(*item);
        if (const Node *v = item->find("nodes")) {
            if (auto count = integer(*v, QStringLiteral("nodes")); count && *count < 1)
                error(*v, QStringLiteral("a node group needs at least 1 node"));
        }
        if (const Node *r = item->find("resources"))
            checkMap(*r, {QStringLiteral("resources")}, QStringLiteral("group resources"));
        if (const Node *v = item->find("commands"))
            readCommandList(*v, QStringLiteral("group commands"));
        if (const Node *v = item->find("ports")) {
            if (!v->isSequence()) {
                error(*v,
                      QStringLiteral("ports must be a list (e.g. - 8080 or - \"8080:80\"), not %1").arg(kindName(*v)));
            } else {
                json ports = json::array();
                for (const Node *port : v->children)
                    ports.push_back(portMapping(*port, false));
                group["ports"] = ports;
            }
        }
        const Node *commands = item->find("commands");
        if (!commands || (commands->isSequence() && commands->children.empty()))
            m_groupsWithoutCommands.push_back(item);
        out.push_back(group);
    }
    m_config.canonical["groups"] = out;
}

// A list of shell commands inside a group: strings only.
void ConfigReader::readCommandList(const Node &n, const QString &what)
{
    if (!n.isSequence()) {
        error(n, QStringLiteral("%1 must be a list of shell commands, not %2").arg(what, kindName(n)));
        return;
    }
    for (const Node *item : n.children)
        if (!item->isScalar() || item->isNull())
            error(*item, QStringLiteral("%1 items must be strings, not %2").arg(what, kindName(*item)));
}

} // namespace gantry
