// gantry-cli offer [-f FILE] [DIR] [--json] [--backend local]
// Plans the configuration and prints the offers as dstack does; exit 1 when none matches.

#include "OfferCommand.h"

#include "BackendSelection.h"
#include "CliSupport.h"

namespace gantry::cli {

int runOffer(const QStringList &arguments)
{
    QStringList args = arguments;
    if (takeFlag(args, {"-h", "--help"})) {
        out() << "usage: gantry-cli offer [-f FILE] [DIR] [--json] [--backend local]\n";
        return 0;
    }
    const bool json = takeFlag(args, {"--json"});
    QString error;
    auto backend = selectBackend(args, &error);
    if (!backend) {
        err() << "gantry-cli offer: " << error << '\n';
        return 2;
    }
    int status = 0;
    const auto configuration = loadConfigurationForVerb(args, QStringLiteral("offer"), &status);
    if (!configuration)
        return status;
    const Plan plan = planAndWait(*backend, *configuration);
    if (json)
        printJson(planToJson(plan));
    else
        printPlan(out(), plan);
    out().flush();
    return plan.error.isEmpty() && !plan.offers.isEmpty() ? 0 : 1;
}

} // namespace gantry::cli
