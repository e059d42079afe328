#include "core/backends/local/LocalBackend.h"
#include "core/net/HttpAccess.h"

#include "core/backends/local/AsyncTool.h"
#include "core/backends/local/ProcessGroup.h"
#include "core/common/StatePaths.h"
#include "core/runs/LogStore.h"
#include "core/runs/RunNames.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QProcess>
#include <QSet>
#include <QStandardPaths>
#include <QSysInfo>
#include <QTimer>
#include <QUuid>
#include <utility>

#include <csignal>
#include <deque>

namespace gantry {

namespace {

constexpr int kRefreshMs = 1000;
constexpr int kLogRefreshMs = 250;
constexpr int kMetricsMs = 2000;
constexpr int kMaxMetricSamples = 300;
constexpr int kSupervisorStartGraceSec = 30; // a run with no supervisor pid after this is lost

QString uuid()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

// The configuration's env entries; value-less ones stay value-less (the supervisor inherits
// our environment, so the value never needs to be written down).
std::vector<std::pair<QString, std::optional<QString>>> specEnv(const Configuration &configuration)
{
    std::vector<std::pair<QString, std::optional<QString>>> env;
    for (const EnvVar &e : configuration.env)
        env.emplace_back(e.key, e.value);
    return env;
}

QString projectDirOf(const Configuration &configuration)
{
    if (configuration.filePath.isEmpty())
        return QDir::currentPath();
    return QFileInfo(configuration.filePath).absolutePath();
}

qint64 readPidFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    return file.read(64).trimmed().toLongLong();
}

// Whether the run's supervisor lives: it holds the run's lock for its whole life.
bool supervisorAlive(const QString &runDir)
{
    return processLockHeld(runfiles::supervisorLock(runDir));
}

// The supervisor as a process we may signal: holding the lock, and the recorded pid is still
// the same process (boot id, start time) running exactly `<gantry-cli> supervise <runDir>`.
ProcessIdentity provenSupervisor(const QString &runDir, const LocalRunState &state)
{
    const ProcessIdentity recorded{state.supervisorPid, state.supervisorStartTime, state.bootId};
    if (!recorded.isAlive() || !supervisorAlive(runDir))
        return {};
    const QStringList argv = processArgv(recorded.pid);
    if (argv.size() != 3 || argv.at(1) != QLatin1String("supervise"))
        return {};
    const QFileInfo dir(runDir), arg(argv.at(2));
    if (argv.at(2) != runDir && (!arg.isAbsolute() || arg.canonicalFilePath() != dir.canonicalFilePath()))
        return {};
    return recorded;
}

// Kills what is left of a run whose supervisor is gone: exactly the processes that carry the
// run's unique id in their environment (DSTACK_RUN_ID, set for the service and inherited by
// everything it started, setsid or not). A pid or a process group number proves nothing.
int killRunLeftovers(const QString &runDir)
{
    const auto spec = readRunSpec(runDir);
    if (!spec || spec->runId.isEmpty())
        return 0;
    int killed = 0;
    for (const ProcessIdentity &process : processesWithEnvironment("DSTACK_RUN_ID=" + spec->runId.toUtf8()))
        killed += signalProcess(process, SIGKILL) ? 1 : 0;
    return killed;
}

} // namespace

struct LocalBackend::Metrics {
    std::deque<MetricSample> samples;
    qint64 lastTicks = -1;
    QDateTime lastAt;
};

LocalBackend::LocalBackend(QObject *parent)
    : Backend(parent)
{
    m_watcher = new QFileSystemWatcher(this);
    m_watcher->addPath(runsDir());
    m_coalesce = new QTimer(this);
    m_coalesce->setSingleShot(true);
    m_coalesce->setInterval(50);
    connect(m_coalesce, &QTimer::timeout, this, [this] {
        if (std::exchange(m_refreshPending, false))
            refresh();
    });
    connect(m_watcher, &QFileSystemWatcher::directoryChanged, this, &LocalBackend::onDirectoryChanged);
    m_refreshTimer = new QTimer(this);
    m_refreshTimer->setInterval(kRefreshMs);
    connect(m_refreshTimer, &QTimer::timeout, this, &LocalBackend::refresh);
    m_refreshTimer->start();
    m_logTimer = new QTimer(this);
    m_logTimer->setInterval(kLogRefreshMs);
    connect(m_logTimer, &QTimer::timeout, this, [this]() {
        for (auto &[name, store] : m_logs)
            store->refresh();
    });
    m_logTimer->start();
    m_metricsTimer = new QTimer(this);
    m_metricsTimer->setInterval(kMetricsMs);
    connect(m_metricsTimer, &QTimer::timeout, this, &LocalBackend::sampleMetrics);
    m_metricsTimer->start();
    const QSignalBlocker blocker(this);
    refresh();
}

LocalBackend::~LocalBackend() = default;

QString LocalBackend::displayName() const
{
    return QStringLiteral("This machine (%1)").arg(QSysInfo::machineHostName());
}

QString LocalBackend::supervisorProgram()
{
    const QString self = QCoreApplication::applicationFilePath();
    if (QFileInfo(self).fileName().startsWith(QLatin1String("gantry-cli")))
        return self;
    const QString env = qEnvironmentVariable("GANTRY_CLI");
    if (!env.isEmpty() && QFileInfo(env).isExecutable())
        return env;
    const QString sibling = QCoreApplication::applicationDirPath() + QStringLiteral("/gantry-cli");
    if (QFileInfo(sibling).isExecutable())
        return sibling;
    return QStandardPaths::findExecutable(QStringLiteral("gantry-cli"));
}

QString LocalBackend::portProblem(int port)
{
    if (port <= 0 || port > 65535)
        return QStringLiteral("port %1 is not a valid TCP port").arg(port);
    QString problem;
    HttpAccess *access = httpAccess(&problem);
    if (!access)
        return QStringLiteral("cannot check whether port %1 is free: %2").arg(port).arg(problem);
    if (const QString why = access->portUnavailable(port); !why.isEmpty())
        return QStringLiteral("port %1 is already in use on this machine (%2); stop what listens there or change "
                              "`port:` in the configuration")
            .arg(port)
            .arg(why);
    return {};
}

QMap<int, QString> LocalBackend::heldGpus() const
{
    QMap<int, QString> held;
    for (const RunInfo &run : m_runs) {
        if (isFinal(run.status))
            continue;
        for (int index : m_states.value(run.name).gpuIndexes)
            held.insert(index, run.name);
    }
    return held;
}

void LocalBackend::planWithProbe(const Configuration &configuration, bool forApply,
                                 std::function<void(const LocalPlan &, const HostFacts &)> done)
{
    Q_UNUSED(forApply);
    auto *probe = new HostProbe(this);
    HostProbeRequest request;
    request.projectDir = projectDirOf(configuration);
    request.checkContainerEngine = configuration.image.has_value();
    request.checkPython = configuration.python.has_value();
    connect(probe, &HostProbe::finished, this,
            [this, probe, configuration, done = std::move(done)](const HostFacts &probed) {
                probe->deleteLater();
                refresh();
                HostFacts facts = probed;
                const QMap<int, QString> held = heldGpus();
                for (HostGpu &g : facts.gpus)
                    g.heldByRun = held.value(g.index);
                done(makeLocalPlan(configuration, facts), facts);
            });
    probe->start(request);
}

int LocalBackend::plan(const Configuration &configuration)
{
    const int requestId = m_nextRequest++;
    if (configuration.isFleet()) { // a fleet is instances of a dstack project; this machine has none to add
        Plan plan;
        plan.backend = QStringLiteral("local");
        plan.error = QStringLiteral(
            "a fleet configuration describes instances of a dstack project: apply it to a dstack project "
            "(gantry-cli apply -f FILE --project P), not to this machine");
        QTimer::singleShot(0, this, [this, requestId, plan] { Q_EMIT planFinished(requestId, plan); });
        return requestId;
    }
    planWithProbe(configuration, false, [this, requestId](const LocalPlan &local, const HostFacts &) {
        Q_EMIT planFinished(requestId, local.plan);
    });
    return requestId;
}

int LocalBackend::apply(const Configuration &configuration, const Offer &offer)
{
    const int requestId = m_nextRequest++;
    auto fail = [this, requestId](const QString &error) {
        QTimer::singleShot(0, this, [this, requestId, error]() { Q_EMIT applyFinished(requestId, {}, error); });
    };
    if (configuration.isFleet()) {
        fail(QStringLiteral("a fleet configuration is applied to a dstack project, not to this machine"));
        return requestId;
    }
    if (offer.backend != QLatin1String("local")) {
        fail(QStringLiteral("the local backend cannot run an offer of backend `%1`").arg(offer.backend));
        return requestId;
    }
    // Checks that need nothing probed come first, so that nothing starts when they fail.
    if (configuration.name && !isValidRunName(*configuration.name)) {
        fail(QStringLiteral("invalid run name `%1`: %2").arg(*configuration.name, runNameRule()));
        return requestId;
    }
    if (configuration.type == RunType::Service && configuration.containerPort) {
        if (const QString problem = portProblem(*configuration.containerPort); !problem.isEmpty()) {
            fail(problem);
            return requestId;
        }
    }
    planWithProbe(
        configuration, true, [this, requestId, configuration](const LocalPlan &local, const HostFacts &facts) {
            if (!local.plan.error.isEmpty()) {
                Q_EMIT applyFinished(requestId, {}, local.plan.error);
                return;
            }
            if (local.plan.offers.isEmpty()) {
                Q_EMIT applyFinished(requestId, {},
                                     QStringLiteral("no offer on this machine: %1").arg(local.plan.noOffersReason));
                return;
            }
            if (!local.heldBy.isEmpty()) {
                Q_EMIT applyFinished(requestId, {},
                                     QStringLiteral("the GPUs this run needs are held by run %1; stop it first")
                                         .arg(local.heldBy.join(QStringLiteral(", "))));
                return;
            }
            QString error;
            const std::optional<QString> runName = startRun(configuration, local, facts, &error);
            refresh();
            Q_EMIT applyFinished(requestId, runName.value_or(QString()), error);
        });
    return requestId;
}

// The run's name: the configuration's (an ended run of that name is replaced, as dstack
// does; an active one is an error: nullopt, *error says so), else a fresh dstack-style one.
std::optional<QString> LocalBackend::claimRunName(const Configuration &configuration, QString *error)
{
    refresh();
    if (configuration.name) {
        const QString name = *configuration.name;
        const auto existing =
            std::find_if(m_runs.cbegin(), m_runs.cend(), [&](const RunInfo &r) { return r.name == name; });
        if (existing != m_runs.cend() && !isFinal(existing->status)) {
            *error = QStringLiteral("run %1 is already %2; stop it first or choose another `name:`")
                         .arg(name, toString(existing->status));
            return std::nullopt;
        }
        QDir(runfiles::directory(name)).removeRecursively();
        m_logs.erase(name);
        return name;
    }
    QSet<QString> taken;
    for (const RunInfo &run : std::as_const(m_runs))
        taken.insert(run.name);
    for (const QString &dir : QDir(runsDir()).entryList(QDir::Dirs | QDir::NoDotAndDotDot))
        taken.insert(dir);
    return generateRunName(taken);
}

// What the supervisor needs to run the configuration on the planned offer (spec.json).
LocalRunSpec LocalBackend::runSpec(const QString &name, const Configuration &configuration, const LocalPlan &plan,
                                   const HostFacts &facts)
{
    LocalRunSpec spec;
    spec.runName = name;
    spec.runId = uuid();
    spec.jobId = uuid();
    spec.typeName = configuration.typeName.isEmpty() ? QStringLiteral("service") : configuration.typeName;
    spec.configurationPath = configuration.filePath;
    spec.workingDir = projectDirOf(configuration);
    spec.shell =
        configuration.shell.value_or(configuration.image ? QStringLiteral("/bin/sh") : QStringLiteral("/bin/bash"));
    spec.commands = configuration.commands;
    spec.env = specEnv(configuration);
    if (configuration.type == RunType::Service) {
        spec.port = configuration.containerPort;
        spec.probes = configuration.effectiveProbes();
    }
    spec.gpuIndexes = plan.gpuIndexes;
    spec.model = configuration.model;
    if (configuration.image) {
        spec.image = *configuration.image;
        spec.containerEngine = QStandardPaths::findExecutable(facts.containerEngine);
    }
    if (auto stop = configuration.canonical.find("stop_duration");
        configuration.canonical.is_object() && stop != configuration.canonical.end()) {
        if (stop->is_number_integer())
            spec.stopGraceSec = std::max(0, stop->get<int>());
        else if (stop->is_string() && stop->get<std::string>() == "off")
            spec.stopGraceSec = 0;
    }
    if (configuration.maxDurationSec && *configuration.maxDurationSec > 0)
        spec.maxDurationSec = configuration.maxDurationSec;
    spec.offer = plan.plan.offers.first();
    spec.configuration = configuration.canonical;
    return spec;
}

// Writes the run directory (spec, submitted status, first log line) and starts the detached
// supervisor on it. False with *error saying why when it cannot.
bool LocalBackend::launch(const LocalRunSpec &spec, const Configuration &configuration, const HostFacts &facts,
                          QString *error)
{
    const QString supervisor = supervisorProgram();
    if (supervisor.isEmpty()) {
        *error = QStringLiteral(
            "cannot find gantry-cli, which supervises local runs; install it next to gantry or set GANTRY_CLI");
        return false;
    }
    const QString dir = runfiles::directory(spec.runName);
    if (!QFileInfo(makePrivateDir(dir)).isDir()) {
        *error = QStringLiteral("cannot create the run directory %1").arg(dir);
        return false;
    }
    if (!writeRunSpec(dir, spec, error))
        return false;

    RunInfo info;
    info.name = spec.runName;
    info.backend = QStringLiteral("local");
    info.project = facts.hostName;
    info.configurationPath = configuration.filePath;
    info.submittedAt = QDateTime::currentDateTimeUtc();
    info.offer = spec.offer;
    recordStatus(info, RunStatus::Submitted, {});
    LocalRunState state;
    state.gpuIndexes = spec.gpuIndexes;
    state.port = spec.port;
    if (!writeRunStatus(dir, info, state, error))
        return false;
    LogStore(runfiles::log(dir))
        .appendLine(QStringLiteral("Run %1 submitted (%2)").arg(spec.runName, spec.offer.resourcesText()),
                    LogSource::Gantry);

    QProcess process;
    process.setProgram(supervisor);
    process.setArguments({QStringLiteral("supervise"), dir});
    process.setWorkingDirectory(spec.workingDir);
    process.setStandardInputFile(QProcess::nullDevice());
    process.setStandardOutputFile(runfiles::supervisorOutput(dir), QIODevice::Append);
    process.setStandardErrorFile(runfiles::supervisorOutput(dir), QIODevice::Append);
    qint64 pid = 0;
    if (!process.startDetached(&pid)) {
        info.error = QStringLiteral("cannot start the supervisor %1: %2").arg(supervisor, process.errorString());
        info.terminationReason = QStringLiteral("server_error");
        recordStatus(info, RunStatus::Failed, QStringLiteral("error"));
        writeRunStatus(dir, info, state, nullptr); // the error below is what matters
        *error = info.error;
        return false;
    }
    return true;
}

// The started run's name; nullopt with *error saying why nothing started.
std::optional<QString> LocalBackend::startRun(const Configuration &configuration, const LocalPlan &plan,
                                              const HostFacts &facts, QString *error)
{
    const std::optional<QString> name = claimRunName(configuration, error);
    if (!name || !launch(runSpec(*name, configuration, plan, facts), configuration, facts, error))
        return std::nullopt;
    return name;
}

QList<RunInfo> LocalBackend::runs() const
{
    return m_runs;
}

void LocalBackend::onDirectoryChanged(const QString &path)
{
    if (QFileInfo(path).absolutePath() != QFileInfo(runsDir()).absoluteFilePath() || !refreshRun(path))
        scheduleRefresh();
}

bool LocalBackend::refreshRun(const QString &runDir)
{
    LocalRunState state;
    const std::optional<RunInfo> info = readRunStatus(runDir, &state);
    if (!info)
        return false;
    for (RunInfo &run : m_runs) {
        if (run.name != info->name)
            continue;
        if (run.toJson() != info->toJson()) {
            run = *info;
            m_states.insert(info->name, state);
            Q_EMIT runsChanged();
        }
        return true;
    }
    return false; // not known yet: the full refresh finds it
}

void LocalBackend::scheduleRefresh()
{
    // Leading edge: the first change is read at once (a run becoming ready shows without
    // delay); changes in the next 50 ms are read together once that period ends.
    if (m_coalesce->isActive()) {
        m_refreshPending = true;
        return;
    }
    m_coalesce->start();
    refresh();
}

void LocalBackend::markVanished(const QString &runDir, RunInfo &info, const LocalRunState &state, const QString &why)
{
    // Leave nothing running: whatever the lost supervisor started goes with it — but only
    // what is proven to be the run's.
    killRunLeftovers(runDir);
    info.ready = false;
    info.error = why;
    info.terminationReason = QStringLiteral("server_error");
    recordStatus(info, RunStatus::Failed, QStringLiteral("error"));
    writeRunStatus(runDir, info, state, nullptr);
    LogStore(runfiles::log(runDir)).appendLine(why, LogSource::Gantry);
}

void LocalBackend::refresh()
{
    QList<RunInfo> runs;
    QHash<QString, LocalRunState> states;
    const QDir root(runsDir());
    const QStringList dirs = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    QStringList watched = m_watcher->directories();
    for (const QString &name : dirs) {
        const QString dir = root.filePath(name);
        LocalRunState state;
        auto info = readRunStatus(dir, &state);
        if (!info)
            continue; // being created, or not a run
        if (!isFinal(info->status)) {
            if (!watched.contains(dir))
                m_watcher->addPath(dir);
            const qint64 pid = readPidFile(runfiles::supervisorPid(dir));
            if (pid > 0) {
                // The supervisor takes its lock before it writes its pid: a pid file and no
                // lock holder means it is gone, whatever process has that number now.
                if (!supervisorAlive(dir)) {
                    // The supervisor may have finished between our two reads: read again first.
                    info = readRunStatus(dir, &state);
                    if (info && !isFinal(info->status))
                        markVanished(
                            dir, *info, state,
                            QStringLiteral("The supervisor of run %1 (pid %2) is gone, so the run was marked failed "
                                           "and what was left of its service was stopped")
                                .arg(name)
                                .arg(pid));
                }
            } else if (info->submittedAt.isValid() &&
                       info->submittedAt.secsTo(QDateTime::currentDateTimeUtc()) > kSupervisorStartGraceSec) {
                markVanished(dir, *info, state,
                             QStringLiteral("The supervisor of run %1 never started (see %2)")
                                 .arg(name, runfiles::supervisorOutput(dir)));
            }
            if (!info)
                continue;
        } else if (watched.contains(dir)) {
            m_watcher->removePath(dir);
        }
        states.insert(info->name, state);
        runs.append(*info);
    }
    std::stable_sort(runs.begin(), runs.end(),
                     [](const RunInfo &a, const RunInfo &b) { return a.submittedAt > b.submittedAt; });
    bool changed = runs.size() != m_runs.size();
    for (qsizetype i = 0; !changed && i < runs.size(); ++i)
        changed = runs.at(i).toJson() != m_runs.at(i).toJson();
    m_runs = runs;
    m_states = states;
    if (changed)
        Q_EMIT runsChanged();
}

void LocalBackend::stop(const QString &runName, bool abort)
{
    const QString dir = runfiles::directory(runName);
    LocalRunState state;
    auto info = readRunStatus(dir, &state);
    if (!info || isFinal(info->status))
        return;
    writeFileAtomically(runfiles::stopRequest(dir), abort ? QByteArrayLiteral("abort\n") : QByteArrayLiteral("stop\n"),
                        nullptr);
    const qint64 pid = readPidFile(runfiles::supervisorPid(dir));
    if (supervisorAlive(dir)) {
        // The supervisor polls the request file; a SIGTERM only makes it look at once, and is
        // sent only to the process proven to be this run's supervisor.
        if (const ProcessIdentity supervisor = provenSupervisor(dir, state); supervisor.isValid())
            signalProcess(supervisor, SIGTERM);
    } else if (pid > 0 || !info->submittedAt.isValid() ||
               info->submittedAt.secsTo(QDateTime::currentDateTimeUtc()) > kSupervisorStartGraceSec) {
        // No supervisor to ask: do its job here, on what is proven to be the run's.
        killRunLeftovers(dir);
        info->terminationReason = abort ? QStringLiteral("aborted_by_user") : QStringLiteral("stopped_by_user");
        recordStatus(*info, RunStatus::Terminated, abort ? QStringLiteral("aborted") : QStringLiteral("stopped"));
        writeRunStatus(dir, *info, state, nullptr);
    }
    // else: the supervisor is starting; it finds the request file when it does.
    scheduleRefresh();
}

LogStore *LocalBackend::logStore(const QString &runName)
{
    if (auto it = m_logs.find(runName); it != m_logs.end())
        return it->second.get();
    const QString dir = runfiles::directory(runName);
    if (!QFileInfo::exists(runfiles::status(dir)))
        return nullptr;
    auto store = std::make_unique<LogStore>(runfiles::log(dir));
    LogStore *raw = store.get();
    m_logs.emplace(runName, std::move(store));
    return raw;
}

QList<MetricSample> LocalBackend::metrics(const QString &runName) const
{
    auto it = m_metrics.find(runName);
    if (it == m_metrics.end())
        return {};
    return QList<MetricSample>(it->second->samples.begin(), it->second->samples.end());
}

void LocalBackend::sampleMetrics()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QSet<int> gpuIndexes;
    QStringList sampled;
    for (const RunInfo &run : std::as_const(m_runs)) {
        const LocalRunState state = m_states.value(run.name);
        if (run.status != RunStatus::Running || state.processGroup <= 1)
            continue;
        auto &slot = m_metrics[run.name];
        if (!slot)
            slot = std::make_unique<Metrics>();
        const GroupUsage usage = sampleProcessGroup(state.processGroup);
        MetricSample sample;
        sample.at = now;
        const int cpus = std::max(1, run.offer.resources.cpus);
        if (slot->lastTicks >= 0 && slot->lastAt.isValid()) {
            const double seconds = std::max(0.001, slot->lastAt.msecsTo(now) / 1000.0);
            const double busy = double(usage.cpuTicks - slot->lastTicks) / double(clockTicksPerSecond());
            sample.cpuPercent = std::clamp(busy / seconds / cpus * 100.0, 0.0, 100.0);
        }
        slot->lastTicks = usage.cpuTicks;
        slot->lastAt = now;
        sample.memoryBytes = double(usage.rssBytes);
        sample.memoryTotalBytes = double(run.offer.resources.memoryMib) * 1024.0 * 1024.0;
        slot->samples.push_back(sample);
        while (slot->samples.size() > size_t(kMaxMetricSamples))
            slot->samples.pop_front();
        for (int i : state.gpuIndexes)
            gpuIndexes.insert(i);
        sampled << run.name;
    }
    const QString smi = nvidiaSmiProgram();
    if (gpuIndexes.isEmpty() || smi.isEmpty()) {
        for (const QString &name : std::as_const(sampled))
            Q_EMIT metricsUpdated(name);
        return;
    }
    runToolAsync(this, smi,
                 {QStringLiteral("--query-gpu=index,utilization.gpu,memory.used,memory.total"),
                  QStringLiteral("--format=csv,noheader,nounits")},
                 5000, [this, sampled](const ToolResult &result) {
                     const QList<GpuUsage> usage =
                         result.succeeded() ? parseNvidiaSmiUsageCsv(result.standardOutput) : QList<GpuUsage>();
                     for (const QString &name : sampled) {
                         auto it = m_metrics.find(name);
                         if (it == m_metrics.end() || it->second->samples.empty())
                             continue;
                         MetricSample &sample = it->second->samples.back();
                         for (int index : m_states.value(name).gpuIndexes) {
                             for (const GpuUsage &u : usage) {
                                 if (u.index != index)
                                     continue;
                                 sample.gpuUtilPercent << u.utilPercent;
                                 sample.gpuMemoryBytes << u.memoryUsedMib * 1024.0 * 1024.0;
                                 sample.gpuMemoryTotalBytes << u.memoryTotalMib * 1024.0 * 1024.0;
                             }
                         }
                         Q_EMIT metricsUpdated(name);
                     }
                 });
}

} // namespace gantry
