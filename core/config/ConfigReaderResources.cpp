// ConfigReader, part 2: the `resources` section (docs/reference/dstack-configuration.md#resources-grammar).

#include "core/config/ConfigReader.h"

#include "core/config/ConfigSchema.h"
#include "core/config/Grammar.h"
#include "core/config/ResourcesGrammar.h"
#include "core/config/Suggestion.h"

namespace gantry {

using json = nlohmann::json;

// ---------------------------------------------------------------------------------------
// Resources

std::optional<Range<int>> ConfigReader::countRange(const Node &n, const QString &what, const QStringList &path)
{
    if (n.isMap()) {
        if (!checkMap(n, path, what))
            return std::nullopt;
        Range<int> r;
        for (const char *side : {"min", "max"}) {
            if (const Node *v = n.find(side); v && !v->isNull()) {
                auto i = integer(*v, what + QLatin1Char('.') + QLatin1String(side));
                if (!i)
                    return std::nullopt;
                (qstrcmp(side, "min") == 0 ? r.min : r.max) = int(*i);
            }
        }
        if (!r.min && !r.max) {
            error(n, QStringLiteral("%1 needs min, max or both").arg(what));
            return std::nullopt;
        }
        if (r.min && r.max && *r.min > *r.max) {
            error(n, QStringLiteral("%1 has min above max").arg(what));
            return std::nullopt;
        }
        return r;
    }
    if (!n.isScalar() || n.isNull()) {
        error(n, QStringLiteral("%1 must be a count or range such as 2, 1.. or 2..8, not %2").arg(what, kindName(n)));
        return std::nullopt;
    }
    QString why;
    const auto r = grammar::parseCountRange(n.text, &why);
    if (!r)
        error(n, QStringLiteral("%1: %2").arg(what, why));
    return r;
}

std::optional<Range<double>> ConfigReader::memoryRange(const Node &n, const QString &what, const QStringList &path,
                                                       bool unitRequired)
{
    if (n.isMap()) {
        if (!checkMap(n, path, what))
            return std::nullopt;
        Range<double> r;
        for (const char *side : {"min", "max"}) {
            if (const Node *v = n.find(side); v && !v->isNull()) {
                QString why;
                const auto m = grammar::parseMemory(v->text, false, &why);
                if (!v->isScalar() || !m) {
                    error(*v, QStringLiteral("%1.%2: %3").arg(what, QLatin1String(side), why));
                    return std::nullopt;
                }
                (qstrcmp(side, "min") == 0 ? r.min : r.max) = *m;
            }
        }
        if (!r.min && !r.max) {
            error(n, QStringLiteral("%1 needs min, max or both").arg(what));
            return std::nullopt;
        }
        return r;
    }
    if (!n.isScalar() || n.isNull()) {
        error(n, QStringLiteral("%1 must be a size or range such as 16GB, 8GB.. or 24GB..80GB, not %2")
                     .arg(what, kindName(n)));
        return std::nullopt;
    }
    QString why;
    const auto r = grammar::parseMemoryRange(n.text, unitRequired, &why);
    if (!r)
        error(n, QStringLiteral("%1: %2").arg(what, why));
    return r;
}

void ConfigReader::readResources(const Node &n)
{
    if (!checkMap(n, {QStringLiteral("resources")}, QStringLiteral("resources")))
        return;
    ResourcesSpec &r = m_config.resources;
    for (size_t i = 0; i < n.mapSize(); ++i) {
        const std::string &k = n.key(i).text;
        const Node &v = n.value(i);
        if (k == "cpu") {
            readCpu(v, r);
        } else if (k == "memory") {
            if (v.isNull())
                continue;
            if (auto m = memoryRange(v, QStringLiteral("resources.memory"),
                                     {QStringLiteral("resources"), QStringLiteral("memory")}, false))
                r.memoryGb = *m;
        } else if (k == "gpu") {
            readGpu(v, r.gpu);
        } else if (k == "disk") {
            if (v.isNull()) {
                r.diskGb = std::nullopt;
                continue;
            }
            const Node *size = &v;
            if (v.isMap()) {
                if (!checkMap(v, {QStringLiteral("resources"), QStringLiteral("disk")},
                              QStringLiteral("resources.disk")))
                    continue;
                if (v.find("min") || v.find("max")) {
                    size = &v; // a bare {min, max} range
                } else {
                    size = v.find("size");
                    if (!size) {
                        if (!m_unknownKeys) // a misspelt `size` was reported already
                            error(v, QStringLiteral("resources.disk needs `size`, e.g. size: 200GB.."));
                        continue;
                    }
                }
            }
            if (auto m =
                    memoryRange(*size, QStringLiteral("resources.disk"),
                                {QStringLiteral("resources"), QStringLiteral("disk"), QStringLiteral("size")}, false))
                r.diskGb = *m;
        } else if (k == "shm_size") {
            if (v.isNull())
                continue;
            QString why;
            const auto m = v.isScalar() ? grammar::parseMemory(v.text, false, &why) : std::nullopt;
            if (!m)
                error(v, QStringLiteral("resources.shm_size must be one size such as 16GB%1")
                             .arg(why.isEmpty() ? QString() : QStringLiteral(": ") + why));
            else
                r.shmSizeGb = *m;
        }
    }
    m_config.canonical["resources"] = grammar::toJson(r);
}

void ConfigReader::readCpu(const Node &n, ResourcesSpec &r)
{
    const QString what = QStringLiteral("resources.cpu");
    if (n.isNull())
        return;
    if (n.isMap()) {
        if (!checkMap(n, {QStringLiteral("resources"), QStringLiteral("cpu")}, what))
            return;
        if (n.find("min") || n.find("max")) {
            if (auto c =
                    countRange(n, what, {QStringLiteral("resources"), QStringLiteral("cpu"), QStringLiteral("count")}))
                r.cpuCount = *c;
            return;
        }
        if (const Node *arch = n.find("arch"); arch && !arch->isNull()) {
            if (auto a = oneOf(*arch, QStringLiteral("resources.cpu.arch"),
                               ConfigSchema::valuesFor(
                                   {QStringLiteral("resources"), QStringLiteral("cpu"), QStringLiteral("arch")})))
                r.cpuArch = *a;
        }
        if (const Node *count = n.find("count"); count && !count->isNull()) {
            if (auto c = countRange(*count, QStringLiteral("resources.cpu.count"),
                                    {QStringLiteral("resources"), QStringLiteral("cpu"), QStringLiteral("count")}))
                r.cpuCount = *c;
        }
        return;
    }
    if (!n.isScalar()) {
        error(n, QStringLiteral("resources.cpu must be a count, a range, ARCH:COUNT or {arch, count}, not %1")
                     .arg(kindName(n)));
        return;
    }
    std::optional<QString> arch;
    Range<int> count = r.cpuCount;
    QString why;
    if (!grammar::parseCpuSpec(n.text, &arch, &count, &why)) {
        error(n, QStringLiteral("resources.cpu: %1").arg(why));
        return;
    }
    r.cpuArch = arch;
    r.cpuCount = count;
}

void ConfigReader::readGpu(const Node &n, GpuSpec &gpu)
{
    const QString what = QStringLiteral("resources.gpu");
    const QStringList path = {QStringLiteral("resources"), QStringLiteral("gpu")};
    if (n.isNull())
        return;
    long long count = 0;
    if (n.isScalar() && n.plain && yaml::isIntWord(n.text, &count)) {
        if (count < 0) {
            error(n, QStringLiteral("resources.gpu: a GPU count cannot be negative"));
            return;
        }
        gpu = GpuSpec{};
        gpu.count = Range<int>{int(count), int(count)}; // `gpu: 24` is 24 GPUs, not 24 GB
        return;
    }
    if (n.isScalar()) {
        QString why;
        if (auto spec = grammar::parseGpuSpec(n.text, &why))
            gpu = *spec;
        else
            error(n, QStringLiteral("resources.gpu: %1").arg(why));
        return;
    }
    if (!checkMap(n, path, what))
        return;
    GpuSpec spec;
    spec.count = Range<int>{1, std::nullopt};
    if (const Node *v = n.find("vendor"); v && !v->isNull()) {
        const auto vendor = v->isScalar() ? grammar::gpuVendorFromWord(v->text) : std::nullopt;
        if (vendor)
            spec.vendor = vendor;
        else
            error(*v, QStringLiteral("resources.gpu.vendor must be one of %1, not %2%3")
                          .arg(ConfigSchema::gpuVendors().join(QStringLiteral(", ")), kindName(*v),
                               didYouMean(v->string(), ConfigSchema::gpuVendors())));
    }
    if (const Node *v = n.find("name"); v && !v->isNull()) {
        // In the object form a name is one literal, as dstack reads it: "A100,H100" names no GPU
        // (the comma list belongs to the shorthand `gpu: A100,H100:2`); warn, since no offer matches.
        if (v->isScalar()) {
            spec.names = QStringList{v->string()};
            if (v->string().contains(QLatin1Char(',')))
                warning(*v, QStringLiteral("resources.gpu.name '%1' is one name to dstack, not a list: write name: "
                                           "[%2] to accept any of them")
                                .arg(v->string(), v->string().split(QLatin1Char(',')).join(QStringLiteral(", "))));
        } else if (auto list = stringList(*v, QStringLiteral("resources.gpu.name")))
            spec.names = *list;
    }
    if (const Node *v = n.find("count"); v && !v->isNull()) {
        if (auto c = countRange(*v, QStringLiteral("resources.gpu.count"), path + QStringList{QStringLiteral("count")}))
            spec.count = *c;
    }
    if (const Node *v = n.find("memory"); v && !v->isNull()) {
        if (auto m = memoryRange(*v, QStringLiteral("resources.gpu.memory"),
                                 path + QStringList{QStringLiteral("memory")}, false))
            spec.memoryGb = *m;
    }
    if (const Node *v = n.find("total_memory"); v && !v->isNull()) {
        if (auto m = memoryRange(*v, QStringLiteral("resources.gpu.total_memory"),
                                 path + QStringList{QStringLiteral("total_memory")}, false))
            spec.totalMemoryGb = *m;
    }
    if (const Node *v = n.find("compute_capability"); v && !v->isNull()) {
        QString why;
        if (v->isSequence() && v->children.size() == 2) {
            const auto major = integer(*v->children[0], QStringLiteral("compute_capability major"));
            const auto minor = integer(*v->children[1], QStringLiteral("compute_capability minor"));
            if (major && minor)
                spec.computeCapability = std::make_pair(int(*major), int(*minor));
        } else if (v->isScalar()) {
            if (auto cc = grammar::parseComputeCapability(v->text, &why))
                spec.computeCapability = cc;
            else
                error(*v, QStringLiteral("resources.gpu.%1").arg(why));
        } else {
            error(*v, QStringLiteral("resources.gpu.compute_capability must be like 8.0 or [8, 0]"));
        }
    }
    gpu = spec;
}

} // namespace gantry
