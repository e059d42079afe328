#include "core/config/ResourcesText.h"

#include "core/config/Grammar.h"

namespace gantry {

QString resourcesText(const ResourcesSpec &r)
{
    QStringList parts;
    parts << QStringLiteral("cpu=") + (r.cpuArch ? *r.cpuArch + QLatin1Char(':') : QString()) +
                 grammar::rangeText(r.cpuCount);
    parts << QStringLiteral("mem=") + grammar::memoryRangeText(r.memoryGb);
    if (r.diskGb)
        parts << QStringLiteral("disk=") + grammar::memoryRangeText(*r.diskGb);
    const GpuSpec &g = r.gpu;
    const bool noGpu = g.count.max && *g.count.max == 0;
    const bool unconstrained = g.count.min.value_or(0) == 0 && !g.count.max && g.names.isEmpty() && !g.memoryGb &&
                               !g.totalMemoryGb && !g.vendor && !g.computeCapability;
    if (!noGpu && !unconstrained) {
        QStringList gpu;
        if (g.vendor && g.names.isEmpty())
            gpu << *g.vendor;
        if (!g.names.isEmpty())
            gpu << g.names.join(QLatin1Char(','));
        if (g.memoryGb)
            gpu << grammar::memoryRangeText(*g.memoryGb);
        if (g.totalMemoryGb)
            gpu << QStringLiteral("total=") + grammar::memoryRangeText(*g.totalMemoryGb);
        if (g.computeCapability)
            gpu << QStringLiteral("%1.%2").arg(g.computeCapability->first).arg(g.computeCapability->second);
        gpu << grammar::rangeText(g.count);
        parts << QStringLiteral("gpu=") + gpu.join(QLatin1Char(':'));
    }
    return parts.join(QLatin1Char(' '));
}

} // namespace gantry
