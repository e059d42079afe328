// Never signal a process that is not ours: runs whose status.json names pids that now belong
// to someone else (a reboot, an OOM kill, plain pid reuse), processes that merely look like a
// supervisor, and service processes that left the group and the session (setsid). Real
// processes throughout; gantry-cli as a user runs it.

#include "core/backends/local/LocalBackend.h"
#include "core/common/StatePaths.h"
#include "tests/backends/local/LocalTestSupport.h"
#include "tests/support/CliProcess.h"
#include "tests/support/TestEnvironment.h"

#include <QDir>
#include <QFile>
#include <QProcess>

#include <nlohmann/json.hpp>

#include <csignal>
#include <memory>

using namespace gantry;
using namespace gantry::test;

namespace {

CliResult cli(const QStringList &args, int timeoutMs = 60000)
{
    CliOptions options;
    options.timeoutMs = timeoutMs;
    return runCli(args, options);
}

// A process that has nothing to do with any run, started and owned by the test.
std::unique_ptr<QProcess> startBystander(const QString &program, const QStringList &args,
                                         const QString &workingDir = {},
                                         const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    auto process = std::make_unique<QProcess>();
    process->setProgram(program);
    process->setArguments(args);
    process->setProcessEnvironment(env);
    if (!workingDir.isEmpty())
        process->setWorkingDirectory(workingDir);
    process->setStandardInputFile(QProcess::nullDevice());
    process->start();
    process->waitForStarted(10000);
    return process;
}

// A run directory as a crashed machine leaves it: status "running", pids recorded, and no
// supervisor holding the run's lock.
QString writeOrphanedRun(const QString &name, const QString &runId, const LocalRunState &state)
{
    const QString dir = runfiles::directory(name);
    QDir(dir).removeRecursively();
    makePrivateDir(dir);
    LocalRunSpec spec;
    spec.runName = name;
    spec.runId = runId;
    spec.jobId = runId + QStringLiteral("-job");
    spec.commands = {QStringLiteral("sleep 300")};
    spec.workingDir = dir;
    writeRunSpec(dir, spec, nullptr);
    RunInfo info;
    info.name = name;
    info.backend = QStringLiteral("local");
    info.submittedAt = QDateTime::currentDateTimeUtc().addSecs(-3600);
    recordStatus(info, RunStatus::Submitted, {});
    recordStatus(info, RunStatus::Provisioning, {});
    recordStatus(info, RunStatus::Running, {});
    writeRunStatus(dir, info, state, nullptr);
    writeFileAtomically(runfiles::supervisorPid(dir), QByteArray::number(state.supervisorPid) + '\n', nullptr);
    return dir;
}

QString statusOfRun(const QString &name)
{
    const auto info = readRunStatus(runfiles::directory(name));
    return info ? toString(info->status) : QString();
}

qint64 readPid(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll().trimmed().toLongLong() : 0;
}

} // namespace

class TestLocalIdentity : public QObject
{
    Q_OBJECT

    QStringList m_started;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!cliPath().isEmpty(), "the path of gantry-cli is not known (CTest passes it)");
        QDir(runsDir()).removeRecursively();
        qputenv("GANTRY_NVIDIA_SMI", "/bin/true"); // no GPU, whatever this machine has
    }

    void cleanupTestCase()
    {
        for (const QString &name : std::as_const(m_started))
            cli({QStringLiteral("stop"), name, QStringLiteral("--abort")});
    }

    // The supervisor and the service died with the machine; their numbers now belong to a
    // process that even looks like a supervisor (exact argv `… supervise <run dir>`, same
    // boot, its real start time recorded) and to another session's process group.
    void reusedPidsAreNeverSignalledByPsOrStop()
    {
        const QString name = QStringLiteral("reused-pids");
        const QString dir = runfiles::directory(name);
        const QString work = freshDir(QStringLiteral("impostor"));
        QFile script(work + QStringLiteral("/supervise"));
        QVERIFY(script.open(QIODevice::WriteOnly));
        script.write("import time\ntime.sleep(300)\n");
        script.close();
        // argv: [/usr/bin/python3, supervise, <run dir>] — the supervisor's shape exactly.
        auto impostor = startBystander(QStringLiteral("/usr/bin/python3"), {QStringLiteral("supervise"), dir}, work);
        QVERIFY(impostor->state() == QProcess::Running);
        // A process group of another session, with the number recorded as the service's group.
        auto group =
            startBystander(QStringLiteral("/usr/bin/setsid"), {QStringLiteral("sleep"), QStringLiteral("300")});
        QVERIFY(group->state() == QProcess::Running);
        const qint64 impostorPid = impostor->processId();
        const qint64 groupPid = group->processId();
        QTRY_VERIFY_WITH_TIMEOUT(processArgv(impostorPid).value(1) == QLatin1String("supervise"), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(processesInGroup(groupPid), QList<qint64>{groupPid}, 5000);

        LocalRunState state;
        state.supervisorPid = impostorPid;
        state.supervisorStartTime = processStartTime(impostorPid);
        state.processGroup = groupPid;
        state.processGroupStartTime = processStartTime(groupPid);
        state.bootId = currentBootId();
        writeOrphanedRun(name, QStringLiteral("0f9e8d7c-reused"), state);
        QCOMPARE(processArgv(impostorPid),
                 (QStringList{QStringLiteral("/usr/bin/python3"), QStringLiteral("supervise"), dir}));

        // stop first: with no lock holder there is no supervisor to ask, and nothing to kill
        // (gantry-cli's first look already finds the supervisor gone and fails the run).
        const CliResult stop = cli({QStringLiteral("stop"), name});
        QVERIFY2(stop.exitCode == 0, qPrintable(stop.out + stop.err));
        QVERIFY2(statusOfRun(name) == toString(RunStatus::Failed) ||
                     statusOfRun(name) == toString(RunStatus::Terminated),
                 qPrintable(statusOfRun(name)));
        QVERIFY(impostor->state() == QProcess::Running);
        QVERIFY(group->state() == QProcess::Running);
        QVERIFY(!impostor->waitForFinished(300));
        QVERIFY(!group->waitForFinished(300));

        // ps -a on a second such run: it is marked failed, and again nothing is signalled.
        writeOrphanedRun(name, QStringLiteral("0f9e8d7c-reused"), state);
        const CliResult ps = cli({QStringLiteral("ps"), QStringLiteral("-a")});
        QVERIFY2(ps.exitCode == 0, qPrintable(ps.out + ps.err));
        QCOMPARE(statusOfRun(name), toString(RunStatus::Failed));
        const auto failed = readRunStatus(dir);
        QVERIFY2(failed->error.contains(QLatin1String("supervisor")), qPrintable(failed->error));
        QVERIFY(!impostor->waitForFinished(300));
        QVERIFY(!group->waitForFinished(300));
        QVERIFY(impostor->state() == QProcess::Running);
        QVERIFY(group->state() == QProcess::Running);
        impostor->kill();
        group->kill();
        impostor->waitForFinished();
        group->waitForFinished();
    }

    // What is provably the run's — its processes carry DSTACK_RUN_ID — goes with a lost
    // supervisor; a process of another run (another id) stays.
    void leftoversOfALostSupervisorAreKilledAndOnlyThey()
    {
        const QString name = QStringLiteral("lost-supervisor");
        const QString runId = QStringLiteral("5b2c9a11-lost");
        QProcessEnvironment ours = QProcessEnvironment::systemEnvironment();
        ours.insert(QStringLiteral("DSTACK_RUN_ID"), runId);
        QProcessEnvironment theirs = QProcessEnvironment::systemEnvironment();
        theirs.insert(QStringLiteral("DSTACK_RUN_ID"), runId + QStringLiteral("-other"));
        auto leftover = startBystander(QStringLiteral("/usr/bin/setsid"),
                                       {QStringLiteral("sleep"), QStringLiteral("300")}, {}, ours);
        auto other = startBystander(QStringLiteral("/usr/bin/sleep"), {QStringLiteral("300")}, {}, theirs);
        QVERIFY(leftover->state() == QProcess::Running && other->state() == QProcess::Running);
        QTRY_VERIFY_WITH_TIMEOUT(processArgv(leftover->processId()).value(0) == QLatin1String("sleep"), 5000);

        // A supervisor pid that is dead now.
        QProcess gone;
        gone.start(QStringLiteral("/bin/true"));
        QVERIFY(gone.waitForStarted());
        const qint64 gonePid = gone.processId();
        QVERIFY(gone.waitForFinished());
        LocalRunState state;
        state.supervisorPid = gonePid;
        state.processGroup = leftover->processId();
        state.bootId = currentBootId();
        writeOrphanedRun(name, runId, state);

        const CliResult ps = cli({QStringLiteral("ps"), QStringLiteral("-a")});
        QVERIFY2(ps.exitCode == 0, qPrintable(ps.out + ps.err));
        QCOMPARE(statusOfRun(name), toString(RunStatus::Failed));
        QVERIFY(leftover->waitForFinished(10000));
        QCOMPARE(leftover->exitStatus(), QProcess::CrashExit); // SIGKILL
        QVERIFY(!other->waitForFinished(300));
        other->kill();
        other->waitForFinished();
    }

    // A service child that calls setsid leaves the process group and the session; stop must
    // still end it (the supervisor is a child subreaper and stops every descendant).
    void setsidChildDoesNotOutliveStop()
    {
        const QString project = freshDir(QStringLiteral("setsid-stop"));
        const QString pidFile = project + QStringLiteral("/escaped.pid");
        QFile yaml(project + QStringLiteral("/.dstack.yml"));
        QVERIFY(yaml.open(QIODevice::WriteOnly));
        yaml.write(QStringLiteral("type: task\nname: setsid-escape\ncommands:\n"
                                  "  - setsid sleep 300 >/dev/null 2>&1 < /dev/null &\n"
                                  "  - echo $! > %1\n"
                                  "  - sleep 300\n"
                                  "resources:\n  cpu: 1..\n  memory: 0.5GB..\n  disk: 0.1GB..\n")
                       .arg(pidFile)
                       .toUtf8());
        yaml.close();
        const CliResult apply =
            cli({QStringLiteral("apply"), QStringLiteral("-y"), QStringLiteral("--detach"), project});
        m_started << QStringLiteral("setsid-escape");
        QVERIFY2(apply.exitCode == 0, qPrintable(apply.out + apply.err));
        QTRY_VERIFY_WITH_TIMEOUT(readPid(pidFile) > 0, 20000);
        const qint64 escaped = readPid(pidFile);
        QTRY_VERIFY_WITH_TIMEOUT(processArgv(escaped).value(0) == QLatin1String("sleep"), 5000);
        const ProcessIdentity escapedIdentity = identifyProcess(escaped);
        QVERIFY(escapedIdentity.isAlive());
        QVERIFY(processesInGroup(processGroupOf(QStringLiteral("setsid-escape"))).size() >= 1);
        QVERIFY(
            !processesInGroup(processGroupOf(QStringLiteral("setsid-escape"))).contains(escaped)); // it left the group

        const CliResult stop = cli({QStringLiteral("stop"), QStringLiteral("setsid-escape")});
        QVERIFY2(stop.exitCode == 0, qPrintable(stop.out + stop.err));
        QTRY_COMPARE_WITH_TIMEOUT(statusOfRun(QStringLiteral("setsid-escape")), toString(RunStatus::Terminated), 30000);
        QVERIFY(!escapedIdentity.isAlive());
    }

    // A task whose shell exits leaving a setsid daemon behind: the daemon is reparented to the
    // supervisor (subreaper), which ends it before recording the run as done.
    void setsidDaemonOfAFinishedTaskIsEnded()
    {
        const QString project = freshDir(QStringLiteral("setsid-done"));
        const QString pidFile = project + QStringLiteral("/daemon.pid");
        QFile yaml(project + QStringLiteral("/.dstack.yml"));
        QVERIFY(yaml.open(QIODevice::WriteOnly));
        yaml.write(QStringLiteral("type: task\nname: setsid-daemon\ncommands:\n"
                                  "  - setsid sleep 300 >/dev/null 2>&1 < /dev/null &\n"
                                  "  - echo $! > %1\n"
                                  "resources:\n  cpu: 1..\n  memory: 0.5GB..\n  disk: 0.1GB..\n")
                       .arg(pidFile)
                       .toUtf8());
        yaml.close();
        const CliResult apply = cli({QStringLiteral("apply"), QStringLiteral("-y"), project});
        m_started << QStringLiteral("setsid-daemon");
        QVERIFY2(apply.exitCode == 0, qPrintable(apply.out + apply.err));
        QCOMPARE(statusOfRun(QStringLiteral("setsid-daemon")), toString(RunStatus::Done));
        const qint64 daemon = readPid(pidFile);
        QVERIFY(daemon > 0);
        QVERIFY2(!processAlive(daemon) || processArgv(daemon).value(0) != QLatin1String("sleep"),
                 "the setsid daemon outlived its run");
    }

    // The supervisor holds the run's lock and records who it is; the run directory is private.
    void supervisorRecordsItsIdentityAndHoldsTheLock()
    {
        const QString project = freshDir(QStringLiteral("identity"));
        QFile yaml(project + QStringLiteral("/.dstack.yml"));
        QVERIFY(yaml.open(QIODevice::WriteOnly));
        yaml.write("type: task\nname: identity-run\ncommands:\n  - sleep 300\nresources:\n  cpu: 1..\n  memory: "
                   "0.5GB..\n  disk: 0.1GB..\n");
        yaml.close();
        const CliResult apply =
            cli({QStringLiteral("apply"), QStringLiteral("-y"), QStringLiteral("--detach"), project});
        m_started << QStringLiteral("identity-run");
        QVERIFY2(apply.exitCode == 0, qPrintable(apply.out + apply.err));
        const QString dir = runfiles::directory(QStringLiteral("identity-run"));
        QTRY_COMPARE_WITH_TIMEOUT(statusOfRun(QStringLiteral("identity-run")), toString(RunStatus::Running), 20000);
        LocalRunState state;
        readRunStatus(dir, &state);
        QCOMPARE(state.bootId, currentBootId());
        QCOMPARE(state.supervisorStartTime, processStartTime(state.supervisorPid));
        QCOMPARE(state.processGroupStartTime, processStartTime(state.processGroup));
        QCOMPARE(processArgv(state.supervisorPid).value(1), QStringLiteral("supervise"));
        QVERIFY(processLockHeld(runfiles::supervisorLock(dir)));
        QCOMPARE(QFileInfo(dir).permissions() &
                     (QFile::ReadGroup | QFile::ReadOther | QFile::ExeGroup | QFile::ExeOther),
                 QFileDevice::Permissions());
        QCOMPARE(QFileInfo(runsDir()).permissions() & (QFile::ReadOther | QFile::ExeOther), QFileDevice::Permissions());
        QCOMPARE(QFileInfo(stateDir()).permissions() & (QFile::ReadOther | QFile::ExeOther),
                 QFileDevice::Permissions());
        for (const QString &file : {runfiles::status(dir), runfiles::spec(dir), runfiles::log(dir)})
            QCOMPARE(QFileInfo(file).permissions() & (QFile::ReadGroup | QFile::ReadOther), QFileDevice::Permissions());
        QCOMPARE(cli({QStringLiteral("stop"), QStringLiteral("identity-run"), QStringLiteral("--abort")}).exitCode, 0);
        QTRY_COMPARE_WITH_TIMEOUT(statusOfRun(QStringLiteral("identity-run")), toString(RunStatus::Terminated), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!processLockHeld(runfiles::supervisorLock(dir)), 10000);
    }

    // Value-less env entries (the usual way to pass HF_TOKEN) are recorded by key only; the
    // service still gets the value, inherited.
    void valuelessEnvIsNotWrittenToDisk()
    {
        const QString project = freshDir(QStringLiteral("env-secret"));
        const QString out = project + QStringLiteral("/seen.txt");
        QFile yaml(project + QStringLiteral("/.dstack.yml"));
        QVERIFY(yaml.open(QIODevice::WriteOnly));
        yaml.write(QStringLiteral("type: task\nname: env-secret\nenv:\n  - HF_TOKEN\n  - PLAIN=visible\ncommands:\n"
                                  "  - echo \"$HF_TOKEN $PLAIN\" > %1\n"
                                  "resources:\n  cpu: 1..\n  memory: 0.5GB..\n  disk: 0.1GB..\n")
                       .arg(out)
                       .toUtf8());
        yaml.close();
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HF_TOKEN"), QStringLiteral("hf_s3cr3t_value"));
        process.setProcessEnvironment(env);
        process.setStandardInputFile(QProcess::nullDevice());
        process.start(cliPath(), {QStringLiteral("apply"), QStringLiteral("-y"), project});
        QVERIFY(process.waitForFinished(60000));
        m_started << QStringLiteral("env-secret");
        QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
        QFile seen(out);
        QVERIFY(seen.open(QIODevice::ReadOnly));
        QCOMPARE(seen.readAll().trimmed(), QByteArray("hf_s3cr3t_value visible"));
        QFile spec(runfiles::spec(runfiles::directory(QStringLiteral("env-secret"))));
        QVERIFY(spec.open(QIODevice::ReadOnly));
        const QByteArray specText = spec.readAll();
        QVERIFY(specText.contains("HF_TOKEN"));
        QVERIFY(!specText.contains("hf_s3cr3t_value"));
    }

    // A container run: values travel in the engine's environment, never on its command line
    // (`ps` shows that to everyone); value-less entries are forwarded; the working dir is the
    // container's /workflow.
    void containerEnvIsNotOnTheCommandLine()
    {
        const QString project = freshDir(QStringLiteral("container-env"));
        const QString bin = freshDir(QStringLiteral("container-env-bin"));
        QFile engine(bin + QStringLiteral("/docker"));
        QVERIFY(engine.open(QIODevice::WriteOnly));
        engine.write(QStringLiteral("#!/bin/sh\n"
                                    "case \"$1\" in\n"
                                    "  info) echo 'Server Version: 0-fake'; exit 0 ;;\n"
                                    "  run) printf '%s\\n' \"$@\" > %1/argv; env > %1/env; exit 0 ;;\n"
                                    "esac\nexit 1\n")
                         .arg(bin)
                         .toUtf8());
        engine.close();
        QFile::setPermissions(engine.fileName(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        QFile yaml(project + QStringLiteral("/.dstack.yml"));
        QVERIFY(yaml.open(QIODevice::WriteOnly));
        yaml.write("type: task\nname: container-env\nimage: alpine\nenv:\n  - HF_TOKEN\n  - PLAIN=visible-value\n"
                   "commands:\n  - echo hi\nresources:\n  cpu: 1..\n  memory: 0.5GB..\n  disk: 0.1GB..\n");
        yaml.close();
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HF_TOKEN"), QStringLiteral("hf_container_secret"));
        env.insert(QStringLiteral("PATH"), bin + QLatin1Char(':') + env.value(QStringLiteral("PATH")));
        process.setProcessEnvironment(env);
        process.setStandardInputFile(QProcess::nullDevice());
        process.start(cliPath(), {QStringLiteral("apply"), QStringLiteral("-y"), project});
        QVERIFY(process.waitForFinished(60000));
        m_started << QStringLiteral("container-env");
        QVERIFY2(process.exitCode() == 0,
                 (process.readAllStandardOutput() + process.readAllStandardError()).constData());
        QFile argvFile(bin + QStringLiteral("/argv"));
        QVERIFY(argvFile.open(QIODevice::ReadOnly));
        const QList<QByteArray> argv = argvFile.readAll().split('\n');
        QFile envFile(bin + QStringLiteral("/env"));
        QVERIFY(envFile.open(QIODevice::ReadOnly));
        const QList<QByteArray> engineEnv = envFile.readAll().split('\n');
        for (const QByteArray &key : {QByteArray("HF_TOKEN"), QByteArray("PLAIN"), QByteArray("DSTACK_WORKING_DIR"),
                                      QByteArray("DSTACK_RUN_NAME")}) {
            const qsizetype at = argv.indexOf(key);
            QVERIFY2(at > 0 && argv.at(at - 1) == "-e", key.constData());
        }
        for (const QByteArray &arg : argv) {
            QVERIFY2(!arg.contains("hf_container_secret") && !arg.contains("visible-value") && !arg.contains('='),
                     arg.constData());
        }
        QVERIFY(engineEnv.contains("HF_TOKEN=hf_container_secret"));
        QVERIFY(engineEnv.contains("PLAIN=visible-value"));
        QVERIFY(engineEnv.contains("DSTACK_WORKING_DIR=/workflow"));
    }
};

QTEST_GUILESS_MAIN(TestLocalIdentity)
#include "test_local_identity.moc"
