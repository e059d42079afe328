// gantry-cli fleet [--project P] [--json]                       list the project's fleets and instances
// gantry-cli fleet delete NAME [-i INSTANCE_NUM…] [--project P] [-y]
// dstack's fleet verbs, and applyFleet() for `gantry-cli apply -f fleet.dstack.yml`. Fleets
// exist only on a dstack project (--project P; without it, the dstack config's default one).

#include "app/cli/Verbs.h"

#include "app/cli/BackendSelection.h"
#include "app/cli/CliSupport.h"
#include "core/backends/dstack/DstackBackend.h"
#include "core/backends/dstack/DstackFleets.h"

#include <QEventLoop>
#include <QTimer>

#include <algorithm>

namespace gantry::cli {

namespace {

const QCommandLineOption kInstance(
    {QStringLiteral("i"), QStringLiteral("instance")},
    QStringLiteral("with delete: only this instance (its INSTANCE number); repeat for more"),
    QStringLiteral("INSTANCE_NUM"));
const QCommandLineOption kYes({QStringLiteral("y"), QStringLiteral("yes")}, QStringLiteral("delete without asking"));

DstackFleets *fleetsOf(Backend &backend)
{
    auto *dstack = qobject_cast<DstackBackend *>(&backend);
    return dstack ? dstack->fleets() : nullptr;
}

QString priceText(double price)
{
    return price < 0 ? QStringLiteral("-") : Offer::formatPrice(price);
}

// fleets/list, waited for (a one-shot CLI needs the answer in hand); false with *error when
// the server refused or did not answer.
bool listAndWait(DstackFleets &fleets, QString *error)
{
    QEventLoop loop;
    QString outcome = QStringLiteral("the dstack server did not answer fleets/list");
    QObject::connect(&fleets, &DstackFleets::listed, &loop, [&](const QString &problem) {
        outcome = problem;
        loop.quit();
    });
    QTimer::singleShot(60000, &loop, &QEventLoop::quit);
    fleets.refresh();
    loop.exec();
    if (outcome.isEmpty())
        return true;
    if (error)
        *error = outcome;
    return false;
}

nlohmann::json fleetJson(const FleetInfo &f)
{
    nlohmann::json instances = nlohmann::json::array();
    for (const FleetInstanceInfo &i : f.instances)
        instances.push_back(
            {{"instance_num", i.num},
             {"name", i.name.toStdString()},
             {"status", i.status.toStdString()},
             {"backend", i.backend.toStdString()},
             {"region", i.region.toStdString()},
             {"instance_type", i.instanceType.toStdString()},
             {"resources", i.resources.toStdString()},
             {"price", i.price < 0 ? nlohmann::json() : nlohmann::json(i.price)},
             {"run", i.runName.isEmpty() ? nlohmann::json() : nlohmann::json(i.runName.toStdString())}});
    return {{"name", f.name.toStdString()},
            {"status", f.status.toStdString()},
            {"ssh", f.ssh},
            {"nodes", f.nodes.toStdString()},
            {"cost_per_hour", f.costPerHour()},
            {"idle_cost_per_hour", f.idleCostPerHour()},
            {"instances", instances}};
}

// The table `dstack fleet` prints: one row per fleet, then its instances indented.
void printFleets(const QList<FleetInfo> &fleets, const QString &project)
{
    if (fleets.isEmpty()) {
        out() << "Project '" << project << "' has no fleets. Runs need one: write a fleet configuration (type: fleet, "
              << "nodes: 0..1) and apply it with `gantry-cli apply -f fleet.dstack.yml --project " << project << "`.\n";
        return;
    }
    QList<QStringList> rows{{QStringLiteral("FLEET"), QStringLiteral("INSTANCE"), QStringLiteral("BACKEND"),
                             QStringLiteral("REGION"), QStringLiteral("RESOURCES"), QStringLiteral("PRICE"),
                             QStringLiteral("STATUS"), QStringLiteral("RUN")}};
    double idle = 0;
    int idleCount = 0;
    for (const FleetInfo &f : fleets) {
        rows.append({f.name, QString(), f.ssh ? QStringLiteral("ssh") : f.backends.join(QLatin1Char(',')), QString(),
                     f.ssh ? QStringLiteral("%1 hosts").arg(f.nodes) : QStringLiteral("nodes %1").arg(f.nodes),
                     QString(), f.status, QString()});
        for (const FleetInstanceInfo &i : f.instances) {
            QString status = i.status;
            if (i.isIdle() && i.price > 0)
                status += QStringLiteral(" (costs %1/h doing nothing)").arg(Offer::formatPrice(i.price));
            rows.append({QString(), QString::number(i.num),
                         i.backend == QLatin1String("remote") ? QStringLiteral("ssh") : i.backend, i.region,
                         (i.instanceType.isEmpty() ? QString() : i.instanceType + QLatin1Char(' ')) + i.resources,
                         priceText(i.price), status, i.runName});
        }
        idle += f.idleCostPerHour();
        idleCount += f.idleCount();
    }
    printTable(out(), rows);
    if (idleCount > 0)
        out() << '\n'
              << idleCount << " idle instance" << (idleCount == 1 ? "" : "s") << " cost " << Offer::formatPrice(idle)
              << "/h while serving no run (delete them with `gantry-cli fleet delete NAME -i NUM`).\n";
}

int listFleets(Backend &backend, bool json)
{
    DstackFleets *fleets = fleetsOf(backend);
    if (QString error; !listAndWait(*fleets, &error)) {
        err() << "gantry-cli fleet: " << error << '\n';
        return 1;
    }
    if (json) {
        nlohmann::json list = nlohmann::json::array();
        for (const FleetInfo &f : fleets->fleets())
            list.push_back(fleetJson(f));
        printJson(list);
    } else {
        printFleets(fleets->fleets(), fleets->project());
    }
    return 0;
}

int deleteFleet(Backend &backend, const QString &name, const QStringList &instances, bool yes)
{
    QList<int> nums;
    for (const QString &n : instances) {
        bool ok = false;
        const int num = n.toInt(&ok);
        if (!ok || num < 0)
            return usageError(fleetVerb().declaration,
                              QStringLiteral("-i takes an instance number (the INSTANCE column), not `%1`").arg(n));
        nums << num;
    }
    DstackFleets *fleets = fleetsOf(backend);
    if (QString problem; !listAndWait(*fleets, &problem)) {
        err() << "gantry-cli fleet delete: " << problem << '\n';
        return 1;
    }
    const QList<FleetInfo> all = fleets->fleets();
    const auto it = std::find_if(all.cbegin(), all.cend(), [&](const FleetInfo &f) { return f.name == name; });
    if (it == all.cend()) {
        err() << "gantry-cli fleet delete: project '" << fleets->project() << "' has no fleet `" << name << "`\n";
        return 1;
    }
    // Name what is terminated before asking.
    QStringList doomed;
    for (const FleetInstanceInfo &i : it->instances) {
        if ((nums.isEmpty() || nums.contains(i.num)) && i.isActive())
            doomed << QStringLiteral("  instance %1 (%2 %3%4)")
                          .arg(i.num)
                          .arg(i.backend, i.instanceType,
                               i.runName.isEmpty() ? QString() : QStringLiteral(", serving run ") + i.runName);
    }
    for (int n : nums)
        if (std::none_of(it->instances.cbegin(), it->instances.cend(),
                         [n](const FleetInstanceInfo &i) { return i.num == n; })) {
            err() << "gantry-cli fleet delete: fleet `" << name << "` has no instance " << n << '\n';
            return 1;
        }
    out() << (nums.isEmpty() ? QStringLiteral("Deleting fleet %1 terminates:").arg(name)
                             : QStringLiteral("Deleting from fleet %1 terminates:").arg(name))
          << '\n'
          << (doomed.isEmpty() ? QStringLiteral("  no running instance") : doomed.join(QLatin1Char('\n'))) << '\n';
    out().flush();
    if (!yes && !confirm(nums.isEmpty() ? QStringLiteral("Delete the fleet %1?").arg(name)
                                        : QStringLiteral("Delete these instances?"))) {
        err() << "Cancelled\n";
        return 1;
    }
    QEventLoop loop;
    QString problem = QStringLiteral("the dstack server did not answer");
    QObject::connect(fleets, &DstackFleets::deleted, &loop, [&](int, const QString &e) {
        problem = e;
        loop.quit();
    });
    if (nums.isEmpty())
        fleets->deleteFleet(name);
    else
        fleets->deleteInstances(name, nums);
    loop.exec();
    if (!problem.isEmpty()) {
        err() << "gantry-cli fleet delete: " << problem << '\n';
        return 1;
    }
    out() << (nums.isEmpty() ? QStringLiteral("Fleet %1 deleted").arg(name) : QStringLiteral("Instances deleted"))
          << '\n';
    return 0;
}

void printFleetPlan(const FleetPlanInfo &plan)
{
    qsizetype width = 0;
    for (const auto &[key, value] : plan.header)
        width = std::max(width, key.size());
    for (const auto &[key, value] : plan.header)
        out() << ' ' << key.leftJustified(width + 2) << value << '\n';
    out() << '\n';
    if (plan.ssh)
        return;
    if (plan.offers.isEmpty()) {
        out() << "No offers match the fleet's requirements: its instances cannot be provisioned. Relax resources, "
                 "backends, "
                 "spot_policy or max_price.\n";
        return;
    }
    QList<QStringList> rows{{QStringLiteral("#"), QStringLiteral("BACKEND"), QStringLiteral("REGION"),
                             QStringLiteral("INSTANCE"), QStringLiteral("RESOURCES"), QStringLiteral("SPOT"),
                             QStringLiteral("PRICE")}};
    int n = 0;
    for (const Offer &o : plan.offers.mid(0, 10))
        rows.append({QString::number(++n), o.backend, o.region, o.instanceName, o.resourcesText(),
                     o.resources.spot ? QStringLiteral("yes") : QStringLiteral("no"), Offer::formatPrice(o.price)});
    printTable(out(), rows);
    out() << "\nShown " << rows.size() - 1 << " of " << std::max(plan.totalOffers, int(plan.offers.size()))
          << " offers, " << Offer::formatPrice(plan.maxPrice) << " max\n";
}

} // namespace

int applyFleet(Backend &backend, const Configuration &fleet, bool yes, bool json)
{
    DstackFleets *fleets = fleetsOf(backend);
    if (!fleets) {
        err() << "gantry-cli apply: " << fleet.filePath
              << " is a fleet: fleets belong to a dstack project; pass --project P\n";
        return 2;
    }
    FleetPlanInfo plan;
    {
        QEventLoop loop;
        QObject::connect(fleets, &DstackFleets::planned, &loop, [&](int, const FleetPlanInfo &p) {
            plan = p;
            loop.quit();
        });
        fleets->plan(fleet);
        loop.exec();
    }
    if (!plan.error.isEmpty()) {
        err() << "gantry-cli apply: " << plan.error << '\n';
        if (json)
            printJson({{"error", plan.error.toStdString()}});
        return 1;
    }
    if (!json)
        printFleetPlan(plan);
    out().flush();
    const QString name = plan.fleetName.isEmpty() ? QStringLiteral("(a new name)") : plan.fleetName;
    const QString question = plan.exists ? (plan.action == QLatin1String("update")
                                                ? QStringLiteral("Update the fleet %1 in place?").arg(name)
                                                : QStringLiteral("Re-create the fleet %1?").arg(name))
                                         : QStringLiteral("Create the fleet %1?").arg(name);
    if (!yes && !confirm(question)) {
        err() << "Cancelled\n";
        return 1;
    }
    QString appliedName, error = QStringLiteral("the dstack server did not answer");
    {
        QEventLoop loop;
        QObject::connect(fleets, &DstackFleets::applied, &loop, [&](int, const QString &n, const QString &e) {
            appliedName = n;
            error = e;
            loop.quit();
        });
        fleets->apply(fleet);
        loop.exec();
    }
    if (!error.isEmpty()) {
        err() << "gantry-cli apply: " << error << '\n';
        if (json)
            printJson({{"error", error.toStdString()}});
        return 1;
    }
    listAndWait(*fleets, nullptr); // best effort: without the list the fleet is shown by name only
    const QList<FleetInfo> all = fleets->fleets();
    const auto it = std::find_if(all.cbegin(), all.cend(), [&](const FleetInfo &f) { return f.name == appliedName; });
    if (json) {
        printJson(it != all.cend() ? fleetJson(*it) : nlohmann::json{{"name", appliedName.toStdString()}});
    } else {
        out() << "Fleet " << appliedName << (plan.exists ? " updated" : " created") << ".\n";
        if (it != all.cend())
            printFleets({*it}, fleets->project());
    }
    return 0;
}

namespace {

int runFleet(const QCommandLineParser &arguments)
{
    const QStringList positionals = arguments.positionalArguments();
    const bool deleting = !positionals.isEmpty() && positionals.first() == QLatin1String("delete");
    if (!positionals.isEmpty() && !deleting)
        return usageError(fleetVerb().declaration,
                          QStringLiteral("unknown action `%1` (delete, or none to list)").arg(positionals.first()));
    if (deleting && positionals.size() < 2)
        return usageError(fleetVerb().declaration, QStringLiteral("delete needs the fleet's NAME"));
    if (!deleting && arguments.isSet(kInstance))
        return usageError(fleetVerb().declaration, QStringLiteral("-i goes with delete"));
    // Fleets live on a dstack project only: without --project/--backend, the default one.
    BackendChoice choice = BackendChoice::from(arguments);
    if (!choice.backendGiven && !choice.projectGiven)
        choice.backend = QStringLiteral("dstack");
    QString error;
    const auto backend = openBackend(choice, &error);
    if (!backend) {
        err() << "gantry-cli fleet: " << error << '\n';
        return 2;
    }
    if (!fleetsOf(*backend)) {
        err() << "gantry-cli fleet: fleets belong to a dstack project; pass --project P\n";
        return 2;
    }
    if (deleting)
        return deleteFleet(*backend, positionals.at(1), arguments.values(kInstance), arguments.isSet(kYes));
    return listFleets(*backend, arguments.isSet(jsonOption()));
}

} // namespace

Verb fleetVerb()
{
    return {{QStringLiteral("fleet"),
             QStringLiteral("list a dstack project's fleets and instances; fleet delete NAME [-i N]"),
             QList<QCommandLineOption>{kInstance, kYes, jsonOption()} + backendOptions(),
             {{QStringLiteral("ACTION"), QStringLiteral("delete (with NAME); none lists the fleets"), true},
              {QStringLiteral("NAME"), QStringLiteral("the fleet to delete (fleet lists them)"), true}},
             QStringLiteral(
                 "Fleets belong to a dstack project: without --project, the default project of ~/.dstack/config.yml.\n"
                 "A fleet configuration (type: fleet) is applied with gantry-cli apply -f fleet.dstack.yml.")},
            runFleet};
}

} // namespace gantry::cli
