// gantry-cli logs RUN [-f] [--diagnose] [--backend local | --project P]
// Prints a run's log; -f keeps following it until the run ends. --diagnose prints the
// provisioning log instead: dstack's runner log (logs/poll with diagnose), or for a local run
// the supervisor's own lines.

#include "LogsCommand.h"

#include "BackendSelection.h"
#include "CliSupport.h"
#include "runs/LogStore.h"

#include <QEventLoop>
#include <QTimer>

namespace gantry::cli {

int runLogs(const QStringList &arguments)
{
    QStringList args = arguments;
    if (takeFlag(args, {"-h", "--help"})) {
        out() << "usage: gantry-cli logs RUN [-f] [--diagnose] [--backend local | --project P]\n"
                 "  --diagnose  the provisioning log (dstack: the runner's log; local: the supervisor's lines)\n";
        return 0;
    }
    const bool followLog = takeFlag(args, {"-f", "--follow"});
    const bool diagnose = takeFlag(args, {"-d", "--diagnose"});
    QString error;
    auto backend = selectBackend(args, &error);
    if (!backend) {
        err() << "gantry-cli logs: " << error << '\n';
        return 2;
    }
    if (args.size() != 1 || !unknownOption(args).isEmpty()) {
        err() << "usage: gantry-cli logs RUN [-f] [--diagnose]\n";
        return 2;
    }
    const QString runName = args.first();
    backend->refresh();
    LogStore *log = backend->logStore(runName);
    QString onlySource;  // a local run's provisioning lines are the supervisor's own
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

} // namespace gantry::cli
