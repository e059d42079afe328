// gantry-cli supervise RUN_DIR — internal: the detached owner of one local run, started by
// the local backend. Exits when the run reaches a final status.

#include "SuperviseCommand.h"

#include "CliSupport.h"
#include "backends/local/Supervisor.h"

#include <QCoreApplication>

namespace gantry::cli {

int runSupervise(const QStringList &args)
{
    if (args.size() != 1) {
        err() << "usage: gantry-cli supervise RUN_DIR (started by the local backend)\n";
        return 2;
    }
    gantry::Supervisor supervisor(args.first());
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

} // namespace gantry::cli
