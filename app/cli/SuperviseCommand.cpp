// gantry-cli supervise RUN_DIR — internal: the detached owner of one local run, started by
// the local backend. Exits when the run reaches a final status.

#include "app/cli/Verbs.h"

#include "app/cli/CliSupport.h"
#include "core/backends/local/Supervisor.h"

#include <QCoreApplication>

namespace gantry::cli {

namespace {

int runSupervise(const QCommandLineParser &arguments)
{
    gantry::Supervisor supervisor(arguments.positionalArguments().first());
    QString error;
    if (!supervisor.start(&error)) {
        err() << "gantry-cli supervise: " << error << '\n';
        return 1;
    }
    int exitCode = 0;
    QObject::connect(&supervisor, &gantry::Supervisor::finished, qApp, [&exitCode](int code) {
        exitCode = code;
        QCoreApplication::quit();
    });
    QCoreApplication::exec();
    return exitCode;
}

} // namespace

Verb superviseVerb()
{
    return {{QStringLiteral("supervise"),
             QStringLiteral("(internal) own a local run"),
             {},
             {{QStringLiteral("RUN_DIR"),
               QStringLiteral("the run's state directory (the local backend starts this verb)")}},
             {}},
            runSupervise};
}

} // namespace gantry::cli
