#include "core/config/FleetTemplate.h"

#include "core/config/Grammar.h"

#include <QRegularExpression>

namespace gantry {

namespace {

// dstack's GPU grammar, "[vendor:]names:memory:count" (ResourcesGrammar reads it back).
QString gpuText(const GpuSpec &gpu)
{
    QStringList parts;
    if (!gpu.names.isEmpty())
        parts << gpu.names.join(QLatin1Char(','));
    else if (gpu.vendor)
        parts << *gpu.vendor;
    if (gpu.memoryGb)
        parts << grammar::memoryRangeText(*gpu.memoryGb);
    parts << grammar::rangeText(gpu.count);
    return parts.join(QLatin1Char(':'));
}

QString quoted(const QString &s)
{
    return QStringLiteral("\"%1\"").arg(QString(s)
                                            .replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
                                            .replace(QLatin1Char('"'), QStringLiteral("\\\"")));
}

QString flowList(const QStringList &items)
{
    QStringList q;
    for (const QString &item : items)
        q << quoted(item);
    return QLatin1Char('[') + q.join(QStringLiteral(", ")) + QLatin1Char(']');
}

} // namespace

QString fleetNameFor(const Configuration &run)
{
    static const QRegularExpression valid(QStringLiteral("^[a-z][a-z0-9-]{1,40}$"));
    const QString candidate = run.name.value_or(QString()) + QStringLiteral("-fleet");
    return valid.match(candidate).hasMatch() ? candidate : QStringLiteral("my-fleet");
}

QByteArray fleetYamlFor(const Configuration &run)
{
    const ResourcesSpec defaults;
    const ResourcesSpec &r = run.resources;
    QString y;
    y += QStringLiteral("# A fleet for %1, written by Gantry: dstack places runs only into fleets.\n")
             .arg(run.filePath.isEmpty() ? QStringLiteral("this project's runs")
                                         : run.filePath.section(QLatin1Char('/'), -1));
    y += QStringLiteral("type: fleet\nname: %1\n\n").arg(fleetNameFor(run));
    y += QStringLiteral("# No instance until a run needs one; at most one.\nnodes: 0..1\n");
    y += QStringLiteral(
        "# Idle instances cost money while doing nothing: end them an hour after their last run.\nidle_duration: 1h\n");

    QStringList resources;
    if (r.cpuCount != defaults.cpuCount || r.cpuArch)
        resources << QStringLiteral("  cpu: %1")
                         .arg(quoted((r.cpuArch ? *r.cpuArch + QLatin1Char(':') : QString()) +
                                     grammar::rangeText(r.cpuCount)));
    if (r.memoryGb != defaults.memoryGb)
        resources << QStringLiteral("  memory: %1").arg(quoted(grammar::memoryRangeText(r.memoryGb)));
    if (r.gpu.required() || !r.gpu.names.isEmpty() || r.gpu.memoryGb) {
        if (r.gpu.totalMemoryGb || r.gpu.computeCapability) {
            resources << QStringLiteral("  gpu:");
            if (r.gpu.vendor)
                resources << QStringLiteral("    vendor: %1").arg(*r.gpu.vendor);
            if (!r.gpu.names.isEmpty())
                resources << QStringLiteral("    name: %1").arg(flowList(r.gpu.names));
            if (r.gpu.memoryGb)
                resources << QStringLiteral("    memory: %1").arg(quoted(grammar::memoryRangeText(*r.gpu.memoryGb)));
            if (r.gpu.totalMemoryGb)
                resources << QStringLiteral("    total_memory: %1")
                                 .arg(quoted(grammar::memoryRangeText(*r.gpu.totalMemoryGb)));
            resources << QStringLiteral("    count: %1").arg(quoted(grammar::rangeText(r.gpu.count)));
            if (r.gpu.computeCapability)
                resources << QStringLiteral("    compute_capability: \"%1.%2\"")
                                 .arg(r.gpu.computeCapability->first)
                                 .arg(r.gpu.computeCapability->second);
        } else {
            resources << QStringLiteral("  gpu: %1").arg(quoted(gpuText(r.gpu)));
        }
    }
    if (r.diskGb && r.diskGb != defaults.diskGb)
        resources << QStringLiteral("  disk: %1").arg(quoted(grammar::memoryRangeText(*r.diskGb)));
    if (r.shmSizeGb)
        resources << QStringLiteral("  shm_size: %1").arg(quoted(grammar::memoryText(*r.shmSizeGb)));
    if (!resources.isEmpty())
        y += QStringLiteral("\n# What %1 asks for.\nresources:\n").arg(run.name.value_or(QStringLiteral("the run"))) +
             resources.join(QLatin1Char('\n')) + QLatin1Char('\n');

    QStringList placement;
    if (run.spotPolicy)
        placement << QStringLiteral("spot_policy: %1").arg(*run.spotPolicy);
    if (!run.backends.isEmpty())
        placement << QStringLiteral("backends: %1").arg(flowList(run.backends));
    if (!run.regions.isEmpty())
        placement << QStringLiteral("regions: %1").arg(flowList(run.regions));
    if (!placement.isEmpty())
        y += QLatin1Char('\n') + placement.join(QLatin1Char('\n')) + QLatin1Char('\n');
    return y.toUtf8();
}

} // namespace gantry
