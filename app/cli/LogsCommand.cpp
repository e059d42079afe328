// gantry-cli logs: prints a run's log; -f keeps following it until the run ends. --diagnose
// prints the provisioning log instead: dstack's runner log (logs/poll with diagnose), or for a
// local run the supervisor's own lines. --replica/--job pick one job of a multi-replica service
// or a multi-node task, as dstack's `logs` does (both default to 0).

#include "app/cli/Verbs.h"

#include "app/cli/BackendSelection.h"
#include "app/cli/CliSupport.h"
#include "core/runs/LogStore.h"

#include <QEventLoop>
#include <QTimer>

#include <optional>

namespace gantry::cli {

namespace {

const QCommandLineOption kFollow({QStringLiteral("f"), QStringLiteral("follow")},
                                 QStringLiteral("keep printing new lines until the run ends"));
const QCommandLineOption kDiagnose(
    {QStringLiteral("d"), QStringLiteral("diagnose")},
    QStringLiteral("the provisioning log (dstack: the runner's log; local: the supervisor's lines)"));

const QCommandLineOption kReplica(QStringLiteral("replica"),
                                  QStringLiteral("the log of a service's replica N (default 0)"), QStringLiteral("N"));
const QCommandLineOption kJob(QStringLiteral("job"),
                              QStringLiteral("the log of a multi-node task's job (node) N (default 0)"),
                              QStringLiteral("N"));

// Another job's log is fetched once asked for: ask, and wait until the server's lines are in
// (at most 60 s). nullptr when the run has no such job.
LogStore *jobLogAndWait(Backend &backend, const QString &runName, const RunJob &job)
{
    QEventLoop wait;
    QObject::connect(&backend, &Backend::jobLogsCaughtUp, &wait, [&](const QString &run, int replica, int number) {
        if (run == runName && replica == job.replica && number == job.job)
            wait.quit();
    });
    LogStore *log = backend.jobLogStore(runName, job);
    if (!log)
        return log;
    QTimer::singleShot(60000, &wait, &QEventLoop::quit);
    wait.exec();
    log->refresh();
    return log;
}

// --replica/--job as numbers ≥ 0; nullopt with *error set otherwise.
std::optional<RunJob> chosenJob(const QCommandLineParser &arguments, QString *error)
{
    RunJob job;
    for (const auto &[option, target] : {std::pair{&kReplica, &job.replica}, std::pair{&kJob, &job.job}}) {
        if (!arguments.isSet(*option))
            continue;
        bool ok = false;
        *target = arguments.value(*option).toInt(&ok);
        if (!ok || *target < 0) {
            *error = QStringLiteral("--%1 takes a number (0, 1, …)").arg(option->names().first());
            return std::nullopt;
        }
    }
    return job;
}

// Prints the log's lines (of one source, when given), then with follow keeps printing new ones
// until the run ends.
int printLog(Backend &backend, const QString &runName, LogStore &log, std::optional<LogSource> onlySource, bool follow)
{
    qint64 printed = 0;
    auto printNew = [&]() {
        // Lines are at most kMaxLogLineBytes: a batch stays in the tens of megabytes even
        // for a service that printed gigabytes without a newline.
        constexpr qint64 kBatch = 128;
        while (printed < log.lineCount()) {
            const QList<LogLine> lines = log.lines(printed, kBatch);
            for (const LogLine &line : lines)
                if (!onlySource || line.source == *onlySource)
                    out() << line.text << '\n';
            printed += lines.size();
            if (lines.isEmpty())
                break;
        }
        out().flush();
    };
    printNew();
    if (!follow)
        return 0;
    auto finished = [&]() {
        for (const RunInfo &run : backend.runs())
            if (run.name == runName)
                return isFinal(run.status);
        return true;
    };
    QEventLoop loop;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&]() {
        log.refresh();
        printNew();
        backend.refresh();
        if (finished()) {
            log.refresh();
            printNew();
            loop.quit();
        }
    });
    poll.start(200);
    if (!finished())
        loop.exec();
    return 0;
}

int runLogs(const QCommandLineParser &arguments)
{
    const bool followLog = arguments.isSet(kFollow);
    const bool diagnose = arguments.isSet(kDiagnose);
    QString error;
    const std::optional<RunJob> job = chosenJob(arguments, &error);
    if (!job)
        return usageError(logsVerb().declaration, error);
    const auto backend = openBackend(BackendChoice::from(arguments), &error);
    if (!backend) {
        err() << "gantry-cli logs: " << error << '\n';
        return 2;
    }
    const QString runName = arguments.positionalArguments().first();
    backend->refresh();
    LogStore *log = backend->logStore(runName);
    if (log && (job->replica != 0 || job->job != 0)) {
        if (diagnose)
            return usageError(
                logsVerb().declaration,
                QStringLiteral("--diagnose shows the run's provisioning log; it has no --replica or --job"));
        log = jobLogAndWait(*backend, runName, *job);
        if (!log) {
            QStringList jobs;
            for (const RunInfo &run : backend->runs())
                if (run.name == runName)
                    for (const RunJob &j : run.jobs)
                        jobs << QStringLiteral("--replica %1 --job %2").arg(j.replica).arg(j.job);
            err() << "gantry-cli logs: run " << runName << " has no replica " << job->replica << ", job " << job->job
                  << (jobs.isEmpty() ? QStringLiteral(" (it has one job)")
                                     : QStringLiteral(" (it has: %1)").arg(jobs.join(QStringLiteral("; "))))
                  << '\n';
            return 1;
        }
    }
    std::optional<LogSource> onlySource; // a local run's provisioning lines are the supervisor's own
    if (log && diagnose) {
        fetchRunDetailsAndWait(*backend, runName);
        if (LogStore *provisioning = backend->provisioningLogStore(runName))
            log = provisioning;
        else
            onlySource = LogSource::Gantry;
    }
    if (!log) {
        err() << "gantry-cli logs: no run named " << runName << " (gantry-cli ps -a lists them)\n";
        return 1;
    }
    return printLog(*backend, runName, *log, onlySource, followLog);
}

} // namespace

Verb logsVerb()
{
    return {{QStringLiteral("logs"),
             QStringLiteral("print a run's log (--diagnose: its provisioning log)"),
             QList<QCommandLineOption>{kFollow, kDiagnose, kReplica, kJob} + backendOptions(),
             {{QStringLiteral("RUN"), QStringLiteral("the run (gantry-cli ps -a lists them)")}},
             {}},
            runLogs};
}

} // namespace gantry::cli
