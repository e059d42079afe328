#include "core/backends/local/Supervisor.h"

#include "core/backends/local/ProcessGroup.h"
#include "core/backends/local/ReadinessProbe.h"
#include "core/common/StatePaths.h"
#include "core/common/UnixSignalNotifier.h"
#include "core/runs/LogStore.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QFile>
#include <QFileInfo>
#include <QTimer>

#include <chrono>
#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>

namespace gantry {

namespace {

constexpr int kStopPollMs = 200;
constexpr int kGroupGoneTimeoutMs = 5000;

QString shellProgram(const QString &shell)
{
    if (shell.isEmpty() || shell == QLatin1String("bash"))
        return QStringLiteral("/bin/bash");
    if (shell == QLatin1String("sh"))
        return QStringLiteral("/bin/sh");
    return shell;
}

} // namespace

Supervisor::Supervisor(const QString &runDir, QObject *parent)
    : QObject(parent)
    , m_runDir(QFileInfo(runDir).absoluteFilePath())
{}

Supervisor::~Supervisor() = default;

bool Supervisor::start(QString *error)
{
    // Our own session and process group: the GUI/CLI that started us can die freely.
    ::setsid();
    // Orphans of the service (a `setsid sleep &` whose shell exited) become our children
    // rather than init's, so a stop still finds and ends them.
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    m_state.supervisorPid = QCoreApplication::applicationPid();
    m_state.supervisorStartTime = processStartTime(m_state.supervisorPid);
    m_state.bootId = currentBootId();

    QString problem;
    // The lock first: while it is held, every other process knows this run has a supervisor.
    const std::optional<int> lockFd = acquireProcessLock(runfiles::supervisorLock(m_runDir), &problem);
    if (!lockFd) {
        if (error)
            *error = problem;
        return false;
    }
    m_lockFd = *lockFd;
    const auto spec = readRunSpec(m_runDir, &problem);
    const auto info = readRunStatus(m_runDir, nullptr, &problem);
    if (!spec || !info) {
        if (error)
            *error = problem;
        return false;
    }
    m_spec = *spec;
    m_info = *info;
    m_state.gpuIndexes = m_spec.gpuIndexes;
    m_state.port = m_spec.port;
    m_log = std::make_unique<LogStore>(runfiles::log(m_runDir));

    if (!writeFileAtomically(runfiles::supervisorPid(m_runDir), QByteArray::number(m_state.supervisorPid) + '\n',
                             error))
        return false;
    // SIGTERM/SIGINT stop the service; the terminal that started us may go away (SIGHUP).
    signal(SIGHUP, SIG_IGN);
    m_stopSignals = new UnixSignalNotifier({SIGTERM, SIGINT}, this);
    connect(m_stopSignals, &UnixSignalNotifier::received, this, [this]() {
        QFile request(runfiles::stopRequest(m_runDir));
        const bool abort = request.open(QIODevice::ReadOnly) && request.readAll().trimmed() == "abort";
        requestStop(abort);
    });
    m_stopPoll = new QTimer(this);
    m_stopPoll->setInterval(kStopPollMs);
    connect(m_stopPoll, &QTimer::timeout, this, &Supervisor::checkStopRequest);
    m_stopPoll->start();

    recordStatus(m_info, RunStatus::Provisioning, {});
    persist();
    log(QStringLiteral("Supervisor %1 (%2) provisioning run %3 on this machine")
            .arg(m_state.supervisorPid)
            .arg(QCoreApplication::applicationFilePath(), m_spec.runName));
    QTimer::singleShot(0, this, &Supervisor::startService);
    return true;
}

QStringList Supervisor::serviceEnvironmentKeys() const
{
    QStringList keys;
    for (const auto &[key, value] : m_spec.env)
        keys << key;
    keys << QStringLiteral("DSTACK_RUN_NAME") << QStringLiteral("DSTACK_RUN_ID") << QStringLiteral("DSTACK_JOB_ID")
         << QStringLiteral("DSTACK_GPUS_NUM") << QStringLiteral("DSTACK_GPUS_PER_NODE")
         << QStringLiteral("DSTACK_NODES_NUM") << QStringLiteral("DSTACK_NODE_RANK")
         << QStringLiteral("DSTACK_MASTER_NODE_IP") << QStringLiteral("DSTACK_NODES_IPS")
         << QStringLiteral("DSTACK_WORKING_DIR");
    if (!m_spec.gpuIndexes.isEmpty())
        keys << QStringLiteral("CUDA_VISIBLE_DEVICES");
    keys.removeDuplicates();
    return keys;
}

QProcessEnvironment Supervisor::serviceEnvironment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // A value-less entry takes its value from our environment (inherited from whoever
    // applied the run); unset there, it is set empty, as the entry asks for the variable.
    for (const auto &[key, value] : m_spec.env)
        env.insert(key, value ? *value : env.value(key));
    const int gpus = int(m_spec.gpuIndexes.size());
    env.insert(QStringLiteral("DSTACK_RUN_NAME"), m_spec.runName);
    env.insert(QStringLiteral("DSTACK_RUN_ID"), m_spec.runId);
    env.insert(QStringLiteral("DSTACK_JOB_ID"), m_spec.jobId);
    env.insert(QStringLiteral("DSTACK_GPUS_NUM"), QString::number(gpus));
    env.insert(QStringLiteral("DSTACK_GPUS_PER_NODE"), QString::number(gpus));
    env.insert(QStringLiteral("DSTACK_NODES_NUM"), QStringLiteral("1"));
    env.insert(QStringLiteral("DSTACK_NODE_RANK"), QStringLiteral("0"));
    env.insert(QStringLiteral("DSTACK_MASTER_NODE_IP"), QStringLiteral("127.0.0.1"));
    env.insert(QStringLiteral("DSTACK_NODES_IPS"), QStringLiteral("127.0.0.1"));
    // In a container the project folder is mounted at /workflow.
    env.insert(QStringLiteral("DSTACK_WORKING_DIR"),
               m_spec.image.isEmpty() ? m_spec.workingDir : QStringLiteral("/workflow"));
    if (gpus > 0) {
        QStringList indexes;
        for (int i : m_spec.gpuIndexes)
            indexes << QString::number(i);
        env.insert(QStringLiteral("CUDA_VISIBLE_DEVICES"), indexes.join(QLatin1Char(',')));
    }
    return env;
}

QStringList Supervisor::serviceCommand(QString *program) const
{
    const QString script = m_spec.commands.join(QLatin1Char('\n'));
    if (m_spec.image.isEmpty()) {
        *program = shellProgram(m_spec.shell);
        return {QStringLiteral("-e"), QStringLiteral("-c"), script};
    }
    // A container: the project folder is mounted as the working dir, host networking keeps
    // the port where the probe looks, and the engine's client forwards our signals.
    *program = m_spec.containerEngine;
    QStringList args{QStringLiteral("run"),
                     QStringLiteral("--rm"),
                     QStringLiteral("--init"),
                     QStringLiteral("--name"),
                     QStringLiteral("gantry-") + m_spec.runName,
                     QStringLiteral("--network"),
                     QStringLiteral("host"),
                     QStringLiteral("-v"),
                     m_spec.workingDir + QStringLiteral(":/workflow"),
                     QStringLiteral("-w"),
                     QStringLiteral("/workflow")};
    // `-e KEY` only: the engine takes the value from its own environment (serviceEnvironment()),
    // so no value — HF_TOKEN included — shows on a command line that `ps` prints.
    for (const QString &key : serviceEnvironmentKeys())
        args << QStringLiteral("-e") << key;
    if (!m_spec.gpuIndexes.isEmpty()) {
        QStringList indexes;
        for (int i : m_spec.gpuIndexes)
            indexes << QString::number(i);
        args << QStringLiteral("--gpus") << QStringLiteral("\"device=%1\"").arg(indexes.join(QLatin1Char(',')));
    }
    const QString shell = m_spec.shell.isEmpty() ? QStringLiteral("/bin/sh") : shellProgram(m_spec.shell);
    args << m_spec.image << shell << QStringLiteral("-e") << QStringLiteral("-c") << script;
    return args;
}

void Supervisor::startService()
{
    if (m_stopping) {
        finish();
        return;
    }
    m_process = new QProcess(this);
    QString program;
    const QStringList arguments = serviceCommand(&program);
    m_process->setProgram(program);
    m_process->setArguments(arguments);
    m_process->setWorkingDirectory(m_spec.workingDir);
    m_process->setProcessEnvironment(serviceEnvironment());
    m_process->setStandardInputFile(QProcess::nullDevice());
    // The service leads its own process group, so a stop reaches everything it spawned.
    m_process->setChildProcessModifier([]() {
        ::setpgid(0, 0);
        ::signal(SIGTERM, SIG_DFL);
        ::signal(SIGINT, SIG_DFL);
        ::signal(SIGHUP, SIG_DFL);
    });
    connect(m_process, &QProcess::readyReadStandardOutput, this,
            [this]() { m_log->appendChunk(m_process->readAllStandardOutput(), LogSource::Stdout); });
    connect(m_process, &QProcess::readyReadStandardError, this,
            [this]() { m_log->appendChunk(m_process->readAllStandardError(), LogSource::Stderr); });
    connect(m_process, &QProcess::finished, this, &Supervisor::onServiceFinished);
    connect(m_process, &QProcess::errorOccurred, this, &Supervisor::onServiceError);
    connect(m_process, &QProcess::started, this, [this]() {
        m_state.processGroup = m_process->processId();
        m_state.processGroupStartTime = processStartTime(m_state.processGroup);
        if (m_stopping) {
            signalService(m_aborting ? SIGKILL : SIGTERM);
            persist();
            return;
        }
        m_started.start();
        recordStatus(m_info, RunStatus::Running, {});
        persist();
        if (m_spec.maxDurationSec) {
            QTimer::singleShot(std::chrono::seconds(*m_spec.maxDurationSec), this, [this]() {
                log(QStringLiteral("max_duration (%1 s) reached: stopping the run").arg(*m_spec.maxDurationSec));
                m_maxDurationExceeded = true;
                requestStop(false);
            });
        }
        log(QStringLiteral("Started %1 (pid %2) in %3")
                .arg(m_process->program())
                .arg(m_state.processGroup)
                .arg(m_spec.workingDir));
        if (m_spec.port) {
            m_probe = new ReadinessProbe(*m_spec.port, m_spec.probes, this);
            connect(m_probe, &ReadinessProbe::portOpened, this, &Supervisor::onPortOpened);
            connect(m_probe, &ReadinessProbe::ready, this, &Supervisor::onReady);
            m_probe->start();
        }
    });
    m_process->start();
}

// The timeline shows when the port opened as well as when the run became ready: the gap is
// the service's own warm-up (a model loading), the rest is ours.
void Supervisor::onPortOpened()
{
    if (m_stopping || m_info.status != RunStatus::Running)
        return;
    const QString message = QStringLiteral("Port %1 accepts connections, %2 s after the start")
                                .arg(*m_spec.port)
                                .arg(double(m_started.elapsed()) / 1000.0, 0, 'f', 3);
    m_info.history.append({QDateTime::currentDateTimeUtc(), QStringLiteral("port open"), message});
    persist();
    log(message);
}

void Supervisor::onReady()
{
    if (m_stopping || m_info.status != RunStatus::Running)
        return;
    const QString base = QStringLiteral("http://127.0.0.1:%1").arg(*m_spec.port);
    m_info.ready = true;
    m_info.serviceUrl = base;
    if (m_spec.model && m_spec.model->format == QLatin1String("openai")) {
        ModelEndpoint endpoint;
        endpoint.name = m_spec.model->name;
        endpoint.baseUrl = base + (m_spec.model->prefix.isEmpty() ? QStringLiteral("/v1") : m_spec.model->prefix);
        endpoint.format = m_spec.model->format;
        m_info.model = endpoint;
    }
    m_info.history.append({QDateTime::currentDateTimeUtc(), QStringLiteral("ready"),
                           QStringLiteral("Service is published at %1, %2 s after the start")
                               .arg(base)
                               .arg(double(m_started.elapsed()) / 1000.0, 0, 'f', 3)});
    persist();
    log(QStringLiteral("Service is published at %1").arg(base));
    if (m_info.model)
        log(QStringLiteral("Model %1 is published at %2").arg(m_info.model->name, m_info.model->baseUrl));
}

void Supervisor::onServiceError(QProcess::ProcessError error)
{
    if (error != QProcess::FailedToStart)
        return;
    m_startError = QStringLiteral("cannot start %1: %2").arg(m_process->program(), m_process->errorString());
    log(m_startError);
    finish();
}

void Supervisor::onServiceFinished(int exitCode, QProcess::ExitStatus status)
{
    m_log->appendChunk(m_process->readAllStandardOutput(), LogSource::Stdout);
    m_log->appendChunk(m_process->readAllStandardError(), LogSource::Stderr);
    m_log->flushPartial();
    m_crashed = status == QProcess::CrashExit;
    // Like a shell: a service killed by signal N "exited (128+N)".
    m_exitCode = m_crashed ? 128 + (exitCode > 0 && exitCode < 65 ? exitCode : SIGKILL) : exitCode;
    log(m_crashed ? QStringLiteral("The service was killed by a signal")
                  : QStringLiteral("The service exited with code %1").arg(exitCode));
    if (m_probe)
        m_probe->deleteLater();
    m_probe = nullptr;
    waitForGroupThenFinish();
}

void Supervisor::checkStopRequest()
{
    QFile request(runfiles::stopRequest(m_runDir));
    if (!request.exists())
        return;
    const bool abort = request.open(QIODevice::ReadOnly) && request.readAll().trimmed() == "abort";
    if (!m_stopping || (abort && !m_aborting))
        requestStop(abort);
}

void Supervisor::requestStop(bool abort)
{
    if (m_finishing || (m_stopping && (m_aborting || !abort)))
        return;
    const bool first = !m_stopping;
    m_stopping = true;
    m_aborting = m_aborting || abort;
    if (first) {
        m_info.terminationReason = m_maxDurationExceeded ? QStringLiteral("max_duration_exceeded")
                                   : abort               ? QStringLiteral("aborted_by_user")
                                                         : QStringLiteral("stopped_by_user");
        recordStatus(m_info, RunStatus::Terminating, {});
        persist();
    } else {
        m_info.terminationReason = QStringLiteral("aborted_by_user");
        persist();
    }
    if (!m_process || m_process->state() == QProcess::NotRunning)
        return; // not started yet (startService() sees m_stopping) or already on its way out
    const qint64 group = m_state.processGroup;
    if (abort) {
        log(QStringLiteral("Aborting: SIGKILL to process group %1 and every process it started").arg(group));
        signalService(SIGKILL);
        return;
    }
    log(QStringLiteral("Stopping: SIGTERM to process group %1 and every process it started, SIGKILL after %2 s")
            .arg(group)
            .arg(m_spec.stopGraceSec));
    signalService(SIGTERM);
    m_graceTimer = new QTimer(this);
    m_graceTimer->setSingleShot(true);
    connect(m_graceTimer, &QTimer::timeout, this, [this, group]() {
        log(QStringLiteral("Grace period over: SIGKILL to process group %1 and every process it started").arg(group));
        signalService(SIGKILL);
    });
    m_graceTimer->start(std::max(0, m_spec.stopGraceSec) * 1000);
}

int Supervisor::signalService(int signal)
{
    // The group while its leader is our live child (the pgid is then proven ours), and every
    // descendant: with PR_SET_CHILD_SUBREAPER even a process that left the group and the
    // session (setsid) stays below us. Each goes through a pidfd checked against its start time.
    if (m_process && m_process->state() == QProcess::Running && m_state.processGroup > 1)
        signalProcessGroup(m_state.processGroup, signal);
    int signalled = 0;
    for (const ProcessIdentity &process : descendantsOf(m_state.supervisorPid))
        signalled += signalProcess(process, signal) ? 1 : 0;
    return signalled;
}

bool Supervisor::serviceProcessesLeft()
{
    reapOrphanedChildren(m_process ? m_process->processId() : 0);
    return !descendantsOf(m_state.supervisorPid).isEmpty();
}

void Supervisor::waitForGroupThenFinish()
{
    // Whatever the leader left behind goes too: a run leaves nothing running. After a
    // graceful stop the rest keeps its grace period; otherwise SIGKILL at once.
    const qint64 group = m_state.processGroup;
    if (!serviceProcessesLeft()) {
        finish();
        return;
    }
    const bool graceful = m_stopping && !m_aborting;
    signalService(graceful ? SIGTERM : SIGKILL);
    auto killAt = std::make_shared<QDeadlineTimer>(graceful ? std::max(0, m_spec.stopGraceSec) * 1000 : 0);
    auto giveUpAt = std::make_shared<QDeadlineTimer>((graceful ? std::max(0, m_spec.stopGraceSec) * 1000 : 0) +
                                                     kGroupGoneTimeoutMs);
    auto *poll = new QTimer(this);
    poll->setInterval(50);
    connect(poll, &QTimer::timeout, this, [this, poll, group, killAt, giveUpAt]() {
        if (serviceProcessesLeft()) {
            if (killAt->hasExpired())
                signalService(SIGKILL);
            if (!giveUpAt->hasExpired())
                return;
            log(QStringLiteral("Process group %1 did not go away after SIGKILL").arg(group));
        }
        poll->stop();
        poll->deleteLater();
        finish();
    });
    poll->start();
}

void Supervisor::finish()
{
    if (m_finishing)
        return;
    m_finishing = true;
    if (m_graceTimer)
        m_graceTimer->stop();
    m_info.ready = false;
    int supervisorExit = 0;
    if (!m_startError.isEmpty()) {
        m_info.error = m_startError;
        m_info.terminationReason = QStringLiteral("job_failed");
        recordStatus(m_info, RunStatus::Terminating, {});
        recordStatus(m_info, RunStatus::Failed, QStringLiteral("error"));
        supervisorExit = 1;
    } else if (m_stopping) {
        recordStatus(m_info, RunStatus::Terminated,
                     m_maxDurationExceeded ? QStringLiteral("max duration exceeded")
                     : m_aborting          ? QStringLiteral("aborted")
                                           : QStringLiteral("stopped"));
    } else if (m_exitCode == 0) {
        m_info.terminationReason = QStringLiteral("all_jobs_done");
        recordStatus(m_info, RunStatus::Terminating, {});
        recordStatus(m_info, RunStatus::Done, QStringLiteral("exited (0)"));
    } else {
        m_info.terminationReason = QStringLiteral("job_failed");
        recordStatus(m_info, RunStatus::Terminating, {});
        recordStatus(m_info, RunStatus::Failed, QStringLiteral("exited (%1)").arg(m_exitCode));
        supervisorExit = 1;
    }
    persist();
    log(QStringLiteral("Run %1 %2 (%3)").arg(m_spec.runName, toString(m_info.status), m_info.statusMessage));
    QFile::remove(runfiles::stopRequest(m_runDir));
    Q_EMIT finished(supervisorExit);
}

void Supervisor::persist()
{
    if (QString e; !writeRunStatus(m_runDir, m_info, m_state, &e))
        log(QStringLiteral("cannot record the run status: %1").arg(e));
}

void Supervisor::log(const QString &text)
{
    if (m_log)
        m_log->appendLine(text, LogSource::Gantry);
}

} // namespace gantry
