#include "core/backends/dstack/DstackFleetModels.h"

#include "core/backends/dstack/DstackJson.h"
#include "core/backends/dstack/DstackModels.h"

#include <QFileInfo>
#include <QRegularExpression>

#include <algorithm>

namespace gantry {

using json = nlohmann::json;
using namespace dstackjson;

namespace {

QString intText(const json &v)
{
    return v.is_number_integer() ? QString::number(v.get<long long>()) : QString();
}

QStringList strings(const json &list)
{
    QStringList out;
    if (list.is_array())
        for (const json &item : list)
            if (item.is_string())
                out << QString::fromStdString(item.get<std::string>());
    return out;
}

// An Instance → FleetInstanceInfo (offer-shaped for Offer's resources text).
FleetInstanceInfo instanceInfo(const json &instance)
{
    FleetInstanceInfo i;
    i.num = intNumber(instance, "instance_num");
    i.name = string(instance, "name");
    i.status = string(instance, "status");
    i.backend = string(instance, "backend");
    i.region = string(instance, "region");
    i.hostname = string(instance, "hostname");
    i.unreachable = boolean(instance, "unreachable");
    const json &price = member(instance, "price");
    i.price = price.is_number() ? price.get<double>() : -1;
    const json &type = member(instance, "instance_type");
    i.instanceType = string(type, "name");
    if (type.is_object())
        i.resources = Offer::fromJson(json{{"backend", i.backend.toStdString()}, {"instance", type}}).resourcesText();
    if (i.status == QLatin1String("busy"))
        i.runName = dstackRunOfJob(string(instance, "job_name"));
    i.statusMessage = string(instance, "termination_reason_message", string(instance, "termination_reason"));
    i.created = dstackDateTime(member(instance, "created"));
    return i;
}

} // namespace

QString dstackRunOfJob(const QString &jobName)
{
    static const QRegularExpression suffix(QStringLiteral("-\\d+-\\d+$"));
    QString run = jobName;
    run.remove(suffix);
    return run;
}

QString dstackNodesText(const json &nodes)
{
    if (nodes.is_number_integer())
        return intText(nodes);
    if (!nodes.is_object())
        return {};
    const QString min = intText(member(nodes, "min")), max = intText(member(nodes, "max"));
    if (!max.isEmpty() && min == max)
        return min;
    return (min.isEmpty() ? QStringLiteral("0") : min) + QStringLiteral("..") + max;
}

FleetInfo dstackFleetInfo(const json &fleet)
{
    FleetInfo f;
    f.name = string(fleet, "name");
    f.status = string(fleet, "status");
    f.statusMessage = string(fleet, "status_message");
    f.created = dstackDateTime(member(fleet, "created_at"));
    const json &conf = member(member(fleet, "spec"), "configuration");
    const json &ssh = member(conf, "ssh_config");
    f.ssh = ssh.is_object();
    f.nodes = f.ssh ? QString::number(member(ssh, "hosts").is_array() ? member(ssh, "hosts").size() : 0)
                    : dstackNodesText(member(conf, "nodes"));
    f.placement = string(conf, "placement", QStringLiteral("any"));
    f.backends = strings(member(conf, "backends"));
    if (member(conf, "resources").is_object())
        f.resources = dstackResourcesText(member(conf, "resources"));
    for (const json &instance : member(fleet, "instances"))
        f.instances.append(instanceInfo(instance));
    std::sort(f.instances.begin(), f.instances.end(),
              [](const FleetInstanceInfo &a, const FleetInstanceInfo &b) { return a.num < b.num; });
    return f;
}

QList<FleetInfo> dstackFleetList(const json &fleets)
{
    QList<FleetInfo> out;
    if (fleets.is_array())
        for (const json &fleet : fleets)
            if (fleet.is_object())
                out.append(dstackFleetInfo(fleet));
    return out;
}

FleetPlanInfo dstackFleetPlan(const json &plan)
{
    FleetPlanInfo p;
    p.project = string(plan, "project_name");
    const json &spec =
        member(plan, "effective_spec").is_object() ? member(plan, "effective_spec") : member(plan, "spec");
    const json &conf = member(spec, "configuration");
    p.fleetName = string(conf, "name");
    p.action = string(plan, "action", QStringLiteral("create"));
    p.exists = member(plan, "current_resource").is_object();
    const json &ssh = member(conf, "ssh_config");
    p.ssh = ssh.is_object();
    for (const json &host : member(ssh, "hosts")) {
        QString text = host.is_string() ? QString::fromStdString(host.get<std::string>()) : string(host, "hostname");
        if (host.is_object() && member(host, "port").is_number_integer())
            text += QLatin1Char(':') + intText(member(host, "port"));
        if (!text.isEmpty())
            p.hosts << text;
    }
    for (const json &offer : member(plan, "offers"))
        p.offers.append(Offer::fromJson(offer));
    p.totalOffers = intNumber(plan, "total_offers", int(p.offers.size()));
    p.maxPrice = number(plan, "max_offer_price");

    p.header.append({QStringLiteral("Project"), p.project});
    p.header.append({QStringLiteral("User"), string(plan, "user")});
    p.header.append({QStringLiteral("Configuration"), QFileInfo(string(spec, "configuration_path")).fileName()});
    p.header.append({QStringLiteral("Type"), QStringLiteral("fleet")});
    if (p.ssh) {
        p.header.append({QStringLiteral("Hosts"), p.hosts.join(QStringLiteral(", "))});
    } else {
        p.header.append({QStringLiteral("Nodes"), dstackNodesText(member(conf, "nodes"))});
        const json &resources = member(conf, "resources");
        p.header.append({QStringLiteral("Resources"),
                         resources.is_object() ? dstackResourcesText(resources) : QStringLiteral("any")});
        p.header.append({QStringLiteral("Spot policy"), string(conf, "spot_policy", QStringLiteral("on-demand"))});
        const json &backends = member(conf, "backends");
        if (backends.is_array())
            p.header.append({QStringLiteral("Backends"), strings(backends).join(QStringLiteral(", "))});
        const json &maxPrice = member(conf, "max_price");
        p.header.append({QStringLiteral("Max price"),
                         maxPrice.is_number() ? Offer::formatPrice(maxPrice.get<double>()) : QStringLiteral("off")});
    }
    p.header.append({QStringLiteral("Placement"), string(conf, "placement", QStringLiteral("any"))});
    const json &idle = member(conf, "idle_duration");
    if (idle.is_number_integer()) {
        const long long s = idle.get<long long>();
        p.header.append({QStringLiteral("Idle duration"), s < 0           ? QStringLiteral("off")
                                                          : s % 3600 == 0 ? QStringLiteral("%1h").arg(s / 3600)
                                                          : s % 60 == 0   ? QStringLiteral("%1m").arg(s / 60)
                                                                          : QStringLiteral("%1s").arg(s)});
    } else {
        p.header.append({QStringLiteral("Idle duration"), QStringLiteral("3d")});
    }
    const QString reservation = string(conf, "reservation");
    if (!reservation.isEmpty())
        p.header.append({QStringLiteral("Reservation"), reservation});
    p.header.append({QStringLiteral("Action"),
                     p.exists ? (p.action == QLatin1String("update") ? QStringLiteral("update the fleet in place")
                                                                     : QStringLiteral("re-create the fleet"))
                              : QStringLiteral("create the fleet")});
    return p;
}

} // namespace gantry
