// gantry-cli ps: lists runs (active ones; -a: all) with dstack's columns, or as JSON objects.

#include "app/cli/Verbs.h"

#include "app/cli/BackendSelection.h"
#include "app/cli/CliSupport.h"

namespace gantry::cli {

namespace {

const QCommandLineOption kAll({QStringLiteral("a"), QStringLiteral("all")}, QStringLiteral("finished runs too"));

QStringList psRow(const RunInfo &run)
{
    QString gpu = QStringLiteral("-");
    if (!run.offer.resources.gpus.isEmpty()) {
        const GpuInfo &g = run.offer.resources.gpus.first();
        gpu = QStringLiteral("%1:%2GB:%3").arg(g.name).arg(g.memoryMib / 1024).arg(run.offer.resources.gpus.size());
    }
    QString status = run.statusMessage;
    if (run.ready)
        status += QStringLiteral(" (ready)");
    return {run.name,
            run.backend,
            gpu,
            Offer::formatPrice(run.price),
            status,
            run.submittedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
            run.serviceUrl.isEmpty() ? QStringLiteral("-") : run.serviceUrl};
}

int runPs(const QCommandLineParser &arguments)
{
    const bool all = arguments.isSet(kAll);
    QString error;
    const auto backend = openBackend(BackendChoice::from(arguments), &error);
    if (!backend) {
        err() << "gantry-cli ps: " << error << '\n';
        return 2;
    }
    backend->refresh();
    QList<RunInfo> runs;
    for (const RunInfo &run : backend->runs())
        if (all || !isFinal(run.status))
            runs.append(run);
    if (arguments.isSet(jsonOption())) {
        nlohmann::json list = nlohmann::json::array();
        for (const RunInfo &run : runs)
            list.push_back(run.toJson());
        printJson({{"runs", list}});
        return 0;
    }
    QList<QStringList> rows{{QStringLiteral("NAME"), QStringLiteral("BACKEND"), QStringLiteral("GPU"),
                             QStringLiteral("PRICE"), QStringLiteral("STATUS"), QStringLiteral("SUBMITTED"),
                             QStringLiteral("SERVICE")}};
    for (const RunInfo &run : runs)
        rows.append(psRow(run));
    if (runs.isEmpty())
        out() << (all ? "No runs\n" : "No active runs (gantry-cli ps -a lists finished ones)\n");
    else
        printTable(out(), rows);
    out().flush();
    return 0;
}

} // namespace

Verb psVerb()
{
    return {{QStringLiteral("ps"),
             QStringLiteral("list runs"),
             QList<QCommandLineOption>{kAll, jsonOption()} + backendOptions(),
             {},
             {}},
            runPs};
}

} // namespace gantry::cli
