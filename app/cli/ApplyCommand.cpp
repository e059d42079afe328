// gantry-cli apply: plans, shows the plan as dstack does, asks to confirm (unless -y), submits the picked offer,
// then follows statuses and logs until the service is ready or the run ends (or returns at
// once with --detach). Leaving (Ctrl-C, a killed CLI) never stops the run.

#include "app/cli/Verbs.h"

#include "app/cli/BackendSelection.h"
#include "app/cli/CliSupport.h"
#include "core/cost/CostGuard.h"
#include "core/runs/LogStore.h"

#include <QEventLoop>
#include <QTimer>

#include <cstdio>

namespace gantry::cli {

namespace {

const QCommandLineOption kYes({QStringLiteral("y"), QStringLiteral("yes")}, QStringLiteral("submit without asking"));
const QCommandLineOption kDetach({QStringLiteral("d"), QStringLiteral("detach")},
                                 QStringLiteral("return once the run is submitted instead of following it"));
const QCommandLineOption kOffer(QStringLiteral("offer"),
                                QStringLiteral("the plan's offer to submit (default: 1, the cheapest)"),
                                QStringLiteral("N"));

// Follows one run until it is ready (services) or final; returns the exit code.
int follow(Backend &backend, const QString &runName, bool json)
{
    QEventLoop loop;
    int exitCode = 0;
    QString lastStatus;
    LogStore *log = backend.logStore(runName);
    qint64 printed = 0;
    auto printLogs = [&]() {
        if (!log || json)
            return;
        log->refresh();
        const qint64 total = log->lineCount();
        for (const LogLine &line : log->lines(printed, total - printed))
            out() << line.text << '\n';
        printed = total;
        out().flush();
    };
    auto check = [&]() {
        printLogs();
        const QList<RunInfo> runs = backend.runs();
        const auto it = std::find_if(runs.cbegin(), runs.cend(), [&](const RunInfo &r) { return r.name == runName; });
        if (it == runs.cend())
            return;
        const RunInfo &run = *it;
        if (run.statusMessage != lastStatus && !json) {
            err() << runName << ": " << run.statusMessage << '\n';
            err().flush();
        }
        lastStatus = run.statusMessage;
        if (isFinal(run.status)) {
            printLogs();
            if (json) {
                printJson(run.toJson());
            } else {
                out() << capitalised(run.statusMessage) << '\n';
                if (!run.error.isEmpty())
                    out() << run.error << '\n';
                if (run.status != RunStatus::Done)
                    out() << "Run `gantry-cli logs " << runName << "` for the full log\n";
            }
            exitCode = run.status == RunStatus::Done ? 0 : 1;
            loop.quit();
        } else if (run.ready) {
            if (json) {
                printJson(run.toJson());
            } else {
                out() << runName << " provisioning completed (running)\n";
                out() << "Service is published at:\n  " << run.serviceUrl << '\n';
                if (run.model)
                    out() << "Model " << run.model->name << " is published at:\n  " << run.model->baseUrl << '\n';
            }
            exitCode = 0;
            loop.quit();
        }
    };
    QObject::connect(&backend, &Backend::runsChanged, &loop, check);
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&]() {
        backend.refresh();
        check();
    });
    poll.start(250);
    QTimer::singleShot(0, &loop, check);
    loop.exec();
    out().flush();
    return exitCode;
}

// Applies the picked offer and waits for the backend's answer: the run's name, or nullopt
// with *error saying why it did not start.
std::optional<QString> submitAndWait(Backend &backend, const Configuration &configuration, const Offer &offer,
                                     QString *error)
{
    std::optional<QString> runName;
    QEventLoop loop;
    QObject::connect(&backend, &Backend::applyFinished, &loop, [&](int, const QString &run, const QString &problem) {
        if (problem.isEmpty())
            runName = run;
        else
            *error = problem;
        loop.quit();
    });
    backend.apply(configuration, offer);
    loop.exec();
    return runName;
}

int runApply(const QCommandLineParser &arguments)
{
    const bool json = arguments.isSet(jsonOption());
    const bool yes = arguments.isSet(kYes);
    const bool detach = arguments.isSet(kDetach);
    int offerNumber = 1;
    if (arguments.isSet(kOffer)) {
        bool ok = false;
        offerNumber = arguments.value(kOffer).toInt(&ok);
        if (!ok || offerNumber < 1)
            return usageError(applyVerb().declaration,
                              QStringLiteral("--offer takes an offer number (1, 2, …) from the plan"));
    }
    QString error;
    const auto backend = openBackend(BackendChoice::from(arguments), &error);
    if (!backend) {
        err() << "gantry-cli apply: " << error << '\n';
        return 2;
    }
    const auto configuration = loadChosenConfiguration(ConfigurationChoice::from(arguments));
    if (!configuration)
        return 1;
    if (configuration->isFleet())
        return applyFleet(*backend, *configuration, yes, json);
    const Plan plan = planAndWait(*backend, *configuration);
    if (!json)
        printPlan(out(), plan);
    out().flush();
    if (!plan.error.isEmpty() || plan.offers.isEmpty()) {
        if (json)
            printJson(planToJson(plan));
        return 1;
    }
    if (offerNumber > plan.offers.size()) {
        err() << "gantry-cli apply: there is no offer " << offerNumber << " (the plan shows " << plan.offers.size()
              << ")\n";
        return 2;
    }
    const QString name = configuration->name.value_or(QString());
    // What the picked offer will cost, before the question: per hour, per day, and the bound
    // max_duration puts on it (the same outlook the GUI's Deploy shows).
    if (!json) {
        const Offer &picked = plan.offers.at(offerNumber - 1);
        out() << "Cost: " << priceOutlook(picked.price, configuration->maxDurationSec).text() << " (offer "
              << offerNumber << ", " << picked.backend << ' ' << picked.instanceName << ")\n";
        out().flush();
    }
    if (!yes && !confirm(name.isEmpty() ? QStringLiteral("Submit a new run?")
                                        : QStringLiteral("Submit the run %1?").arg(name))) {
        err() << "Cancelled\n";
        return 1;
    }

    const std::optional<QString> submitted =
        submitAndWait(*backend, *configuration, plan.offers.at(offerNumber - 1), &error);
    if (!submitted) {
        err() << "gantry-cli apply: " << error << '\n';
        if (json)
            printJson({{"error", error.toStdString()}});
        return 1;
    }
    const QString runName = *submitted;
    if (detach) {
        backend->refresh();
        if (json) {
            for (const RunInfo &run : backend->runs())
                if (run.name == runName)
                    printJson(run.toJson());
        } else {
            out() << "Run " << runName << " submitted; follow it with `gantry-cli logs " << runName << " -f`\n";
        }
        return 0;
    }
    if (!json)
        out() << "Launching " << runName << "...\n";
    return follow(*backend, runName, json);
}

} // namespace

Verb applyVerb()
{
    return {{QStringLiteral("apply"),
             QStringLiteral("plan, confirm and run a configuration"),
             QList<QCommandLineOption>{fileOption(), kYes, kOffer, kDetach, jsonOption()} + backendOptions(),
             {directoryPositional()},
             QStringLiteral("Leaving (Ctrl-C, a killed CLI) never stops the run: gantry-cli stop RUN does.")},
            runApply};
}

} // namespace gantry::cli
