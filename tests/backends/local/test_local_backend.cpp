// The local backend end to end through LocalBackend: real supervisors (gantry-cli supervise),
// real processes, real HTTP on 127.0.0.1.

#include "core/backends/local/LocalBackend.h"
#include "core/common/StatePaths.h"
#include "tests/backends/local/LocalTestSupport.h"
#include "tests/support/TestEnvironment.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QNetworkReply>

#include <csignal>

using namespace gantry;
using namespace gantry::test;

Q_DECLARE_METATYPE(gantry::Plan)

class TestLocalBackend : public QObject
{
    Q_OBJECT

    QStringList m_started; // runs to clean up whatever happens

private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<gantry::Plan>();
        QVERIFY2(QFileInfo(cliPath()).isExecutable(), "gantry-cli is not built");
        QDir(runsDir()).removeRecursively();
        qunsetenv("GANTRY_NVIDIA_SMI");
        qputenv("GANTRY_NVIDIA_SMI", "/bin/true"); // this machine, as tests see it: no GPU
    }

    void cleanupTestCase()
    {
        LocalBackend backend;
        for (const QString &name : std::as_const(m_started))
            backend.stop(name, true);
        for (const QString &name : std::as_const(m_started))
            QTRY_VERIFY_WITH_TIMEOUT(isFinal(statusOf(backend, name)), 20000);
    }

    void hostProbeReportsLaterWithTheHostsFacts()
    {
        // Whatever tools this machine has (none at all takes a synchronous path inside).
        const QByteArray injected = qgetenv("GANTRY_NVIDIA_SMI");
        qunsetenv("GANTRY_NVIDIA_SMI");
        HostProbe probe;
        QSignalSpy finished(&probe, &HostProbe::finished);
        probe.start({sourceDir(), false, true});
        QCOMPARE(finished.count(), 0); // never from inside start()
        QVERIFY(finished.wait(30000));
        qputenv("GANTRY_NVIDIA_SMI", injected);
        const HostFacts facts = finished.first().at(0).value<HostFacts>();
        QVERIFY(facts.cpus >= 1);
        QVERIFY(facts.memoryMib > 0);
        QVERIFY(facts.diskFreeMib > 0);
        QVERIFY(facts.cpuArch == QLatin1String("x86") || facts.cpuArch == QLatin1String("arm"));
        QVERIFY(!facts.hostName.isEmpty());
        QVERIFY(!facts.python3Version.isEmpty()); // python3 is part of the toolchain here
    }

    void failedCommandIsFailedWithExitCodeAndKeepsLogs()
    {
        LocalBackend backend;
        const QString project = freshDir(QStringLiteral("exit3"));
        Configuration c = commandsConfiguration(
            project, RunType::Task,
            {QStringLiteral("echo before-exit"), QStringLiteral("exit 3"), QStringLiteral("echo never-printed")});
        QString error;
        const QString name = planAndApply(backend, c, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_started << name;
        QTRY_COMPARE_WITH_TIMEOUT(toString(statusOf(backend, name)), toString(RunStatus::Failed), 20000);
        const RunInfo run = *findRun(backend, name);
        QCOMPARE(run.statusMessage, QStringLiteral("exited (3)"));
        QCOMPARE(run.terminationReason, QStringLiteral("job_failed"));
        QVERIFY(run.finishedAt.isValid());
        QStringList statuses;
        for (const StatusEvent &e : run.history)
            statuses << e.status;
        QCOMPARE(statuses,
                 (QStringList{QStringLiteral("submitted"), QStringLiteral("provisioning"), QStringLiteral("running"),
                              QStringLiteral("terminating"), QStringLiteral("failed")}));
        QVERIFY(logContains(backend, name, QStringLiteral("before-exit")));
        QVERIFY(!logContains(backend, name, QStringLiteral("never-printed"))); // bash -e: stops at the first failure
        QVERIFY(QFileInfo::exists(runfiles::log(runfiles::directory(name))));
        QCOMPARE(backend.logStore(name)->line(0).source, LogSource::Gantry);
    }

    void successfulTaskIsDoneAndSeesDstackVariables()
    {
        LocalBackend backend;
        const QString project = freshDir(QStringLiteral("done"));
        Configuration c = commandsConfiguration(
            project, RunType::Task,
            {QStringLiteral("echo \"run=$DSTACK_RUN_NAME nodes=$DSTACK_NODES_NUM rank=$DSTACK_NODE_RANK "
                            "master=$DSTACK_MASTER_NODE_IP gpus=$DSTACK_GPUS_NUM greeting=$GREETING pwd=$(pwd)\"")});
        c.env.push_back({QStringLiteral("GREETING"), QStringLiteral("hello world")});
        c.name = QStringLiteral("env-check");
        QString error;
        const QString name = planAndApply(backend, c, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(name, QStringLiteral("env-check"));
        m_started << name;
        QTRY_COMPARE_WITH_TIMEOUT(toString(statusOf(backend, name)), toString(RunStatus::Done), 20000);
        const RunInfo run = *findRun(backend, name);
        QCOMPARE(run.statusMessage, QStringLiteral("exited (0)"));
        QCOMPARE(run.terminationReason, QStringLiteral("all_jobs_done"));
        QVERIFY(logContains(
            backend, name,
            QStringLiteral("run=env-check nodes=1 rank=0 master=127.0.0.1 gpus=0 greeting=hello world pwd=") +
                project));
    }

    void takenPortIsAClearErrorAndNothingStarts()
    {
        QTcpServer occupant;
        QVERIFY(occupant.listen(QHostAddress::AnyIPv4, 0));
        const int port = occupant.serverPort();
        LocalBackend backend;
        const qsizetype before = QDir(runsDir()).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size();
        Configuration c = commandsConfiguration(freshDir(QStringLiteral("port")), RunType::Service,
                                                {QStringLiteral("/usr/bin/python3 -m http.server %1").arg(port)}, port);
        QString error;
        const QString name = planAndApply(backend, c, &error);
        QVERIFY(name.isEmpty());
        QVERIFY2(error.contains(QStringLiteral("port %1 is already in use").arg(port)), qPrintable(error));
        QCOMPARE(QDir(runsDir()).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size(), before);
    }

    void serviceBecomesReadyAndStopLeavesNothing()
    {
        LocalBackend backend;
        const int port = freeTcpPort();
        const QString project = freshDir(QStringLiteral("http"));
        QFile page(project + QStringLiteral("/hello.txt"));
        QVERIFY(page.open(QIODevice::WriteOnly));
        page.write("hello from the project folder\n");
        page.close();
        // A child process in the background too: stop must take the whole group.
        Configuration c = commandsConfiguration(
            project, RunType::Service,
            {QStringLiteral("sleep 300 &"),
             QStringLiteral("exec /usr/bin/python3 -m http.server %1 --bind 127.0.0.1").arg(port)},
            port);
        c.probes = std::vector<ProbeSpec>{ProbeSpec{QStringLiteral("/hello.txt")}};
        QString error;
        const QString name = planAndApply(backend, c, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_started << name;
        QSignalSpy changed(&backend, &Backend::runsChanged);
        QTRY_VERIFY_WITH_TIMEOUT(readyOf(backend, name), 30000);
        QVERIFY(changed.count() > 0);
        const RunInfo run = *findRun(backend, name);
        QCOMPARE(toString(run.status), toString(RunStatus::Running));
        QCOMPARE(run.serviceUrl, QStringLiteral("http://127.0.0.1:%1").arg(port));
        // The timeline has when the port opened, then when the run became ready.
        const auto opened = std::find_if(run.history.cbegin(), run.history.cend(),
                                         [](const StatusEvent &e) { return e.status == QLatin1String("port open"); });
        const auto readyEvent = std::find_if(run.history.cbegin(), run.history.cend(),
                                             [](const StatusEvent &e) { return e.status == QLatin1String("ready"); });
        QVERIFY(opened != run.history.cend());
        QVERIFY(readyEvent != run.history.cend());
        QVERIFY(opened < readyEvent);
        QVERIFY(opened->at <= readyEvent->at);
        QVERIFY2(opened->message.startsWith(QStringLiteral("Port %1 accepts connections, ").arg(port)),
                 qPrintable(opened->message));
        QVERIFY(logContains(backend, name, QStringLiteral("Service is published at http://127.0.0.1:%1").arg(port)));

        // The service really answers, from the project folder.
        QNetworkAccessManager network;
        QNetworkReply *reply = network.get(QNetworkRequest(QUrl(run.serviceUrl + QStringLiteral("/hello.txt"))));
        QSignalSpy done(reply, &QNetworkReply::finished);
        QVERIFY(done.wait(10000));
        QCOMPARE(reply->readAll(), QByteArray("hello from the project folder\n"));
        reply->deleteLater();

        const qint64 group = processGroupOf(name);
        QVERIFY(group > 1);
        QVERIFY(processesInGroup(group).size() >= 2); // python and the background sleep
        backend.stop(name, false);
        QTRY_COMPARE_WITH_TIMEOUT(toString(statusOf(backend, name)), toString(RunStatus::Terminated), 30000);
        const RunInfo stopped = *findRun(backend, name);
        QCOMPARE(stopped.statusMessage, QStringLiteral("stopped"));
        QCOMPARE(stopped.terminationReason, QStringLiteral("stopped_by_user"));
        QVERIFY(!stopped.ready);
        QVERIFY(processesInGroup(group).isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(!processAlive(supervisorPidOf(name)), 10000);
        QVERIFY(LocalBackend::portProblem(port).isEmpty()); // the port is free again
    }

    void abortKillsAtOnceEvenWhenSigtermIsIgnored()
    {
        LocalBackend backend;
        const int port = freeTcpPort();
        Configuration c = commandsConfiguration(
            freshDir(QStringLiteral("abort")), RunType::Service,
            {QStringLiteral("trap '' TERM"), QStringLiteral("while true; do sleep 0.2; done")}, port);
        QString error;
        const QString name = planAndApply(backend, c, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_started << name;
        QTRY_COMPARE_WITH_TIMEOUT(toString(statusOf(backend, name)), toString(RunStatus::Running), 20000);
        const qint64 group = processGroupOf(name);
        QVERIFY(!processesInGroup(group).isEmpty());
        backend.stop(name, true);
        QTRY_COMPARE_WITH_TIMEOUT(toString(statusOf(backend, name)), toString(RunStatus::Terminated),
                                  5000); // well under the 10 s grace
        QCOMPARE(findRun(backend, name)->statusMessage, QStringLiteral("aborted"));
        QCOMPARE(findRun(backend, name)->terminationReason, QStringLiteral("aborted_by_user"));
        QVERIFY(processesInGroup(group).isEmpty());
    }

    void anotherProcessReattachesAndAVanishedSupervisorFailsTheRun()
    {
        QString name;
        const int port = freeTcpPort();
        {
            LocalBackend first;
            Configuration c = commandsConfiguration(
                freshDir(QStringLiteral("vanish")), RunType::Service,
                {QStringLiteral("echo serving"),
                 QStringLiteral("exec /usr/bin/python3 -m http.server %1 --bind 127.0.0.1").arg(port)},
                port);
            QString error;
            name = planAndApply(first, c, &error);
            QVERIFY2(error.isEmpty(), qPrintable(error));
            m_started << name;
            QTRY_VERIFY_WITH_TIMEOUT(readyOf(first, name), 30000);
        } // the first "GUI" is gone; the run is not
        LocalBackend second;
        const auto seen = findRun(second, name);
        QVERIFY(seen);
        QCOMPARE(toString(seen->status), toString(RunStatus::Running));
        QVERIFY(seen->ready);
        QTRY_VERIFY_WITH_TIMEOUT(logContains(second, name, QStringLiteral("serving")), 5000);

        const qint64 group = processGroupOf(name);
        const qint64 supervisor = supervisorPidOf(name);
        // The supervisor lives as long as its run, so it maps only what supervising needs: not
        // QtSql and SQLite, which the chat store's module (libgantry_sql.so) brings (issue 14).
        const QByteArray mapped = test::memoryMap(supervisor);
        QVERIFY(mapped.contains("libQt6Core")); // the right process's map
        for (const char *library : {"libQt6Sql", "libsqlite3", "libgantry_sql"})
            QVERIFY2(!mapped.contains(library), library);
        QVERIFY(::kill(pid_t(supervisor), SIGKILL) == 0);
        QTRY_VERIFY_WITH_TIMEOUT(!processAlive(supervisor), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(toString(statusOf(second, name)), toString(RunStatus::Failed), 5000);
        const RunInfo failed = *findRun(second, name);
        QVERIFY2(failed.error.contains(QLatin1String("supervisor")), qPrintable(failed.error));
        QVERIFY(!failed.terminationReason.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(processesInGroup(group).isEmpty(), 5000);
    }

    void gpuRequirementWithoutGpuHasNoOffer()
    {
        LocalBackend backend;
        Configuration c =
            commandsConfiguration(freshDir(QStringLiteral("nogpu")), RunType::Task, {QStringLiteral("true")});
        c.resources.gpu.memoryGb = Range<double>{24.0, std::nullopt};
        c.resources.gpu.count = {1, std::nullopt};
        QSignalSpy planned(&backend, &Backend::planFinished);
        backend.plan(c);
        QVERIFY(planned.wait(30000));
        const Plan plan = planned.first().at(1).value<Plan>();
        QVERIFY(plan.offers.isEmpty());
        QVERIFY2(plan.noOffersReason.contains(QLatin1String("needs gpu")), qPrintable(plan.noOffersReason));
        QVERIFY2(plan.noOffersReason.contains(QLatin1String("this machine has no GPU")),
                 qPrintable(plan.noOffersReason));
    }

    void imageWithoutAnsweringEngineHasNoOffer()
    {
        LocalBackend backend;
        Configuration c =
            commandsConfiguration(freshDir(QStringLiteral("image")), RunType::Task, {QStringLiteral("true")});
        c.image = QStringLiteral("python:3.12");
        const QByteArray path = qgetenv("PATH");
        qputenv("PATH", dataPath(QStringLiteral("local/no-engine")).toUtf8());
        QSignalSpy planned(&backend, &Backend::planFinished);
        backend.plan(c);
        const bool finished = planned.wait(30000);
        qputenv("PATH", path);
        QVERIFY(finished);
        const Plan plan = planned.first().at(1).value<Plan>();
        QVERIFY(plan.offers.isEmpty());
        QVERIFY2(plan.noOffersReason.contains(QLatin1String("Cannot connect to the Docker daemon")),
                 qPrintable(plan.noOffersReason));
    }

    void fakeNvidiaSmiGivesAGpuOfferAndCudaVisibleDevices()
    {
        qputenv("GANTRY_NVIDIA_SMI", dataPath(QStringLiteral("local/fake-nvidia-smi")).toUtf8());
        LocalBackend backend;
        Configuration c =
            commandsConfiguration(freshDir(QStringLiteral("gpu")), RunType::Service,
                                  {QStringLiteral("echo \"cuda=$CUDA_VISIBLE_DEVICES gpus=$DSTACK_GPUS_NUM\""),
                                   QStringLiteral("exec sleep 300")},
                                  freeTcpPort());
        c.resources.gpu.names = {QStringLiteral("a10g")};
        c.resources.gpu.count = {1, 1};
        Plan plan;
        QString error;
        const QString name = planAndApply(backend, c, &error, &plan);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_started << name;
        QCOMPARE(plan.offers.size(), 1);
        const Offer offer = plan.offers.first();
        QCOMPARE(offer.resources.gpus.size(), 1);
        QCOMPARE(offer.resources.gpus.first().name, QStringLiteral("A10G"));
        QCOMPARE(offer.resources.gpus.first().memoryMib, 23028);
        QVERIFY(offer.resourcesText().endsWith(QLatin1String("gpu=A10G:22.5GB:1")));
        QTRY_VERIFY_WITH_TIMEOUT(logContains(backend, name, QStringLiteral("cuda=0 gpus=1")), 20000);

        // GPU 0 is held now: a second run needing both GPUs is refused, naming the holder.
        Configuration both = c;
        both.resources.gpu.count = {2, 2};
        both.containerPort = freeTcpPort();
        QString secondError;
        const QString second = planAndApply(backend, both, &secondError);
        QVERIFY(second.isEmpty());
        QVERIFY2(secondError.contains(name), qPrintable(secondError));

        // A second run needing one GPU gets the other one.
        Configuration other = c;
        other.containerPort = freeTcpPort();
        const QString third = planAndApply(backend, other, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_started << third;
        QTRY_VERIFY_WITH_TIMEOUT(logContains(backend, third, QStringLiteral("cuda=1 gpus=1")), 20000);

        backend.stop(name, true);
        backend.stop(third, true);
        QTRY_COMPARE_WITH_TIMEOUT(toString(statusOf(backend, name)), toString(RunStatus::Terminated), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(toString(statusOf(backend, third)), toString(RunStatus::Terminated), 10000);
        qputenv("GANTRY_NVIDIA_SMI", "/bin/true");
    }

    void maxDurationStopsTheRun()
    {
        LocalBackend backend;
        Configuration c = commandsConfiguration(freshDir(QStringLiteral("maxduration")), RunType::Task,
                                                {QStringLiteral("exec sleep 300")});
        c.maxDurationSec = 1;
        c.canonical["stop_duration"] = 1;
        QString error;
        const QString name = planAndApply(backend, c, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_started << name;
        QTRY_COMPARE_WITH_TIMEOUT(toString(statusOf(backend, name)), toString(RunStatus::Terminated), 20000);
        const RunInfo run = *findRun(backend, name);
        QCOMPARE(run.statusMessage, QStringLiteral("max duration exceeded"));
        QCOMPARE(run.terminationReason, QStringLiteral("max_duration_exceeded"));
        const auto spec = readRunSpec(runfiles::directory(name));
        QVERIFY(spec);
        QCOMPARE(spec->stopGraceSec, 1);
        QCOMPARE(spec->maxDurationSec.value_or(0), 1);
    }

    void metricsSampleTheRunsProcesses()
    {
        LocalBackend backend;
        Configuration c = commandsConfiguration(freshDir(QStringLiteral("metrics")), RunType::Service,
                                                {QStringLiteral("exec sleep 300")}, freeTcpPort());
        QString error;
        const QString name = planAndApply(backend, c, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_started << name;
        QTRY_COMPARE_WITH_TIMEOUT(toString(statusOf(backend, name)), toString(RunStatus::Running), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(backend.metrics(name).size() >= 2, 15000);
        const MetricSample sample = backend.metrics(name).last();
        QVERIFY(sample.memoryBytes > 0);
        QVERIFY(sample.memoryTotalBytes > sample.memoryBytes);
        QVERIFY(sample.cpuPercent >= 0 && sample.cpuPercent <= 100);
        backend.stop(name, false);
        QTRY_COMPARE_WITH_TIMEOUT(toString(statusOf(backend, name)), toString(RunStatus::Terminated), 20000);
    }
};

QTEST_GUILESS_MAIN(TestLocalBackend)
#include "test_local_backend.moc"
