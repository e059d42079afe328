// Fleets against the dstack-shaped fake (tests/support/dstack/fake_dstack_server.py --no-fleets: a new
// project, as dstack ≥ 0.20 has it). Every body is judged by dstack 0.21.2's own schemas and
// every answer is built from dstack's Fleet / FleetPlan / Instance models. The walk: offers on a
// project with no fleet (for_offers_only) → create a cloud fleet with nodes 0..2 → it is
// listed → the seed service plans into it (offers now come from the fleet) → deploy → its
// instance serves the run → delete an instance, then the fleet. An SSH fleet's plan carries
// the key read from identity_file (the hosts are data only: nothing connects to them).

#include "tests/support/CliProcess.h"
#include "tests/support/DstackOracle.h"
#include "tests/support/FakeDstackServer.h"
#include "tests/support/TestEnvironment.h"

#include "core/backends/dstack/DstackBackend.h"
#include "core/backends/dstack/DstackFleets.h"
#include "core/config/ConfigParser.h"

#include <QFile>
#include <QSignalSpy>
#include <QTest>

using namespace gantry;
using gantry::test::FakeDstackServer;
using json = nlohmann::json;

namespace {

Configuration parsed(const QByteArray &yaml, const QString &path)
{
    const ParseResult r = parseConfiguration(yaml, path);
    for (const Diagnostic &d : r.diagnostics)
        qWarning().noquote() << d.toString();
    return r.configuration.value_or(Configuration{});
}

// The seed's service, as examples/ has it in spirit: a model served on port 8000.
const QByteArray kService =
    "type: service\nname: serve\ncommands:\n  - llama-server --port 8000\nport: 8000\nmodel: tiny\n"
    "spot_policy: auto\nresources:\n  gpu: 24GB..\n";

} // namespace

class DstackFleetsTest : public QObject
{
    Q_OBJECT

    std::unique_ptr<FakeDstackServer> m_server;
    std::unique_ptr<DstackBackend> m_backend;
    QString m_dir;

    Plan planFor(const Configuration &c)
    {
        QSignalSpy spy(m_backend.get(), &Backend::planFinished);
        m_backend->plan(c);
        if (!spy.wait(20000))
            return Plan{.error = QStringLiteral("no planFinished")};
        return spy.first().at(1).value<Plan>();
    }

    FleetPlanInfo fleetPlan(const Configuration &c)
    {
        QSignalSpy spy(m_backend->fleets(), &DstackFleets::planned);
        m_backend->fleets()->plan(c);
        if (!spy.wait(20000))
            return FleetPlanInfo{.error = QStringLiteral("no plan")};
        return spy.first().at(1).value<FleetPlanInfo>();
    }

    QList<FleetInfo> listed()
    {
        QSignalSpy spy(m_backend->fleets(), &DstackFleets::listed);
        m_backend->fleets()->refresh();
        if (!spy.wait(10000))
            return {};
        return m_backend->fleets()->fleets();
    }

    // Requests about fleets so far (the backend's own polling of runs and fleets/list goes on
    // beside a test and is not counted).
    int fleetRequestsSent() const
    {
        int n = 0;
        for (const json &r : m_server->requests()) {
            const auto endpoint = r.find("endpoint");
            if (endpoint == r.end() || !endpoint->is_string())
                continue;
            const std::string name = endpoint->get<std::string>();
            n += name.rfind("fleets/", 0) == 0 && name != "fleets/list" ? 1 : 0;
        }
        return n;
    }

    json lastBody(const char *endpoint)
    {
        return m_server->lastRequest(QStringLiteral("/api/project/main/") + QLatin1String(endpoint))["body"];
    }

private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<gantry::Plan>("gantry::Plan");
        qRegisterMetaType<gantry::FleetPlanInfo>("gantry::FleetPlanInfo");
        GANTRY_REQUIRE_ORACLE(python);
        Q_UNUSED(python);
        m_dir = test::freshDir(QStringLiteral("fleets"));
        m_server = std::make_unique<FakeDstackServer>(m_dir);
        QString error;
        QVERIFY2(m_server->start(&error, {QStringLiteral("--no-fleets")}), qPrintable(error));
        m_server->hook(
            QStringLiteral("timing"),
            {{"provisioning_after", 0.3}, {"running_after", 0.6}, {"ready_after", 0.9}, {"stop_after", 0.3}});
        m_backend = std::make_unique<DstackBackend>(
            DstackProject{QStringLiteral("main"), m_server->url(), FakeDstackServer::token(), true});
        m_backend->setPollIntervals(100, 400);
    }

    // What `dstack offer` does: a project without a fleet still shows its backends' offers.
    void offersWithoutAFleet()
    {
        QVERIFY(listed().isEmpty());
        const Plan plan = planFor(parsed(kService, m_dir + QStringLiteral("/serve.dstack.yml")));
        QVERIFY2(plan.error.isEmpty(), qPrintable(plan.error));
        QVERIFY(plan.needsFleet);
        QVERIFY(!plan.offers.isEmpty());
        QVERIFY(plan.totalOffers >= plan.offers.size());
        QVERIFY(plan.maxPrice > 0);
        const json body = lastBody("runs/get_plan");
        QVERIFY(body["for_offers_only"] == true);
        // The first plan asked as a run would; only the follow-up asked for offers only.
        int plans = 0, offersOnly = 0;
        for (const json &r : m_server->requests())
            if (r["endpoint"] == "runs/get_plan") {
                ++plans;
                offersOnly += r["body"].value("for_offers_only", false) ? 1 : 0;
            }
        QCOMPARE(plans, 2);
        QCOMPARE(offersOnly, 1);
    }

    void createPlanDeployDelete()
    {
        const QString path = m_dir + QStringLiteral("/fleet.dstack.yml");
        const Configuration fleet =
            parsed("type: fleet\nname: my-fleet\nnodes: 0..2\nspot_policy: auto\nresources:\n  gpu: 24GB..\n", path);
        QVERIFY(fleet.isFleet());

        const FleetPlanInfo plan = fleetPlan(fleet);
        QVERIFY2(plan.error.isEmpty(), qPrintable(plan.error));
        QCOMPARE(plan.action, QStringLiteral("create"));
        QVERIFY(!plan.exists);
        QVERIFY(!plan.offers.isEmpty());
        QVERIFY(plan.header.contains({QStringLiteral("Nodes"), QStringLiteral("0..2")}));
        const json sent = lastBody("fleets/get_plan");
        QVERIFY2(sent["spec"]["configuration"]["nodes"] == json::parse(R"({"min": 0, "max": 2})"), sent.dump().c_str());
        QVERIFY(sent["spec"]["profile"] == json::object());
        QVERIFY(!sent["spec"].contains("autocreated"));

        QSignalSpy applied(m_backend->fleets(), &DstackFleets::applied);
        m_backend->fleets()->apply(fleet);
        QVERIFY(applied.wait(20000));
        QCOMPARE(applied.first().at(1).toString(), QStringLiteral("my-fleet"));
        QVERIFY2(applied.first().at(2).toString().isEmpty(), qPrintable(applied.first().at(2).toString()));
        QVERIFY(lastBody("fleets/apply")["plan"]["current_resource"].is_null());

        QList<FleetInfo> fleets = listed();
        QCOMPARE(fleets.size(), 1);
        QCOMPARE(fleets.first().name, QStringLiteral("my-fleet"));
        QCOMPARE(fleets.first().nodes, QStringLiteral("0..2"));
        QVERIFY(fleets.first().instances.isEmpty()); // 0..2: nothing is bought before a run needs it

        // The service now plans into the fleet: offers come from it, not for offers only.
        const Configuration service = parsed(kService, m_dir + QStringLiteral("/serve.dstack.yml"));
        const Plan runPlan = planFor(service);
        QVERIFY2(runPlan.error.isEmpty(), qPrintable(runPlan.error));
        QVERIFY(!runPlan.needsFleet);
        QVERIFY(!runPlan.offers.isEmpty());
        QVERIFY(!lastBody("runs/get_plan").contains("for_offers_only"));

        QSignalSpy applyRun(m_backend.get(), &Backend::applyFinished);
        m_backend->apply(service, runPlan.offers.first());
        QVERIFY(applyRun.wait(20000));
        const QString run = applyRun.first().at(1).toString();
        QVERIFY2(!run.isEmpty(), qPrintable(applyRun.first().at(2).toString()));

        // Its instance is busy serving that run.
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
                                     fleets = listed();
                                     return !fleets.isEmpty() && !fleets.first().instances.isEmpty() &&
                                            fleets.first().instances.first().status == QLatin1String("busy");
                                 }()),
                                 20000);
        const FleetInstanceInfo instance = fleets.first().instances.first();
        QCOMPARE(instance.runName, run);
        QCOMPARE(instance.backend, runPlan.offers.first().backend);
        QVERIFY(instance.price > 0);
        QVERIFY(!instance.resources.isEmpty());

        // Re-planning the same fleet is an update of the existing one.
        const FleetPlanInfo again = fleetPlan(fleet);
        QVERIFY(again.exists);
        QCOMPARE(again.action, QStringLiteral("update"));

        // Deleting one instance ends the run it serves; deleting the fleet ends the rest.
        QSignalSpy deleted(m_backend->fleets(), &DstackFleets::deleted);
        m_backend->fleets()->deleteInstances(QStringLiteral("my-fleet"), {instance.num});
        QVERIFY(deleted.wait(10000));
        QVERIFY2(deleted.first().at(1).toString().isEmpty(), qPrintable(deleted.first().at(1).toString()));
        QVERIFY(lastBody("fleets/delete_instances") == json({{"name", "my-fleet"}, {"instance_nums", {instance.num}}}));
        m_backend->fleets()->deleteInstances(QStringLiteral("my-fleet"), {42});
        QVERIFY(deleted.wait(10000));
        QVERIFY2(deleted.last().at(1).toString().contains(QLatin1String("no instances")),
                 qPrintable(deleted.last().at(1).toString()));

        m_backend->fleets()->deleteFleet(QStringLiteral("my-fleet"));
        QVERIFY(deleted.wait(10000));
        QVERIFY(deleted.last().at(1).toString().isEmpty());
        QVERIFY(lastBody("fleets/delete") == json({{"names", {"my-fleet"}}}));
        QTRY_VERIFY_WITH_TIMEOUT(listed().isEmpty(), 10000);
    }

    // An SSH fleet: the key comes from identity_file (and its .pub) on this machine, goes to the
    // server in ssh_config.ssh_key, and appears in nothing Gantry shows.
    void sshFleetPlan()
    {
        const QString key = m_dir + QStringLiteral("/id_test");
        QFile priv(key), pub(key + QStringLiteral(".pub"));
        QVERIFY(priv.open(QIODevice::WriteOnly) && pub.open(QIODevice::WriteOnly));
        priv.write(
            "-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key-but-secret\n-----END OPENSSH PRIVATE KEY-----\n");
        pub.write("ssh-ed25519 AAAAC3Nza test@gantry\n");
        priv.close();
        pub.close();
        const Configuration fleet =
            parsed("type: fleet\nname: on-prem\nssh_config:\n  user: ubuntu\n  identity_file: id_test\n"
                   "  hosts:\n    - 192.0.2.10\n    - hostname: 192.0.2.11\n      port: 2222\n",
                   m_dir + QStringLiteral("/onprem.dstack.yml"));
        const FleetPlanInfo plan = fleetPlan(fleet);
        QVERIFY2(plan.error.isEmpty(), qPrintable(plan.error));
        QVERIFY(plan.ssh);
        QCOMPARE(plan.hosts, (QStringList{QStringLiteral("192.0.2.10"), QStringLiteral("192.0.2.11:2222")}));
        QVERIFY(plan.offers.isEmpty());
        const json sent = lastBody("fleets/get_plan")["spec"]["configuration"]["ssh_config"];
        QVERIFY(QString::fromStdString(sent["ssh_key"]["private"].get<std::string>())
                    .contains(QLatin1String("not-a-real-key-but-secret")));
        QVERIFY(sent["ssh_key"]["public"] == "ssh-ed25519 AAAAC3Nza test@gantry\n");
        for (const auto &[k, v] : plan.header)
            QVERIFY(!v.contains(QLatin1String("secret")));

        // A missing key file: said in words, nothing sent.
        const int before = fleetRequestsSent();
        const Configuration missing = parsed("type: fleet\nssh_config:\n  identity_file: nowhere\n  hosts: [h]\n",
                                             m_dir + QStringLiteral("/missing.dstack.yml"));
        const FleetPlanInfo failed = fleetPlan(missing);
        QVERIFY2(failed.error.contains(QLatin1String("cannot read the SSH key nowhere")), qPrintable(failed.error));
        QCOMPARE(fleetRequestsSent(), before);
    }

    // gantry-cli: offer says a fleet is needed and how; a fleet dstack refuses is refused here
    // with line:col and nothing sent; apply -f fleet.dstack.yml, fleet, fleet delete.
    void cliVerbs()
    {
        const QString config = m_dir + QStringLiteral("/config.yml");
        QFile f(config);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral("projects:\n- name: main\n  url: %1\n  token: %2\n  default: true\n")
                    .arg(m_server->url(), FakeDstackServer::token())
                    .toUtf8());
        f.close();
        auto cli = [&](const QStringList &args) {
            test::CliOptions options;
            options.environment.insert(QStringLiteral("DSTACK_CONFIG_PATH"), config);
            return test::runCli(args + QStringList{QStringLiteral("--project"), QStringLiteral("main")}, options);
        };
        auto write = [&](const QString &name, const QByteArray &text) {
            QFile file(m_dir + QLatin1Char('/') + name);
            if (file.open(QIODevice::WriteOnly))
                file.write(text);
            return file.fileName();
        };
        QVERIFY(listed().isEmpty());
        const test::CliResult offer =
            cli({QStringLiteral("offer"), QStringLiteral("-f"), write(QStringLiteral("serve.dstack.yml"), kService)});
        QVERIFY2(offer.exitCode == 0, qPrintable(offer.err + offer.out));
        QVERIFY2(offer.out.contains(QLatin1String("has no fleet")) &&
                     offer.out.contains(QLatin1String("gantry-cli apply -f fleet.dstack.yml --project main")),
                 qPrintable(offer.out));
        QVERIFY(offer.out.contains(QLatin1String("Shown ")));

        auto fleetRequests = [&] {
            int n = 0;
            for (const json &r : m_server->requests())
                n += QString::fromStdString(r.value("path", std::string()))
                         .contains(QLatin1String("/fleets/get_plan")) ||
                     QString::fromStdString(r.value("path", std::string())).contains(QLatin1String("/fleets/apply"));
            return n;
        };
        const int before = fleetRequests();
        const test::CliResult bad =
            cli({QStringLiteral("apply"), QStringLiteral("-y"), QStringLiteral("-f"),
                 write(QStringLiteral("bad.dstack.yml"), "type: fleet\nname: bad\nnodes: 2..1\n")});
        QCOMPARE(bad.exitCode, 1);
        QVERIFY2((bad.out + bad.err).contains(QLatin1String("bad.dstack.yml:3:8")), qPrintable(bad.out + bad.err));
        QCOMPARE(fleetRequests(), before);

        const QString fleetFile = write(QStringLiteral("fleet.dstack.yml"),
                                        "type: fleet\nname: cli-fleet\nnodes: 0..1\nresources:\n  gpu: 24GB..\n");
        const test::CliResult apply =
            cli({QStringLiteral("apply"), QStringLiteral("-y"), QStringLiteral("-f"), fleetFile});
        QVERIFY2(apply.exitCode == 0, qPrintable(apply.err + apply.out));
        QVERIFY2(apply.out.contains(QLatin1String("Fleet cli-fleet created")), qPrintable(apply.out));
        QVERIFY(apply.out.contains(QLatin1String("Nodes")));

        const test::CliResult list = cli({QStringLiteral("fleet"), QStringLiteral("--json")});
        QVERIFY2(list.exitCode == 0, qPrintable(list.err));
        QVERIFY(list.json().size() == 1 && list.json()[0]["name"] == "cli-fleet" && list.json()[0]["nodes"] == "0..1");

        const test::CliResult missing =
            cli({QStringLiteral("fleet"), QStringLiteral("delete"), QStringLiteral("nosuch"), QStringLiteral("-y")});
        QCOMPARE(missing.exitCode, 1);
        const test::CliResult del =
            cli({QStringLiteral("fleet"), QStringLiteral("delete"), QStringLiteral("cli-fleet"), QStringLiteral("-y")});
        QVERIFY2(del.exitCode == 0, qPrintable(del.err + del.out));
        QVERIFY2(del.out.contains(QLatin1String("Deleting fleet cli-fleet terminates:")), qPrintable(del.out));
        QVERIFY(lastBody("fleets/delete") == json({{"names", {"cli-fleet"}}}));
    }

    void everyBodyPassedDstacksSchema()
    {
        QStringList judged;
        const QStringList problems = m_server->refusedOrUnjudged(&judged);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
        for (const char *endpoint : {"runs/get_plan", "runs/apply", "fleets/list", "fleets/get_plan", "fleets/apply",
                                     "fleets/delete", "fleets/delete_instances"})
            QVERIFY2(judged.contains(QLatin1String(endpoint)), endpoint);
    }

    void cleanupTestCase()
    {
        m_backend.reset();
        if (m_server)
            m_server->kill();
    }
};

QTEST_GUILESS_MAIN(DstackFleetsTest)
#include "test_dstack_fleets.moc"
