// gantry-cli ps [-a] [--json] [--backend local]
// Lists runs (active ones; -a: all) with dstack's columns, or as JSON objects.

#include "PsCommand.h"

#include "BackendSelection.h"
#include "CliSupport.h"

namespace gantry::cli {

int runPs(const QStringList &arguments)
{
    QStringList args = arguments;
    if (takeFlag(args, {"-h", "--help"})) {
        out() << "usage: gantry-cli ps [-a] [--json] [--backend local]\n";
        return 0;
    }
    const bool all = takeFlag(args, {"-a", "--all"});
    const bool json = takeFlag(args, {"--json"});
    QString error;
    auto backend = selectBackend(args, &error);
    if (!backend || !unknownOption(args).isEmpty()) {
        err() << "gantry-cli ps: " << (backend ? QStringLiteral("unknown option ") + unknownOption(args) : error) << '\n';
        return 2;
    }
    backend->refresh();
    QList<RunInfo> runs;
    for (const RunInfo &run : backend->runs())
        if (all || !isFinal(run.status))
            runs.append(run);
    if (json) {
        nlohmann::json list = nlohmann::json::array();
        for (const RunInfo &run : runs)
            list.push_back(run.toJson());
        printJson({{"runs", list}});
        return 0;
    }
    QList<QStringList> rows{{QStringLiteral("NAME"), QStringLiteral("BACKEND"), QStringLiteral("GPU"), QStringLiteral("PRICE"),
                             QStringLiteral("STATUS"), QStringLiteral("SUBMITTED"), QStringLiteral("SERVICE")}};
    for (const RunInfo &run : runs) {
        QString gpu = QStringLiteral("-");
        if (!run.offer.resources.gpus.isEmpty()) {
            const GpuInfo &g = run.offer.resources.gpus.first();
            gpu = QStringLiteral("%1:%2GB:%3").arg(g.name).arg(g.memoryMib / 1024).arg(run.offer.resources.gpus.size());
        }
        QString status = run.statusMessage;
        if (run.ready)
            status += QStringLiteral(" (ready)");
        rows.append({run.name, run.backend, gpu, Offer::formatPrice(run.price), status,
                     run.submittedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                     run.serviceUrl.isEmpty() ? QStringLiteral("-") : run.serviceUrl});
    }
    if (runs.isEmpty())
        out() << (all ? "No runs\n" : "No active runs (gantry-cli ps -a lists finished ones)\n");
    else
        printTable(out(), rows);
    out().flush();
    return 0;
}

} // namespace gantry::cli
