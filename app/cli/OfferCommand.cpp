// gantry-cli offer: plans the configuration and prints the offers as dstack does; exit 1 when
// none matches.

#include "app/cli/Verbs.h"

#include "app/cli/BackendSelection.h"
#include "app/cli/CliSupport.h"

namespace gantry::cli {

namespace {

int runOffer(const QCommandLineParser &arguments)
{
    const bool json = arguments.isSet(jsonOption());
    QString error;
    const auto backend = openBackend(BackendChoice::from(arguments), &error);
    if (!backend) {
        err() << "gantry-cli offer: " << error << '\n';
        return 2;
    }
    const auto configuration = loadChosenConfiguration(ConfigurationChoice::from(arguments));
    if (!configuration)
        return 1;
    const Plan plan = planAndWait(*backend, *configuration);
    if (json)
        printJson(planToJson(plan));
    else
        printPlan(out(), plan);
    out().flush();
    return plan.error.isEmpty() && !plan.offers.isEmpty() ? 0 : 1;
}

} // namespace

Verb offerVerb()
{
    return {{QStringLiteral("offer"),
             QStringLiteral("show the offers for a configuration"),
             QList<QCommandLineOption>{fileOption(), jsonOption()} + backendOptions(),
             {directoryPositional()},
             {}},
            runOffer};
}

} // namespace gantry::cli
