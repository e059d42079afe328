// gantry-cli stop: stops a run (SIGTERM to its process group, SIGKILL after the grace period; --abort kills at
// once) and waits until it has ended.

#include "app/cli/Verbs.h"

#include "app/cli/BackendSelection.h"
#include "app/cli/CliSupport.h"

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QTimer>

namespace gantry::cli {

namespace {

constexpr int kWaitMs = 60000;

const QCommandLineOption kAbort({QStringLiteral("x"), QStringLiteral("abort")},
                                QStringLiteral("kill at once instead of SIGTERM and a grace period"));
// Accepted for dstack compatibility: stop never asks.
const QCommandLineOption kYes({QStringLiteral("y"), QStringLiteral("yes")},
                              QStringLiteral("do not ask (stop never asks)"));

int runStop(const QCommandLineParser &arguments)
{
    const bool abort = arguments.isSet(kAbort);
    QString error;
    const auto backend = openBackend(BackendChoice::from(arguments), &error);
    if (!backend) {
        err() << "gantry-cli stop: " << error << '\n';
        return 2;
    }
    const QString runName = arguments.positionalArguments().first();
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

} // namespace

Verb stopVerb()
{
    return {{QStringLiteral("stop"),
             QStringLiteral("stop a run"),
             QList<QCommandLineOption>{kAbort, kYes} + backendOptions(),
             {{QStringLiteral("RUN"), QStringLiteral("the run (gantry-cli ps lists them)")}},
             {}},
            runStop};
}

} // namespace gantry::cli
