#include "core/backends/local/LocalPlanner.h"

#include "core/common/NumberText.h"
#include "core/offers/OfferMatcher.h"

namespace gantry {

namespace {

Offer hostOffer(const HostFacts &facts, const QList<HostGpu> &gpus)
{
    Offer offer;
    offer.backend = QStringLiteral("local");
    offer.region = facts.hostName.isEmpty() ? QStringLiteral("local") : facts.hostName;
    offer.instanceName = offer.region;
    offer.price = 0.0;
    offer.availability = QStringLiteral("available");
    InstanceResources &r = offer.resources;
    r.cpus = facts.cpus;
    r.cpuArch = facts.cpuArch;
    r.memoryMib = facts.memoryMib;
    // dstack's SSH-fleet hosts offer their disk's size, not what is free on it; so does this
    // machine, or a service with dstack's default `disk: 100GB..` could never run on a
    // laptop. What is free is shown beside it and warned about (diskWarning).
    r.diskMib = facts.diskTotalMib;
    r.diskFreeMib = facts.diskTotalMib > 0 ? facts.diskFreeMib : -1;
    r.spot = false;
    for (const HostGpu &g : gpus)
        r.gpus.append({g.name, g.memoryMib, g.vendor});
    r.description = QStringLiteral("this machine");
    return offer;
}

// dstack: with no vendor, no names and no custom image, a GPU request means NVIDIA.
ResourcesSpec effectiveResources(const Configuration &configuration)
{
    ResourcesSpec spec = configuration.resources;
    GpuSpec &gpu = spec.gpu;
    if (gpu.required() && !gpu.vendor && gpu.names.isEmpty() && !configuration.image)
        gpu.vendor = QStringLiteral("nvidia");
    return spec;
}

QString localUserName()
{
    for (const char *name : {"USER", "LOGNAME"}) {
        const QString value = qEnvironmentVariable(name);
        if (!value.isEmpty())
            return value;
    }
    return QStringLiteral("local");
}

QString pythonWarning(const Configuration &configuration, const HostFacts &facts)
{
    if (!configuration.python)
        return {};
    const QString wanted = *configuration.python;
    if (facts.python3Version.isEmpty())
        return QStringLiteral("`python: %1` asked for, but this machine has no python3; commands run as they are")
            .arg(wanted);
    if (facts.python3Version == wanted || facts.python3Version.startsWith(wanted + QLatin1Char('.')))
        return {};
    return QStringLiteral("`python: %1` asked for, but this machine's python3 is %2; commands run with it as it is")
        .arg(wanted, facts.python3Version);
}

// A warning, never a refusal: the run may well need less than the configuration asks.
QString diskWarning(const Configuration &configuration, const HostFacts &facts)
{
    const std::optional<Range<double>> &disk = configuration.resources.diskGb;
    if (!disk || !disk->min || facts.diskTotalMib <= 0)
        return {};
    const double freeGb = double(facts.diskFreeMib) / 1024.0;
    if (freeGb >= *disk->min)
        return {};
    return QStringLiteral("disk: the configuration asks for %1GB or more; %2GB is free at %3")
        .arg(trimmedNumber(*disk->min, 1), trimmedNumber(freeGb, 1), facts.diskPath);
}

} // namespace

QString durationText(std::optional<int> seconds)
{
    if (!seconds || *seconds <= 0)
        return QStringLiteral("off");
    const int s = *seconds;
    if (s % 3600 == 0)
        return QStringLiteral("%1h").arg(s / 3600);
    if (s % 60 == 0)
        return QStringLiteral("%1m").arg(s / 60);
    return QStringLiteral("%1s").arg(s);
}

QList<std::pair<QString, QString>> localPlanHeader(const Configuration &configuration)
{
    QList<std::pair<QString, QString>> header;
    const QString user = localUserName();
    QString type = configuration.typeName.isEmpty() ? QStringLiteral("service") : configuration.typeName;
    if (configuration.type == RunType::Task)
        type += QStringLiteral(" (nodes=1)");
    header.append({QStringLiteral("Project"), QStringLiteral("local")});
    header.append({QStringLiteral("User"), user});
    if (!configuration.filePath.isEmpty())
        header.append({QStringLiteral("Configuration"), configuration.filePath});
    header.append({QStringLiteral("Type"), type});
    header.append({QStringLiteral("Resources"), resourcesSpecText(configuration.resources)});
    header.append({QStringLiteral("Spot policy"), configuration.spotPolicy.value_or(QStringLiteral("on-demand"))});
    header.append({QStringLiteral("Max price"),
                   configuration.maxPrice ? Offer::formatPrice(*configuration.maxPrice) : QStringLiteral("off")});
    const auto retry =
        configuration.canonical.is_object() ? configuration.canonical.find("retry") : configuration.canonical.end();
    header.append({QStringLiteral("Retry policy"),
                   configuration.canonical.is_object() && retry != configuration.canonical.end() && !retry->is_null() &&
                           !(retry->is_boolean() && !retry->get<bool>())
                       ? QStringLiteral("on (the local backend does not retry)")
                       : QStringLiteral("off")});
    header.append({QStringLiteral("Idle duration"), QStringLiteral("-")});
    header.append({QStringLiteral("Max duration"), durationText(configuration.maxDurationSec)});
    return header;
}

namespace {

// Why the configuration's placement filters (backends, regions, instance types, spot, an
// image without a container engine) rule this machine out; empty when they do not.
QString placementExclusion(const Configuration &configuration, const HostFacts &facts)
{
    const QString host = facts.hostName.isEmpty() ? QStringLiteral("local") : facts.hostName;
    auto excludedBy = [](const QStringList &allowed, const QStringList &values) {
        if (allowed.isEmpty())
            return false;
        for (const QString &a : allowed)
            for (const QString &v : values)
                if (a.compare(v, Qt::CaseInsensitive) == 0)
                    return false;
        return true;
    };
    if (excludedBy(configuration.backends, {QStringLiteral("local")}))
        return QStringLiteral("`backends: [%1]` excludes the local backend")
            .arg(configuration.backends.join(QStringLiteral(", ")));
    if (excludedBy(configuration.regions, {host}) || excludedBy(configuration.instanceTypes, {host}))
        return QStringLiteral("`regions`/`instance_types` exclude this machine (%1)").arg(host);
    if (configuration.spotPolicy && *configuration.spotPolicy == QLatin1String("spot"))
        return QStringLiteral(
            "`spot_policy: spot` asks for spot instances; this machine is not one (use on-demand or auto)");
    if (configuration.image && facts.containerEngine.isEmpty())
        return QStringLiteral("`image: %1` needs a container engine on this machine, and none answered (%2); "
                              "start Docker or Podman, or remove `image:` to run the commands directly")
            .arg(*configuration.image, facts.containerEngineProblem.isEmpty() ? QStringLiteral("no docker or podman")
                                                                              : facts.containerEngineProblem);
    return {};
}

} // namespace

LocalPlan makeLocalPlan(const Configuration &configuration, const HostFacts &facts)
{
    LocalPlan result;
    Plan &plan = result.plan;
    plan.backend = QStringLiteral("local");
    plan.project = QStringLiteral("local");
    plan.user = localUserName();
    plan.header = localPlanHeader(configuration);
    for (const QString &warning : {pythonWarning(configuration, facts), diskWarning(configuration, facts)})
        if (!warning.isEmpty())
            plan.header.append({QStringLiteral("Warning"), warning});
    for (const EnvVar &e : configuration.env) {
        if (!e.value && !qEnvironmentVariableIsSet(e.key.toUtf8().constData())) {
            plan.error = QStringLiteral(
                             "Environment variable %1 is not set (the configuration's `env` lists it without a value)")
                             .arg(e.key);
            return result;
        }
    }

    if (const QString excluded = placementExclusion(configuration, facts); !excluded.isEmpty()) {
        plan.noOffersReason = excluded;
        return result;
    }

    const ResourcesSpec spec = effectiveResources(configuration);
    MatchOptions options;
    options.divisible = true;
    QList<HostGpu> free;
    for (const HostGpu &g : facts.gpus)
        if (g.heldByRun.isEmpty())
            free.append(g);
    OfferMatch match = matchOffer(hostOffer(facts, free), spec, options);
    QList<HostGpu> source = free;
    QString availability = QStringLiteral("available");
    if (!match.matches()) {
        // Would it fit if the other runs let go of their GPUs? Then it is a busy offer.
        const OfferMatch withAll = matchOffer(hostOffer(facts, facts.gpus), spec, options);
        if (!withAll.matches() || free.size() == facts.gpus.size()) {
            plan.noOffersReason = match.unmet.join(QStringLiteral("; "));
            plan.totalOffers = 0;
            return result;
        }
        match = withAll;
        source = facts.gpus;
        availability = QStringLiteral("busy");
        for (int i : std::as_const(match.gpusTaken))
            if (!source.at(i).heldByRun.isEmpty() && !result.heldBy.contains(source.at(i).heldByRun))
                result.heldBy << source.at(i).heldByRun;
    }
    QList<HostGpu> taken;
    for (int i : std::as_const(match.gpusTaken)) {
        taken.append(source.at(i));
        result.gpuIndexes.append(source.at(i).index);
    }
    Offer offer = hostOffer(facts, taken);
    offer.availability = availability;
    plan.offers.append(offer);
    plan.totalOffers = 1;
    plan.maxPrice = 0.0;
    nlohmann::json gpus = nlohmann::json::array();
    for (int i : std::as_const(result.gpuIndexes))
        gpus.push_back(i);
    plan.raw = {{"local", {{"gpus", gpus}}}};
    return result;
}

} // namespace gantry
