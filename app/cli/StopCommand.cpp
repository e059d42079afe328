// gantry-cli stop RUN [--abort] [-y] [--backend local]
// Stops a run (SIGTERM to its process group, SIGKILL after the grace period; --abort kills at
// once) and waits until it has ended.

#include "StopCommand.h"

#include "BackendSelection.h"
#include "CliSupport.h"

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QTimer>

namespace gantry::cli {

namespace {
constexpr int kWaitMs = 60000;
}

int runStop(const QStringList &arguments)
{
    QStringList args = arguments;
    if (takeFlag(args, {"-h", "--help"})) {
        out() << "usage: gantry-cli stop RUN [--abort] [-y] [--backend local]\n";
        return 0;
    }
    const bool abort = takeFlag(args, {"-x", "--abort"});
    takeFlag(args, {"-y", "--yes"});  // accepted for dstack compatibility: stop never asks
    QString error;
    auto backend = selectBackend(args, &error);
    if (!backend) {
        err() << "gantry-cli stop: " << error << '\n';
        return 2;
    }
    if (args.size() != 1 || !unknownOption(args).isEmpty()) {
        err() << "usage: gantry-cli stop RUN [--abort]\n";
        return 2;
    }
    const QString runName = args.first();
    auto find = [&]() -> std::optional<RunInfo> {
        backend->refresh();
        for (const RunInfo &run : backend->runs())
            if (run.name == runName)
                return run;
        return std::nullopt;
    };
    const auto run = find();
    if (!run) {
        err() << "gantry-cli stop: no run named " << runName << '\n';
        return 1;
    }
    if (isFinal(run->status)) {
        out() << "Run " << runName << " has already ended (" << run->statusMessage << ")\n";
        return 0;
    }
    backend->stop(runName, abort);
    QEventLoop loop;
    QTimer poll;
    const QDeadlineTimer deadline(kWaitMs);
    int exitCode = 1;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&]() {
        const auto now = find();
        if (!now || isFinal(now->status)) {
            out() << "Run " << runName << ' ' << (now ? now->statusMessage : QStringLiteral("stopped")) << '\n';
            exitCode = 0;
            loop.quit();
        } else if (deadline.hasExpired()) {
            err() << "gantry-cli stop: run " << runName << " is still " << now->statusMessage << " after "
                  << kWaitMs / 1000 << " s; try `gantry-cli stop --abort " << runName << "`\n";
            loop.quit();
        }
    });
    poll.start(100);
    loop.exec();
    out().flush();
    return exitCode;
}

} // namespace gantry::cli
