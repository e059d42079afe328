#include "core/offers/OfferMatcher.h"

#include <cmath>

namespace gantry {

namespace {

QString gbText(double gb)
{
    QString s = QString::number(std::round(gb * 10.0) / 10.0, 'f', 1);
    if (s.endsWith(QLatin1String(".0")))
        s.chop(2);
    return s + QStringLiteral("GB");
}

template <typename T, typename F>
QString rangeText(const Range<T> &r, F format)
{
    if (r.min && r.max && *r.min == *r.max)
        return format(*r.min);
    return (r.min ? format(*r.min) : QString()) + QStringLiteral("..") + (r.max ? format(*r.max) : QString());
}

QString countText(const Range<int> &r)
{
    return rangeText(r, [](int v) { return QString::number(v); });
}

double mibToGb(qint64 mib)
{
    return double(mib) / 1024.0;
}

// The check a divisible offer needs: only the lower bound.
template <typename T>
bool satisfies(const Range<T> &r, T value, bool divisible)
{
    return divisible ? (!r.min || value >= *r.min) : r.contains(value);
}

QString gpuListText(const QList<GpuInfo> &gpus)
{
    if (gpus.isEmpty())
        return QStringLiteral("no GPU");
    // Group identical GPUs: "2× A100 (80GB)".
    QStringList parts;
    QList<std::pair<QString, int>> seen;
    for (const GpuInfo &g : gpus) {
        const QString key = QStringLiteral("%1 (%2)").arg(g.name, gbText(mibToGb(g.memoryMib)));
        auto it = std::find_if(seen.begin(), seen.end(), [&](const auto &p) { return p.first == key; });
        if (it == seen.end())
            seen.append({key, 1});
        else
            ++it->second;
    }
    for (const auto &[key, n] : seen)
        parts << (n > 1 ? QStringLiteral("%1× %2").arg(n).arg(key) : key);
    return QStringLiteral("%1 GPU%2: %3")
        .arg(gpus.size())
        .arg(gpus.size() > 1 ? QStringLiteral("s") : QString(), parts.join(QStringLiteral(", ")));
}

bool gpuMatchesKind(const GpuInfo &gpu, const GpuSpec &spec)
{
    if (spec.vendor && !spec.vendor->isEmpty() && !gpu.vendor.isEmpty() &&
        gpu.vendor.compare(*spec.vendor, Qt::CaseInsensitive) != 0)
        return false;
    if (!spec.names.isEmpty()) {
        bool named = false;
        for (const QString &name : spec.names)
            named = named || gpu.name.compare(name, Qt::CaseInsensitive) == 0;
        if (!named)
            return false;
    }
    if (spec.memoryGb && !spec.memoryGb->contains(mibToGb(gpu.memoryMib)))
        return false;
    return true;
}

} // namespace

QString gbRangeText(const Range<double> &range)
{
    return rangeText(range, gbText);
}

QString gpuSpecText(const GpuSpec &gpu)
{
    QStringList parts;
    if (gpu.vendor && !gpu.vendor->isEmpty())
        parts << *gpu.vendor;
    if (!gpu.names.isEmpty())
        parts << gpu.names.join(QLatin1Char(','));
    if (gpu.memoryGb)
        parts << gbRangeText(*gpu.memoryGb);
    parts << countText(gpu.count);
    QString text = parts.join(QLatin1Char(':'));
    if (gpu.totalMemoryGb)
        text += QStringLiteral(" (total %1)").arg(gbRangeText(*gpu.totalMemoryGb));
    return text;
}

QString resourcesSpecText(const ResourcesSpec &spec)
{
    QStringList parts;
    QString cpu = QStringLiteral("cpu=");
    if (spec.cpuArch && !spec.cpuArch->isEmpty())
        cpu += *spec.cpuArch + QLatin1Char(':');
    parts << cpu + countText(spec.cpuCount);
    parts << QStringLiteral("mem=") + gbRangeText(spec.memoryGb);
    if (spec.diskGb)
        parts << QStringLiteral("disk=") + gbRangeText(*spec.diskGb);
    const GpuSpec &g = spec.gpu;
    if (g.required() || !g.names.isEmpty() || g.memoryGb || (g.vendor && !g.vendor->isEmpty()))
        parts << QStringLiteral("gpu=") + gpuSpecText(g);
    return parts.join(QLatin1Char(' '));
}

OfferMatch matchOffer(const Offer &offer, const ResourcesSpec &spec, const MatchOptions &options)
{
    OfferMatch match;
    const InstanceResources &res = offer.resources;
    const QString &who = options.subject;

    if (spec.cpuArch && !spec.cpuArch->isEmpty() && !res.cpuArch.isEmpty() &&
        spec.cpuArch->compare(res.cpuArch, Qt::CaseInsensitive) != 0)
        match.unmet << QStringLiteral("needs cpu arch %1; %2 is %3").arg(*spec.cpuArch, who, res.cpuArch);
    if (!satisfies(spec.cpuCount, res.cpus, options.divisible))
        match.unmet << QStringLiteral("needs cpu %1; %2 has %3").arg(countText(spec.cpuCount), who).arg(res.cpus);
    if (!satisfies(spec.memoryGb, mibToGb(res.memoryMib), options.divisible))
        match.unmet << QStringLiteral("needs memory %1; %2 has %3")
                           .arg(gbRangeText(spec.memoryGb), who, gbText(mibToGb(res.memoryMib)));
    if (spec.diskGb && res.diskMib > 0 && !satisfies(*spec.diskGb, mibToGb(res.diskMib), options.divisible)) {
        match.unmet << QStringLiteral("needs disk %1; %2 has %3")
                           .arg(gbRangeText(*spec.diskGb), who, gbText(mibToGb(res.diskMib)));
    }

    // GPUs: count the offer's GPUs of the requested kind, then take as many as allowed.
    const GpuSpec &g = spec.gpu;
    QList<int> kind;
    for (int i = 0; i < res.gpus.size(); ++i) {
        if (gpuMatchesKind(res.gpus.at(i), g))
            kind.append(i);
    }
    const int available = int(kind.size());
    const bool countOk = options.divisible ? (!g.count.min || available >= *g.count.min) : g.count.contains(available);
    if (!countOk) {
        match.unmet << QStringLiteral("needs gpu %1; %2 has %3").arg(gpuSpecText(g), who, gpuListText(res.gpus));
    } else {
        int take = available;
        if (options.divisible && g.count.max)
            take = std::min(take, *g.count.max);
        match.gpusTaken = kind.mid(0, take);
        if (g.totalMemoryGb && (g.required() || take > 0)) {
            double total = 0;
            for (int i : std::as_const(match.gpusTaken))
                total += mibToGb(res.gpus.at(i).memoryMib);
            if (!g.totalMemoryGb->contains(total))
                match.unmet << QStringLiteral("needs gpu total memory %1; %2 has %3 on the GPUs it would give")
                                   .arg(gbRangeText(*g.totalMemoryGb), who, gbText(total));
        }
    }
    if (!match.unmet.isEmpty())
        match.gpusTaken.clear();
    return match;
}

} // namespace gantry
