// gantry-cli event: a run's timeline, oldest first: for dstack the server's events of the run and its jobs
// (dstack's `event --within-run`: "Job status changed PROVISIONING -> PULLING", …) merged with
// what Gantry saw; for a local run its status history.

#include "app/cli/Verbs.h"

#include "app/cli/BackendSelection.h"
#include "app/cli/CliSupport.h"

namespace gantry::cli {

namespace {

int runEvent(const QCommandLineParser &arguments)
{
    const bool json = arguments.isSet(jsonOption());
    QString error;
    const auto backend = openBackend(BackendChoice::from(arguments), &error);
    if (!backend) {
        err() << "gantry-cli event: " << error << '\n';
        return 2;
    }
    const QString runName = arguments.positionalArguments().first();
    backend->refresh();
    fetchRunDetailsAndWait(*backend, runName);
    for (const RunInfo &run : backend->runs()) {
        if (run.name != runName)
            continue;
        if (json) {
            nlohmann::json events = nlohmann::json::array();
            for (const StatusEvent &e : run.history)
                events.push_back({{"at", e.at.toString(Qt::ISODateWithMs).toStdString()},
                                  {"status", e.status.toStdString()},
                                  {"message", e.message.toStdString()}});
            printJson({{"run", runName.toStdString()}, {"events", events}});
            return 0;
        }
        QList<QStringList> rows{{QStringLiteral("TIME"), QStringLiteral("KIND"), QStringLiteral("MESSAGE")}};
        for (const StatusEvent &e : run.history)
            rows.append({e.at.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")), e.status, e.message});
        printTable(out(), rows);
        return 0;
    }
    err() << "gantry-cli event: no run named " << runName << " (gantry-cli ps -a lists them)\n";
    return 1;
}

} // namespace

Verb eventVerb()
{
    return {{QStringLiteral("event"),
             QStringLiteral("print a run's events (provisioning steps, status changes)"),
             QList<QCommandLineOption>{jsonOption()} + backendOptions(),
             {{QStringLiteral("RUN"), QStringLiteral("the run (gantry-cli ps -a lists them)")}},
             {}},
            runEvent};
}

} // namespace gantry::cli
