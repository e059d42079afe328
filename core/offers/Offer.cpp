#include "core/offers/Offer.h"

#include "core/common/JsonFields.h"
#include "core/common/NumberText.h"

#include <cmath>

namespace gantry {

namespace {

// MiB → "16GB", "22.5GB": MiB/1024 rounded to one decimal, trailing ".0" dropped (dstack's CLI).
QString gbText(qint64 mib)
{
    const double gb = std::round(double(mib) / 1024.0 * 10.0) / 10.0;
    QString s = QString::number(gb, 'f', 1);
    if (s.endsWith(QLatin1String(".0")))
        s.chop(2);
    return s + QStringLiteral("GB");
}

} // namespace

QString Offer::formatPrice(double price)
{
    return QStringLiteral("$") + trimmedNumber(price, 4);
}

QString Offer::resourcesText() const
{
    QStringList parts;
    QString cpu = QStringLiteral("cpu=");
    if (!resources.cpuArch.isEmpty())
        cpu += resources.cpuArch + QLatin1Char(':');
    parts << cpu + QString::number(resources.cpus);
    parts << QStringLiteral("mem=") + gbText(resources.memoryMib);
    if (resources.diskMib > 0) {
        QString disk = QStringLiteral("disk=") + gbText(resources.diskMib);
        if (resources.diskFreeMib >= 0)
            disk += QStringLiteral(" (%1 free)").arg(gbText(resources.diskFreeMib));
        parts << disk;
    }
    if (!resources.gpus.isEmpty()) {
        const GpuInfo &g = resources.gpus.first();
        parts << QStringLiteral("gpu=%1:%2:%3").arg(g.name, gbText(g.memoryMib)).arg(resources.gpus.size());
    }
    QString text = parts.join(QLatin1Char(' '));
    if (resources.spot)
        text += QStringLiteral(" (spot)");
    return text;
}

nlohmann::json Offer::toJson() const
{
    nlohmann::json gpus = nlohmann::json::array();
    for (const GpuInfo &g : resources.gpus)
        gpus.push_back(
            {{"name", g.name.toStdString()}, {"memory_mib", g.memoryMib}, {"vendor", g.vendor.toStdString()}});
    nlohmann::json zones = nullptr;
    if (!availabilityZones.isEmpty()) {
        zones = nlohmann::json::array();
        for (const QString &z : availabilityZones)
            zones.push_back(z.toStdString());
    }
    return {
        {"backend", backend.toStdString()},
        {"region", region.toStdString()},
        {"instance",
         {{"name", instanceName.toStdString()},
          {"resources",
           {{"cpus", resources.cpus},
            {"memory_mib", resources.memoryMib},
            {"gpus", gpus},
            {"spot", resources.spot},
            {"disk", {{"size_mib", resources.diskMib}}},
            {"cpu_arch",
             resources.cpuArch.isEmpty() ? nlohmann::json() : nlohmann::json(resources.cpuArch.toStdString())},
            {"description", resources.description.toStdString()}}}}},
        {"price", price},
        {"availability", availability.toStdString()},
        {"availability_zones", zones},
        {"blocks", blocks},
        {"total_blocks", totalBlocks},
    };
}

Offer Offer::fromJson(const nlohmann::json &j)
{
    Offer o;
    if (!j.is_object())
        return o;
    o.backend = jsonfields::string(j, "backend");
    o.region = jsonfields::string(j, "region");
    o.price = jsonfields::number(j, "price");
    o.availability = jsonfields::string(j, "availability");
    if (o.availability.isEmpty())
        o.availability = QStringLiteral("unknown");
    o.blocks = jsonfields::intNumber(j, "blocks", 1);
    o.totalBlocks = jsonfields::intNumber(j, "total_blocks", 1);
    if (auto z = j.find("availability_zones"); z != j.end() && z->is_array()) {
        for (const auto &zone : *z)
            if (zone.is_string())
                o.availabilityZones << QString::fromStdString(zone.get<std::string>());
    }
    auto inst = j.find("instance");
    if (inst == j.end() || !inst->is_object())
        return o;
    o.instanceName = jsonfields::string(*inst, "name");
    auto res = inst->find("resources");
    if (res == inst->end() || !res->is_object())
        return o;
    InstanceResources &r = o.resources;
    r.cpus = jsonfields::intNumber(*res, "cpus");
    r.memoryMib = jsonfields::int64Number(*res, "memory_mib");
    r.spot = jsonfields::boolean(*res, "spot");
    r.cpuArch = jsonfields::string(*res, "cpu_arch");
    r.description = jsonfields::string(*res, "description");
    if (auto d = res->find("disk"); d != res->end() && d->is_object())
        r.diskMib = jsonfields::int64Number(*d, "size_mib");
    if (auto g = res->find("gpus"); g != res->end() && g->is_array()) {
        for (const auto &gpu : *g) {
            if (!gpu.is_object())
                continue;
            r.gpus.append({jsonfields::string(gpu, "name"), jsonfields::intNumber(gpu, "memory_mib"),
                           jsonfields::string(gpu, "vendor")});
        }
    }
    return o;
}

} // namespace gantry
