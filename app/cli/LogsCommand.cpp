// gantry-cli logs RUN [-f] [--backend local]
// Prints a run's log; -f keeps following it until the run ends.

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
        out() << "usage: gantry-cli logs RUN [-f] [--backend local]\n";
        return 0;
    }
    const bool followLog = takeFlag(args, {"-f", "--follow"});
    QString error;
    auto backend = selectBackend(args, &error);
    if (!backend) {
        err() << "gantry-cli logs: " << error << '\n';
        return 2;
    }
    if (args.size() != 1 || !unknownOption(args).isEmpty()) {
        err() << "usage: gantry-cli logs RUN [-f]\n";
        return 2;
    }
    const QString runName = args.first();
    backend->refresh();
    LogStore *log = backend->logStore(runName);
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
