// gantry-cli logs: prints a run's log; -f keeps following it until the run ends. --diagnose prints the
// provisioning log instead: dstack's runner log (logs/poll with diagnose), or for a local run
// the supervisor's own lines.

#include "app/cli/Verbs.h"

#include "app/cli/BackendSelection.h"
#include "app/cli/CliSupport.h"
#include "core/runs/LogStore.h"

#include <QEventLoop>
#include <QTimer>

namespace gantry::cli {

namespace {

const QCommandLineOption kFollow({QStringLiteral("f"), QStringLiteral("follow")},
                                 QStringLiteral("keep printing new lines until the run ends"));
const QCommandLineOption kDiagnose(
    {QStringLiteral("d"), QStringLiteral("diagnose")},
    QStringLiteral("the provisioning log (dstack: the runner's log; local: the supervisor's lines)"));

int runLogs(const QCommandLineParser &arguments)
{
    const bool followLog = arguments.isSet(kFollow);
    const bool diagnose = arguments.isSet(kDiagnose);
    QString error;
    const auto backend = openBackend(BackendChoice::from(arguments), &error);
    if (!backend) {
        err() << "gantry-cli logs: " << error << '\n';
        return 2;
    }
    const QString runName = arguments.positionalArguments().first();
    backend->refresh();
    LogStore *log = backend->logStore(runName);
    QString onlySource; // a local run's provisioning lines are the supervisor's own
    if (log && diagnose) {
        fetchRunDetailsAndWait(*backend, runName);
        if (LogStore *provisioning = backend->provisioningLogStore(runName))
            log = provisioning;
        else
            onlySource = QStringLiteral("gantry");
    }
    if (!log) {
        err() << "gantry-cli logs: no run named " << runName << " (gantry-cli ps -a lists them)\n";
        return 1;
    }
    qint64 printed = 0;
    auto printNew = [&]() {
        // Lines are at most kMaxLogLineBytes: a batch stays in the tens of megabytes even
        // for a service that printed gigabytes without a newline.
        constexpr qint64 kBatch = 128;
        while (printed < log->lineCount()) {
            const QList<LogLine> lines = log->lines(printed, kBatch);
            for (const LogLine &line : lines)
                if (onlySource.isEmpty() || line.source == onlySource)
                    out() << line.text << '\n';
            printed += lines.size();
            if (lines.isEmpty())
                break;
        }
        out().flush();
    };
    printNew();
    if (!followLog)
        return 0;
    auto finished = [&]() {
        for (const RunInfo &run : backend->runs())
            if (run.name == runName)
                return isFinal(run.status);
        return true;
    };
    QEventLoop loop;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&]() {
        log->refresh();
        printNew();
        backend->refresh();
        if (finished()) {
            log->refresh();
            printNew();
            loop.quit();
        }
    });
    poll.start(200);
    if (!finished())
        loop.exec();
    return 0;
}

} // namespace

Verb logsVerb()
{
    return {{QStringLiteral("logs"),
             QStringLiteral("print a run's log (--diagnose: its provisioning log)"),
             QList<QCommandLineOption>{kFollow, kDiagnose} + backendOptions(),
             {{QStringLiteral("RUN"), QStringLiteral("the run (gantry-cli ps -a lists them)")}},
             {}},
            runLogs};
}

} // namespace gantry::cli
