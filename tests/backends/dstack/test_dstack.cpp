// The dstack backend end to end against tests/support/dstack/fake_dstack_server.py, a real process that
// answers dstack's REST API with the reference's exact shapes and strictness.

#include "tests/support/DstackOracle.h"
#include "tests/support/FakeDstackServer.h"
#include "tests/support/LlamaServer.h"
#include "tests/support/TestEnvironment.h"

#include "core/backends/dstack/DstackBackend.h"
#include "core/backends/dstack/DstackClient.h"
#include "core/backends/dstack/DstackConfigFile.h"
#include "core/backends/dstack/DstackError.h"
#include "core/backends/dstack/DstackModels.h"
#include "core/config/ConfigParser.h"
#include "core/runs/LogStore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <memory>

#include <unistd.h>

using namespace Qt::StringLiterals;

using namespace gantry;
using gantry::test::FakeDstackServer;

namespace {

int unusedPort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort(); // closed again when probe goes: nothing listens there
}

// A service configuration as the parser reads it (the request body carries what a file sets).
// `extra` is more YAML for the top level.
Configuration serviceConfiguration(const QString &name, const QByteArray &extra = {})
{
    const QByteArray spot = extra.contains("spot_policy:") ? QByteArray() : QByteArray("spot_policy: auto\n");
    const QByteArray yaml = "type: service\nname: " + name.toUtf8() +
                            "\ncommands:\n  - llama-server --port 8000\nport: 8000\nmodel: tiny\n" + spot + extra;
    const ParseResult r = parseConfiguration(yaml, QStringLiteral("serve.dstack.yml"));
    for (const Diagnostic &d : r.diagnostics)
        qWarning().noquote() << d.line << d.column << d.message;
    return r.configuration.value_or(Configuration{});
}

QString allText(LogStore *store, LogSource source)
{
    QString out;
    for (const LogLine &line : store->lines(0, store->lineCount()))
        if (line.source == source)
            out += line.text + QLatin1Char('\n');
    return out;
}

} // namespace

class DstackTest : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<FakeDstackServer> m_server;

    DstackProject project(const QString &token = FakeDstackServer::token(),
                          const QString &name = QStringLiteral("main")) const
    {
        return DstackProject{name, m_server->url(), token, true};
    }

    std::unique_ptr<DstackBackend> backend()
    {
        auto b = std::make_unique<DstackBackend>(project());
        b->setPollIntervals(100, 400);
        return b;
    }

    Plan planFor(DstackBackend &b, const Configuration &c)
    {
        QSignalSpy spy(&b, &Backend::planFinished);
        const int id = b.plan(c);
        if (!spy.wait(20000))
            return Plan{.error = QStringLiteral("no planFinished")};
        [&] { QCOMPARE(spy.first().at(0).toInt(), id); }();
        return spy.first().at(1).value<Plan>();
    }

    // apply → run name ("" + QFAIL on error)
    QString applyOffer(DstackBackend &b, const Configuration &c, const Offer &offer, QString *error = nullptr)
    {
        QSignalSpy spy(&b, &Backend::applyFinished);
        b.apply(c, offer);
        if (!spy.wait(20000))
            return {};
        if (error)
            *error = spy.first().at(2).toString();
        return spy.first().at(1).toString();
    }

    std::optional<RunInfo> runNamed(const DstackBackend &b, const QString &name)
    {
        for (const RunInfo &r : b.runs())
            if (r.name == name)
                return r;
        return std::nullopt;
    }

private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<gantry::Plan>("gantry::Plan");
        GANTRY_REQUIRE_ORACLE(python); // the fake server is judged by dstack's code: skip without it (fail under CI)
        Q_UNUSED(python);
        m_server = std::make_unique<FakeDstackServer>(test::freshDir(QStringLiteral("fake-dstack")));
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        m_server->hook(
            QStringLiteral("timing"),
            {{"provisioning_after", 0.3}, {"running_after", 0.6}, {"ready_after", 0.9}, {"stop_after", 0.3}});
    }

    void configFile()
    {
        const QString dir = test::freshDir(QStringLiteral("dstack-config"));
        const QString path = dir + QStringLiteral("/config.yml");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("projects:\n- name: main\n  url: http://127.0.0.1:3000\n  token: secret-one\n  default: true\n"
                "- name: other\n  url: https://sky.dstack.ai/\n  token: secret-two\n");
        f.close();
        const DstackConfigFile config = DstackConfigFile::load(path);
        QVERIFY2(config.error.isEmpty(), qPrintable(config.error));
        QCOMPARE(config.projects.size(), 2);
        QCOMPARE(config.find(QString())->name, QStringLiteral("main"));
        QCOMPARE(config.find(QStringLiteral("other"))->token, QStringLiteral("secret-two"));
        QCOMPARE(config.find(QStringLiteral("https://sky.dstack.ai"), QStringLiteral("other"))->name,
                 QStringLiteral("other"));
        QVERIFY(!config.find(QStringLiteral("nope")));

        qputenv("DSTACK_CONFIG_PATH", path.toUtf8());
        QCOMPARE(DstackConfigFile::defaultPath(), path);
        qunsetenv("DSTACK_CONFIG_PATH");

        QVERIFY(DstackConfigFile::load(dir + QStringLiteral("/missing.yml")).error.isEmpty());
        QFile bad(dir + QStringLiteral("/bad.yml"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("projects: [ {name: x, token: secret-three\n");
        bad.close();
        const DstackConfigFile broken = DstackConfigFile::load(bad.fileName());
        QVERIFY(!broken.error.isEmpty());
        QVERIFY(!broken.error.contains(QLatin1String("secret-three")));
    }

    void errorBodiesInWords()
    {
        const DstackRequestContext ctx{QStringLiteral("http://s"), QStringLiteral("main"),
                                       QStringLiteral("/api/project/main/runs/get")};
        DstackError e = dstackHttpError(
            400, R"({"detail": [{"msg": "first", "code": "error"}, {"msg": "second", "code": "error"}]})", ctx);
        QCOMPARE(e.message, QStringLiteral("first; second"));
        e = dstackHttpError(400, R"({"detail": [{"msg": "Run x not found", "code": "resource_not_exists"}]})", ctx);
        QVERIFY(e.isResourceNotExists());
        QCOMPARE(e.message, QStringLiteral("Run x not found"));
        e = dstackHttpError(403, R"({"detail": {"msg": "Invalid token", "code": null}})", ctx);
        QVERIFY(e.message.contains(QLatin1String("rejected the token")));
        e = dstackHttpError(403, R"({"detail": "Not authenticated"})", ctx);
        QVERIFY(e.message.contains(QLatin1String("needs a token")));
        e = dstackHttpError(403, R"({"msg": "Access denied", "code": null})", ctx);
        QVERIFY(e.message.contains(QLatin1String("Access denied")));
        e = dstackHttpError(404, R"({"detail": {"msg": "Not found", "code": null}})", ctx);
        QVERIFY(e.message.contains(QLatin1String("Project 'main' does not exist")));
        e = dstackHttpError(404, R"({"detail": "Not Found"})",
                            DstackRequestContext{QStringLiteral("http://s"), {}, QStringLiteral("/api/x")});
        QVERIFY(e.message.contains(QLatin1String("has no endpoint /api/x")));
        e = dstackHttpError(
            422, R"({"detail": [{"type": "missing", "loc": ["body", "force"], "msg": "Field required", "input": {}}]})",
            ctx);
        QVERIFY2(e.message.contains(QLatin1String("force: Field required")), qPrintable(e.message));
        e = dstackHttpError(502, "Bad Gateway", ctx);
        QVERIFY(e.message.contains(QLatin1String("HTTP 502")) && e.message.contains(QLatin1String("Bad Gateway")));
    }

    void connectionTest()
    {
        auto b = backend();
        QSignalSpy spy(b.get(), &DstackBackend::connectionTested);
        b->testConnection();
        QVERIFY(spy.wait(10000));
        QCOMPARE(spy.first().at(1).toString(), QStringLiteral("0.21.2"));
        QCOMPARE(spy.first().at(2).toString(), QStringLiteral("alice"));
        QVERIFY(spy.first().at(3).toString().isEmpty());
        const auto headers = m_server->lastRequest(QStringLiteral("/api/users/get_my_user"))["headers"];
        QVERIFY(headers["x-api-version"] == "0.21.2");
        QVERIFY(headers["has_authorization"] == true);

        DstackBackend badToken(project(QStringLiteral("wrong")));
        QSignalSpy badSpy(&badToken, &DstackBackend::connectionTested);
        badToken.testConnection();
        QVERIFY(badSpy.wait(10000));
        QVERIFY2(badSpy.first().at(3).toString().contains(QLatin1String("Invalid token")),
                 qPrintable(badSpy.first().at(3).toString()));

        DstackBackend unknownProject(project(FakeDstackServer::token(), QStringLiteral("nosuch")));
        QSignalSpy unknownSpy(&unknownProject, &DstackBackend::connectionTested);
        unknownProject.testConnection();
        QVERIFY(unknownSpy.wait(10000));
        QVERIFY(unknownSpy.first().at(3).toString().contains(QLatin1String("Project 'nosuch' does not exist")));

        DstackBackend unreachable(DstackProject{QStringLiteral("main"),
                                                QStringLiteral("http://127.0.0.1:%1").arg(unusedPort()),
                                                QStringLiteral("t"), true});
        QSignalSpy gone(&unreachable, &DstackBackend::connectionTested);
        unreachable.testConnection();
        QVERIFY(gone.wait(10000));
        QVERIFY2(gone.first().at(3).toString().contains(QLatin1String("Cannot reach")),
                 qPrintable(gone.first().at(3).toString()));

        // https:// to a plain-HTTP server: a TLS failure, said as one.
        QString tlsUrl = m_server->url();
        tlsUrl.replace(QLatin1String("http://"), QLatin1String("https://"));
        DstackBackend tls(DstackProject{QStringLiteral("main"), tlsUrl, FakeDstackServer::token(), true});
        QSignalSpy tlsSpy(&tls, &DstackBackend::connectionTested);
        tls.testConnection();
        QVERIFY(tlsSpy.wait(10000));
        QVERIFY2(tlsSpy.first().at(3).toString().contains(QLatin1String("TLS error")),
                 qPrintable(tlsSpy.first().at(3).toString()));
    }

    void planKeepsServerOrder()
    {
        auto b = backend();
        const Plan plan = planFor(*b, serviceConfiguration(QStringLiteral("plan-svc")));
        QVERIFY2(plan.error.isEmpty(), qPrintable(plan.error));
        QVERIFY(plan.offers.size() >= 150);
        QCOMPARE(plan.totalOffers, plan.offers.size());
        double highest = 0;
        QStringList backends;
        bool sawSpot = false, sawOnDemand = false, sawUnavailable = false;
        for (int i = 0; i < plan.offers.size(); ++i) {
            const Offer &o = plan.offers[i];
            highest = qMax(highest, o.price);
            if (!backends.contains(o.backend))
                backends << o.backend;
            (o.resources.spot ? sawSpot : sawOnDemand) = true;
            const bool available = o.availability == QLatin1String("available");
            if (!available)
                sawUnavailable = true;
            else
                QVERIFY2(!sawUnavailable, "available offers come before unavailable ones (server order kept)");
            if (i > 0 && available && plan.offers[i - 1].availability == QLatin1String("available"))
                QVERIFY(plan.offers[i - 1].price <= o.price);
        }
        QVERIFY(sawSpot && sawOnDemand && sawUnavailable);
        QVERIFY(backends.size() >= 6);
        QCOMPARE(plan.maxPrice, highest);
        QCOMPARE(plan.header.first(), (std::pair<QString, QString>{QStringLiteral("Project"), QStringLiteral("main")}));
        QCOMPARE(plan.header.at(1).second, QStringLiteral("alice"));
        QCOMPARE(plan.header.at(2).second, QStringLiteral("service"));
        QVERIFY(plan.raw.contains("run_spec"));
        QVERIFY(plan.raw["run_spec"]["configuration"]["name"] == "plan-svc");
        const auto sent = m_server->lastRequest(QStringLiteral("/api/project/main/runs/get_plan"))["body"];
        // What the file sets, not every field at a null default (dstack 0.21.2 refuses unknown ones).
        const auto conf = sent["run_spec"]["configuration"];
        QVERIFY(conf["model"]["name"] == "tiny");
        QVERIFY(!conf.contains("groups"));
        for (auto it = conf.begin(); it != conf.end(); ++it)
            QVERIFY2(!it->is_null(), it.key().c_str());
        QVERIFY2(m_server->refusedOrUnjudged().isEmpty(), qPrintable(m_server->refusedOrUnjudged().join(u'\n')));
    }

    void planFilters()
    {
        auto b = backend();
        const Plan plan =
            planFor(*b, serviceConfiguration(QStringLiteral("plan-svc"),
                                             "backends: [aws, gcp]\nspot_policy: spot\nmax_price: 1.0\n"));
        QVERIFY2(plan.error.isEmpty(), qPrintable(plan.error));
        QVERIFY(!plan.offers.isEmpty());
        for (const Offer &o : plan.offers) {
            QVERIFY(o.backend == QLatin1String("aws") || o.backend == QLatin1String("gcp"));
            QVERIFY(o.resources.spot);
            QVERIFY(o.price <= 1.0);
        }
        QCOMPARE(plan.header.at(4).second, QStringLiteral("spot"));
        QCOMPARE(plan.header.at(5).second, QStringLiteral("$1"));
    }

    // A project without fleets: the backends' offers (for_offers_only, as `dstack offer`), marked
    // as needing a fleet; when even those are none, the reason says to apply a fleet.
    void planWithoutFleets()
    {
        m_server->hook(QStringLiteral("fleets"), {{"has_fleets", false}});
        auto b = backend();
        const Plan plan = planFor(*b, serviceConfiguration(QStringLiteral("plan-svc")));
        const Plan none =
            planFor(*b, serviceConfiguration(QStringLiteral("plan-svc"), "resources:\n  gpu: NoSuchGpu:1\n"));
        m_server->hook(QStringLiteral("fleets"), {{"has_fleets", true}});
        QVERIFY(plan.error.isEmpty());
        QVERIFY(plan.needsFleet);
        QVERIFY(!plan.offers.isEmpty());
        QVERIFY(
            plan.header.contains({QStringLiteral("Fleet"),
                                  QStringLiteral("none: these are the backends' offers; deploying needs a fleet")}));
        QVERIFY(none.needsFleet);
        QVERIFY(none.offers.isEmpty());
        QCOMPARE(none.totalOffers, 0);
        QVERIFY2(none.noOffersReason.startsWith(QLatin1String("project has no fleets")),
                 qPrintable(none.noOffersReason));
        QVERIFY(none.noOffersReason.contains(QLatin1String("type: fleet")));
        const Plan withFleet = planFor(*b, serviceConfiguration(QStringLiteral("plan-svc")));
        QVERIFY(!withFleet.needsFleet);
    }

    void valuelessEnvComesFromTheEnvironment()
    {
        auto b = backend();
        const Configuration c =
            serviceConfiguration(QStringLiteral("env-svc"), "env:\n  - GANTRY_TEST_SECRET\n  - A=b\n");
        qunsetenv("GANTRY_TEST_SECRET");
        Plan plan = planFor(*b, c);
        QVERIFY(plan.error.contains(QLatin1String("Environment variable GANTRY_TEST_SECRET is not set")));
        qputenv("GANTRY_TEST_SECRET", "from-env");
        plan = planFor(*b, c);
        qunsetenv("GANTRY_TEST_SECRET");
        QVERIFY2(plan.error.isEmpty(), qPrintable(plan.error));
        const auto env = m_server->lastRequest(
            QStringLiteral("/api/project/main/runs/get_plan"))["body"]["run_spec"]["configuration"]["env"];
        QVERIFY(env["GANTRY_TEST_SECRET"] == "from-env");
        QVERIFY(env["A"] == "b");
    }

    void applyPinsThePickedOfferAndMonitors()
    {
        auto b = backend();
        const Configuration c = serviceConfiguration(QStringLiteral("pin-svc"));
        const Plan plan = planFor(*b, c);
        QVERIFY(plan.offers.size() > 40);
        // Pick a spot offer in the middle: not what the server would pick by itself.
        int pick = -1;
        for (int i = 30; i < plan.offers.size(); ++i)
            if (plan.offers[i].resources.spot && plan.offers[i].availability == QLatin1String("available")) {
                pick = i;
                break;
            }
        QVERIFY(pick > 0);
        const Offer offer = plan.offers[pick];
        QString error;
        const QString name = applyOffer(*b, c, offer, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(name, QStringLiteral("pin-svc"));

        const auto body = m_server->lastRequest(QStringLiteral("/api/project/main/runs/apply"))["body"];
        QVERIFY(body["force"] == false);
        const auto conf = body["plan"]["run_spec"]["configuration"];
        QVERIFY(conf["backends"] == nlohmann::json::array({offer.backend.toStdString()}));
        QVERIFY(conf["regions"] == nlohmann::json::array({offer.region.toStdString()}));
        QVERIFY(conf["instance_types"] == nlohmann::json::array({offer.instanceName.toStdString()}));
        QVERIFY(conf["spot_policy"] == "spot");
        QCOMPARE(conf["max_price"].get<double>(), offer.price);
        if (!offer.availabilityZones.isEmpty()) {
            QCOMPARE(conf["availability_zones"].size(), size_t(offer.availabilityZones.size()));
            QVERIFY(conf["availability_zones"][0] == offer.availabilityZones.first().toStdString());
        }

        QTRY_VERIFY_WITH_TIMEOUT(runNamed(*b, name) && runNamed(*b, name)->ready, 20000);
        const RunInfo run = *runNamed(*b, name);
        QCOMPARE(gantry::toString(run.status), gantry::toString(RunStatus::Running));
        QCOMPARE(run.offer.instanceName, offer.instanceName); // the server placed it exactly there
        QCOMPARE(run.offer.region, offer.region);
        QCOMPARE(run.price, offer.price);
        QCOMPARE(run.serviceUrl, m_server->url() + QStringLiteral("/proxy/services/main/pin-svc/"));
        QVERIFY(run.model);
        QCOMPARE(run.model->baseUrl, m_server->url() + QStringLiteral("/proxy/services/main/pin-svc/v1"));
        QCOMPARE(run.model->name, QStringLiteral("tiny"));
        QVERIFY(run.model->needsToken);
        QCOMPARE(b->modelToken(name), FakeDstackServer::token());
        QVERIFY(run.history.first().message.startsWith(QLatin1String("pinned to ")));
        QStringList statuses;
        for (const StatusEvent &e : run.history)
            statuses << e.status;
        QVERIFY2(statuses.contains(QLatin1String("running")) && statuses.contains(QLatin1String("ready")),
                 qPrintable(statuses.join(u',')));

        // Logs: base64 chunks that split lines and UTF-8 sequences, reassembled exactly.
        LogStore *store = b->logStore(name);
        QVERIFY(store);
        const auto expected = m_server->get(QStringLiteral("/__test__/expected_logs"));
        const QString stdoutText = QString::fromStdString(expected["stdout"].get<std::string>());
        const QString stderrText = QString::fromStdString(expected["stderr"].get<std::string>());
        QTRY_COMPARE_WITH_TIMEOUT(allText(store, LogSource::Stdout), stdoutText, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(allText(store, LogSource::Stderr), stderrText, 20000);
        QVERIFY(stdoutText.contains(QStringLiteral("日本語")));

        // Provisioning: the runner's diagnostic log beside the service log, and the run's and
        // its job's events (events/list within_runs) merged into its timeline.
        LogStore *provisioning = b->provisioningLogStore(name);
        QVERIFY(provisioning);
        QVERIFY(provisioning != store);
        const QString runnerText = QString::fromStdString(expected["runner"].get<std::string>());
        QTRY_COMPARE_WITH_TIMEOUT(allText(provisioning, LogSource::Stdout), runnerText, 20000);
        auto hasEvent = [&](const QString &text) {
            const QList<StatusEvent> history = runNamed(*b, name)->history;
            for (const StatusEvent &e : history)
                if (e.status == QLatin1String("event") && e.message.startsWith(text))
                    return true;
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(hasEvent(QStringLiteral("Job status changed PROVISIONING -> PULLING")), 20000);
        QVERIFY(hasEvent(QStringLiteral("Run submitted")));
        const QList<StatusEvent> timeline = runNamed(*b, name)->history;
        for (qsizetype i = 1; i < timeline.size(); ++i)
            QVERIFY2(timeline[i - 1].at <= timeline[i].at, "the timeline is in time order");

        // Metrics: oldest first, cpu normalised by cpus_detected_num (230 % over 4 CPUs).
        QTRY_VERIFY_WITH_TIMEOUT(b->metrics(name).size() >= 2, 20000);
        const MetricSample newest = b->metrics(name).last();
        QCOMPARE(newest.cpuPercent, 57.5);
        QCOMPARE(newest.memoryTotalBytes, 17179869184.0);
        QCOMPARE(newest.gpuUtilPercent, QList<double>{87.0});
        QVERIFY(b->metrics(name).first().at < newest.at);

        // Graceful stop.
        QSignalSpy stopped(b.get(), &DstackBackend::stopFinished);
        b->stop(name, false);
        QVERIFY(stopped.wait(10000));
        QVERIFY(stopped.first().at(1).toString().isEmpty());
        QVERIFY(m_server->lastRequest(QStringLiteral("/api/project/main/runs/stop"))["body"]["abort"] == false);
        QTRY_VERIFY_WITH_TIMEOUT(runNamed(*b, name)->status == RunStatus::Terminated, 20000);
        QCOMPARE(runNamed(*b, name)->terminationReason, QStringLiteral("stopped_by_user"));
        QCOMPARE(runNamed(*b, name)->statusMessage, QStringLiteral("stopped"));

        // Every request of plan → apply → monitor → logs → stop passed dstack 0.21.2's own schemas.
        QStringList judged;
        const QStringList refused = m_server->refusedOrUnjudged(&judged);
        QVERIFY2(refused.isEmpty(), qPrintable(refused.join(u'\n')));
        for (const char *endpoint : {"runs/get_plan", "fleets/list", "runs/apply", "runs/get", "runs/list", "logs/poll",
                                     "events/list", "runs/stop"})
            QVERIFY2(judged.contains(QLatin1String(endpoint)), endpoint);
    }

    // An answer of the wrong shape is an error in words, never an exception out of a slot.
    void malformedAnswersAreErrorsNotCrashes()
    {
        auto b = backend();
        m_server->hook(QStringLiteral("fail_next"),
                       {{"path_contains", "runs/list"}, {"status", 200}, {"json", nlohmann::json::array({1})}});
        b->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(b->lastError().contains(QLatin1String("not what dstack sends")), 10000);
        QVERIFY2(b->lastError().contains(QLatin1String("item 0")), qPrintable(b->lastError()));
        QTRY_VERIFY_WITH_TIMEOUT(b->lastError().isEmpty(), 10000); // the next list is a real one

        m_server->hook(QStringLiteral("fail_next"),
                       {{"path_contains", "runs/list"}, {"status", 200}, {"json", {{"runs", "no"}}}});
        b->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(b->lastError().contains(QLatin1String("not what dstack sends")), 10000);

        // Wrong types inside otherwise good answers: read as absent, nothing thrown.
        m_server->hook(QStringLiteral("fail_next"),
                       {{"path_contains", "get_my_user"}, {"status", 200}, {"json", {{"username", 42}}}});
        QSignalSpy tested(b.get(), &DstackBackend::connectionTested);
        b->testConnection();
        QVERIFY(tested.wait(10000));
        QVERIFY(tested.first().at(2).toString().isEmpty());
        QVERIFY(dstackMetricSamples(nlohmann::json{{"metrics", {1, {{"name", 3}, {"values", "x"}}}}}).isEmpty());
        const RunInfo odd =
            dstackRunInfo(nlohmann::json{{"run_spec", 1}, {"jobs", {1, 2}}, {"status", {}}}, m_server->url());
        QVERIFY(odd.name.isEmpty());
    }

    // The server's version (server/get_info) decides what may be sent: node groups need 0.21.2.
    void olderServerIsToldWhatItLacks()
    {
        const ParseResult grouped = parseConfiguration(
            "type: task\nname: grouped-task\ngroups:\n  - {commands: [x]}\n  - {nodes: 2, commands: [y]}\n",
            QStringLiteral("grouped.dstack.yml"));
        QVERIFY(grouped.valid());
        m_server->hook(QStringLiteral("server_version"), {{"version", "0.21.1"}});
        auto old = backend();
        const Plan refused = planFor(*old, *grouped.configuration);
        m_server->hook(QStringLiteral("server_version"), {{"version", "0.21.2"}});
        QVERIFY2(refused.error.contains(QLatin1String("0.21.2")) && refused.error.contains(QLatin1String("0.21.1")),
                 qPrintable(refused.error));
        QCOMPARE(old->serverVersion(), QStringLiteral("0.21.1"));
        const auto sent = m_server->lastRequest(QStringLiteral("/api/project/main/runs/get_plan"))["body"];
        QVERIFY(sent.is_null() ||
                sent["run_spec"]["configuration"].value("name", std::string()) != "grouped-task"); // nothing sent

        auto current = backend();
        const Plan accepted = planFor(*current, *grouped.configuration);
        QVERIFY2(accepted.error.isEmpty(), qPrintable(accepted.error));
        const auto body = m_server->lastRequest(
            QStringLiteral("/api/project/main/runs/get_plan"))["body"]["run_spec"]["configuration"];
        QVERIFY(body["groups"].size() == 2);
        QVERIFY(!body.contains("nodes")); // never beside groups
        QVERIFY2(m_server->refusedOrUnjudged().isEmpty(), qPrintable(m_server->refusedOrUnjudged().join(u'\n')));
    }

    // An offer of an idle fleet instance is pinned to that very instance.
    void idleInstanceOfferPinsTheInstance()
    {
        Offer offer;
        offer.backend = QStringLiteral("aws");
        offer.region = QStringLiteral("us-east-1");
        offer.instanceName = QStringLiteral("g5.xlarge");
        offer.availability = QStringLiteral("idle");
        offer.price = 1.006;
        const nlohmann::json fleets = {{{"name", "gpu-fleet"},
                                        {"instances",
                                         {{{"name", "gpu-fleet-0"},
                                           {"status", "busy"},
                                           {"backend", "aws"},
                                           {"region", "us-east-1"},
                                           {"instance_type", {{"name", "g5.xlarge"}}}},
                                          {{"name", "gpu-fleet-1"},
                                           {"status", "idle"},
                                           {"backend", "aws"},
                                           {"region", "us-east-1"},
                                           {"instance_type", {{"name", "g5.xlarge"}}}}}}}};
        const nlohmann::json pinned = dstackPinOffer(nlohmann::json{{"type", "task"}}, offer, fleets);
        QVERIFY(pinned["instances"] == nlohmann::json::array({{{"name", "gpu-fleet-1"}}}));
        offer.availability = QStringLiteral("available"); // a new instance: no instance to name
        QVERIFY(!dstackPinOffer(nlohmann::json{{"type", "task"}}, offer, fleets).contains("instances"));
    }

    // A service of several replicas: every job counted, ready when one replica's probes pass.
    void replicasAreShownAndReadyWhenOneIs()
    {
        auto job = [](int replica, const char *status, int streak) {
            return nlohmann::json{
                {"job_spec", {{"replica_num", replica}, {"probes", {{{"ready_after", 2}}}}}},
                {"job_submissions", {{{"id", "x"}, {"status", status}, {"probes", {{{"success_streak", streak}}}}}}}};
        };
        nlohmann::json run = {{"status", "running"},
                              {"status_message", "running"},
                              {"run_spec", {{"run_name", "multi"}, {"configuration", {{"type", "service"}}}}},
                              {"jobs", {job(0, "provisioning", 0), job(1, "running", 1)}}};
        RunInfo info = dstackRunInfo(run, m_server->url());
        QVERIFY(!info.ready); // the running replica's probe has 1 of 2 successes
        QCOMPARE(info.statusMessage, QStringLiteral("running (2 jobs: 1 provisioning, 1 running)"));
        run["jobs"][1] = job(1, "running", 2);
        info = dstackRunInfo(run, m_server->url());
        QVERIFY(info.ready);
    }

    // Each replica's log and metrics are its own: logs/poll with that job's submission id,
    // metrics with its replica_num/job_num (every request judged by dstack's schemas).
    void replicaLogsAndMetricsArePerJob()
    {
        auto b = backend();
        const Configuration c = serviceConfiguration(QStringLiteral("two-replicas"), "replicas: 2\n");
        const Plan plan = planFor(*b, c);
        QVERIFY2(plan.error.isEmpty(), qPrintable(plan.error));
        QString error;
        const QString name = applyOffer(*b, c, plan.offers.first(), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(runNamed(*b, name) && runNamed(*b, name)->status == RunStatus::Running, 20000);
        const RunInfo run = *runNamed(*b, name);
        QCOMPARE(run.jobs.size(), 2);
        QCOMPARE(run.jobs[1].replica, 1);
        QCOMPARE(run.jobs[1].status, QStringLiteral("running"));
        QVERIFY(b->jobLogStore(name, RunJob{7, 0, {}}) == nullptr); // no such replica

        QSignalSpy caughtUp(b.get(), &DstackBackend::jobLogsCaughtUp);
        LogStore *second = b->jobLogStore(name, RunJob{1, 0, {}});
        QVERIFY(second);
        QVERIFY(caughtUp.wait(20000));
        LogStore *first = b->jobLogStore(name, RunJob{0, 0, {}});
        QCOMPARE(first, b->logStore(name));
        QTRY_VERIFY_WITH_TIMEOUT(allText(first, LogSource::Stdout).contains(QLatin1String("llama-server starting")),
                                 20000);
        QTRY_VERIFY_WITH_TIMEOUT(allText(second, LogSource::Stdout).contains(QLatin1String("replica 1 job 0: line 4")),
                                 20000);
        QVERIFY(!allText(second, LogSource::Stdout).contains(QLatin1String("llama-server")));

        QTRY_VERIFY_WITH_TIMEOUT(!b->jobMetrics(name, RunJob{1, 0, {}}).isEmpty() && !b->metrics(name).isEmpty(),
                                 20000);
        QVERIFY(b->jobMetrics(name, RunJob{1, 0, {}}).last().cpuPercent != b->metrics(name).last().cpuPercent);

        QSet<QString> submissions, metricQueries;
        for (const auto &r : m_server->requests()) {
            const std::string path = r["path"].get<std::string>();
            if (path == "/api/project/main/logs/poll" && r["body"]["run_name"] == name.toStdString())
                submissions.insert(QString::fromStdString(r["body"]["job_submission_id"].get<std::string>()));
            if (path == "/api/project/main/metrics/job/" + name.toStdString())
                metricQueries.insert(QString::fromStdString(r["query"].get<std::string>()));
        }
        QCOMPARE(submissions.size(), 2); // one per replica
        QVERIFY2(metricQueries.contains(QStringLiteral("replica_num=1&job_num=0&limit=60")),
                 qPrintable(metricQueries.values().join(u' ')));
        QVERIFY2(metricQueries.contains(QStringLiteral("replica_num=0&job_num=0&limit=60")),
                 qPrintable(metricQueries.values().join(u' ')));
        QVERIFY2(m_server->refusedOrUnjudged().isEmpty(), qPrintable(m_server->refusedOrUnjudged().join(u'\n')));
        b->stop(name, true);
        QTRY_VERIFY_WITH_TIMEOUT(runNamed(*b, name)->status == RunStatus::Terminated, 20000);
    }

    // Planning a configuration whose run is active gives `update`; applying it updates in place.
    void activeRunUpdatesInPlace()
    {
        auto b = backend();
        const Configuration c = serviceConfiguration(QStringLiteral("upd-svc"));
        const Plan first = planFor(*b, c);
        QString error;
        const QString name = applyOffer(*b, c, first.offers.first(), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(runNamed(*b, name) && runNamed(*b, name)->status == RunStatus::Running, 20000);

        const Configuration changed = serviceConfiguration(QStringLiteral("upd-svc"), "env:\n  - VERSION=2\n");
        const Plan again = planFor(*b, changed);
        QVERIFY2(again.error.isEmpty(), qPrintable(again.error));
        QVERIFY(again.raw["action"] == "update");
        QCOMPARE(again.header.last().first, QStringLiteral("Action"));
        QVERIFY2(again.header.last().second.startsWith(QLatin1String("update: rolling deployment")),
                 qPrintable(again.header.last().second));
        applyOffer(*b, changed, again.offers.first(), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const auto body = m_server->lastRequest(QStringLiteral("/api/project/main/runs/apply"))["body"];
        QVERIFY(body["plan"]["current_resource"].is_object());
        QVERIFY(body["plan"]["run_spec"]["configuration"]["env"]["VERSION"] == "2");
        QVERIFY(body["plan"]["run_spec"]["configuration"].contains("home_dir")); // the server's own run_spec
        QVERIFY2(m_server->refusedOrUnjudged().isEmpty(), qPrintable(m_server->refusedOrUnjudged().join(u'\n')));

        // Without a plan for it (another client's run of the same name): the server's refusal, in words.
        auto other = backend();
        applyOffer(*other, changed, again.offers.first(), &error);
        QVERIFY2(error.contains(QLatin1String("already active")) && error.contains(QLatin1String("upd-svc")),
                 qPrintable(error));
        b->stop(name, true);
        QTRY_VERIFY_WITH_TIMEOUT(runNamed(*b, name)->status == RunStatus::Terminated, 20000);
    }

    // A configuration read by the real parser passes the (strict) server and deploys.
    void parsedConfigurationPlansAndApplies()
    {
        const ParseResult parsed = loadConfiguration(test::dataPath(QStringLiteral("dstack/chat-svc.dstack.yml")));
        QVERIFY(parsed.valid());
        auto b = backend();
        qputenv("GANTRY_DSTACK_TEST_ENV", "filled");
        const Plan plan = planFor(*b, *parsed.configuration);
        QVERIFY2(plan.error.isEmpty(), qPrintable(plan.error));
        QVERIFY(plan.offers.size() >= 150);
        QVERIFY(plan.header.at(3).second.startsWith(QLatin1String("cpu=")));
        QString error;
        const QString name = applyOffer(*b, *parsed.configuration, plan.offers.at(2), &error);
        qunsetenv("GANTRY_DSTACK_TEST_ENV");
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(name, QStringLiteral("cli-chat"));
        const auto conf = m_server->lastRequest(
            QStringLiteral("/api/project/main/runs/apply"))["body"]["plan"]["run_spec"]["configuration"];
        QVERIFY(conf["env"]["GANTRY_DSTACK_TEST_ENV"] == "filled");
        QVERIFY(conf["instance_types"] == nlohmann::json::array({plan.offers.at(2).instanceName.toStdString()}));
        b->stop(name, true);
        QTRY_VERIFY_WITH_TIMEOUT(runNamed(*b, name) && runNamed(*b, name)->status == RunStatus::Terminated, 20000);
    }

    void abortStopsAtOnce()
    {
        auto b = backend();
        const Configuration c = serviceConfiguration(QStringLiteral("abort-svc"));
        const Plan plan = planFor(*b, c);
        QString error;
        const QString name = applyOffer(*b, c, plan.offers.first(), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QSignalSpy stopped(b.get(), &DstackBackend::stopFinished);
        b->stop(name, true);
        QVERIFY(stopped.wait(10000));
        QVERIFY(m_server->lastRequest(QStringLiteral("/api/project/main/runs/stop"))["body"]["abort"] == true);
        QTRY_VERIFY_WITH_TIMEOUT(runNamed(*b, name) && runNamed(*b, name)->status == RunStatus::Terminated, 20000);
        QCOMPARE(runNamed(*b, name)->terminationReason, QStringLiteral("aborted_by_user"));
    }

    void errorsReachTheUser()
    {
        auto b = backend();
        const Configuration c = serviceConfiguration(QStringLiteral("err-svc"));
        Offer offer = planFor(*b, c).offers.first();
        QString error;

        m_server->hook(
            QStringLiteral("fail_next"),
            {{"path_contains", "runs/apply"},
             {"status", 400},
             {"json",
              {{"detail",
                {{{"msg", "Bad thing one"}, {"code", "error"}}, {{"msg", "bad thing two"}, {"code", "error"}}}}}}});
        QVERIFY(applyOffer(*b, c, offer, &error).isEmpty());
        QCOMPARE(error, QStringLiteral("Bad thing one; bad thing two"));

        m_server->hook(QStringLiteral("fail_next"), {{"path_contains", "runs/apply"},
                                                     {"status", 422},
                                                     {"json",
                                                      {{"detail",
                                                        {{{"type", "missing"},
                                                          {"loc", {"body", "force"}},
                                                          {"msg", "Field required"},
                                                          {"input", nlohmann::json::object()}}}}}}});
        applyOffer(*b, c, offer, &error);
        QVERIFY2(error.contains(QLatin1String("force: Field required")), qPrintable(error));

        m_server->hook(QStringLiteral("fail_next"),
                       {{"path_contains", "runs/apply"}, {"status", 500}, {"body", "Internal Server Error"}});
        applyOffer(*b, c, offer, &error);
        QVERIFY2(error.contains(QLatin1String("HTTP 500")), qPrintable(error));

        b->setRequestTimeoutMs(60000); // apply uses its own long timeout; test the short one on runs/get
        DstackClient client(m_server->url(), QStringLiteral("main"), FakeDstackServer::token());
        client.setTimeoutMs(500);
        m_server->hook(QStringLiteral("fail_next"),
                       {{"path_contains", "runs/get"}, {"status", 200}, {"delay", 2}, {"json", nullptr}});
        std::optional<DstackError> got;
        client.post(client.projectPath(QStringLiteral("runs/get")), {{"run_name", "x"}}, this, nullptr,
                    [&](const DstackError &e) { got = e; });
        QTRY_VERIFY_WITH_TIMEOUT(got.has_value(), 10000);
        QCOMPARE(got->kind, DstackError::Kind::Timeout);
        QVERIFY(got->message.contains(QLatin1String("did not answer")));

        // The real thing, not a hook: a missing run is 400 resource_not_exists.
        got.reset();
        client.setTimeoutMs(10000);
        client.post(client.projectPath(QStringLiteral("runs/get")), {{"run_name", "no-such-run"}}, this, nullptr,
                    [&](const DstackError &e) { got = e; });
        QTRY_VERIFY_WITH_TIMEOUT(got.has_value(), 10000);
        QVERIFY(got->isResourceNotExists());
        QCOMPARE(got->httpStatus, 400);

        // A strict server: a missing `abort` is a 422 in words.
        got.reset();
        client.post(client.projectPath(QStringLiteral("runs/stop")), {{"runs_names", {"x"}}}, this, nullptr,
                    [&](const DstackError &e) { got = e; });
        QTRY_VERIFY_WITH_TIMEOUT(got.has_value(), 10000);
        QCOMPARE(got->httpStatus, 422);
        QVERIFY(got->message.contains(QLatin1String("abort: Field required")));
    }

    void ownerBoundCallbacks()
    {
        DstackClient client(m_server->url(), QStringLiteral("main"), FakeDstackServer::token());
        bool called = false;
        auto owner = std::make_unique<QObject>();
        m_server->hook(
            QStringLiteral("fail_next"),
            {{"path_contains", "get_info"}, {"status", 200}, {"delay", 1}, {"json", {{"server_version", "0.21.2"}}}});
        client.post(
            QStringLiteral("/api/server/get_info"), nullptr, owner.get(),
            [&](const nlohmann::json &) { called = true; }, [&](const DstackError &) { called = true; });
        owner.reset(); // the asker is gone before the answer
        // A second, later answer for a live owner: once it is here, the first one has come and gone.
        m_server->hook(
            QStringLiteral("fail_next"),
            {{"path_contains", "get_info"}, {"status", 200}, {"delay", 1.5}, {"json", {{"server_version", "0.21.2"}}}});
        bool secondCalled = false;
        client.post(
            QStringLiteral("/api/server/get_info"), nullptr, this, [&](const nlohmann::json &) { secondCalled = true; },
            nullptr);
        QTRY_VERIFY_WITH_TIMEOUT(secondCalled, 10000);
        QVERIFY(!called);
    }

    void runsStartedElsewhereAppear()
    {
        m_server->hook(QStringLiteral("external_run"), {{"name", "cli-started"}});
        auto b = backend();
        QSignalSpy synced(b.get(), &DstackBackend::synchronized);
        b->synchronize(); // what the CLI does: one round, then every run's logs drained
        QVERIFY(synced.wait(10000));
        const auto run = runNamed(*b, QStringLiteral("cli-started"));
        QVERIFY(run);
        QCOMPARE(gantry::toString(run->status), gantry::toString(RunStatus::Running));
        QVERIFY(run->model);
        QCOMPARE(run->project, QStringLiteral("main"));
        const auto expected = m_server->get(QStringLiteral("/__test__/expected_logs"));
        QCOMPARE(allText(b->logStore(run->name), LogSource::Stdout),
                 QString::fromStdString(expected["stdout"].get<std::string>()));
    }

    void serverGoneKeepsStateAndRecovers()
    {
        auto b = backend();
        const Configuration c = serviceConfiguration(QStringLiteral("gone-svc"));
        const QString name = applyOffer(*b, c, planFor(*b, c).offers.first());
        QCOMPARE(name, QStringLiteral("gone-svc"));
        QTRY_VERIFY_WITH_TIMEOUT(runNamed(*b, name)->status == RunStatus::Running, 20000);

        QSignalSpy connection(b.get(), &Backend::connectionChanged);
        m_server->kill();
        QVERIFY(connection.wait(15000));
        QCOMPARE(connection.first().at(0).toBool(), false);
        QVERIFY(connection.first().at(1).toString().contains(QLatin1String("Cannot reach")));
        QVERIFY(!b->isConnected());
        QCOMPARE(gantry::toString(runNamed(*b, name)->status),
                 gantry::toString(RunStatus::Running)); // last known state kept

        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(connection.size() >= 2, 20000);
        QCOMPARE(connection.last().at(0).toBool(), true);
        QVERIFY(b->isConnected());
        QCOMPARE(gantry::toString(runNamed(*b, name)->status), gantry::toString(RunStatus::Running));
        b->stop(name, true);
        QTRY_VERIFY_WITH_TIMEOUT(runNamed(*b, name)->status == RunStatus::Terminated, 20000);
    }

    // `files:` are packed as dstack's client packs them (ignore rules, .git left out, dot-files
    // and links kept), uploaded once per content, and named in run_spec.file_archives.
    void filesAreUploadedAsDstackPacksThem()
    {
        const QString project = QFileInfo(test::freshDir(QStringLiteral("files-project"))).canonicalFilePath();
        const QString outside = QFileInfo(test::freshDir(QStringLiteral("files-outside"))).canonicalFilePath();
        auto write = [](const QString &path, const QByteArray &text) {
            QDir().mkpath(QFileInfo(path).path());
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(text);
        };
        write(project + QStringLiteral("/data/.gitignore"), "*.log\n!keep.log\nbuild/\n");
        write(project + QStringLiteral("/data/.hidden"), "dot-files are packed");
        write(project + QStringLiteral("/data/a.txt"), "a");
        write(project + QStringLiteral("/data/debug.log"), "ignored");
        write(project + QStringLiteral("/data/keep.log"), "kept by a negation");
        write(project + QStringLiteral("/data/build/out.bin"), "ignored folder");
        write(project + QStringLiteral("/data/.git/HEAD"), "ref: refs/heads/main");
        write(project + QStringLiteral("/data/sub/.dstackignore"), "secret.txt\n");
        write(project + QStringLiteral("/data/sub/secret.txt"), "ignored by .dstackignore");
        write(project + QStringLiteral("/data/sub/b.txt"), "b");
        write(outside + QStringLiteral("/outside.txt"), "from outside the folder");
        write(project + QStringLiteral("/single.txt"), "one file");
        QCOMPARE(::symlink("../a.txt", QFile::encodeName(project + QStringLiteral("/data/sub/link-in")).constData()),
                 0);
        QCOMPARE(::symlink(QFile::encodeName(outside + QStringLiteral("/outside.txt")).constData(),
                           QFile::encodeName(project + QStringLiteral("/data/link-out")).constData()),
                 0);
        const QByteArray yaml =
            "type: service\nname: files-svc\ncommands:\n  - llama-server --port 8000\nport: 8000\nmodel: tiny\n"
            "spot_policy: auto\nfiles:\n  - data:/data\n  - {local_path: single.txt, path: /s.txt}\n";
        const QString file = project + QStringLiteral("/svc.dstack.yml");
        write(file, yaml);
        const ParseResult parsed = parseConfiguration(yaml, file);
        QVERIFY(parsed.valid());
        for (const Diagnostic &d : parsed.diagnostics)
            QVERIFY2(!d.message.contains(QLatin1String("files")),
                     qPrintable(d.toString())); // no "not uploaded" warning any more

        auto b = backend();
        const Plan plan = planFor(*b, *parsed.configuration);
        QVERIFY2(plan.error.isEmpty(), qPrintable(plan.error));
        for (const auto &row : plan.header)
            QVERIFY2(!row.second.contains(QLatin1String("files")), qPrintable(row.second));
        const auto spec = m_server->lastRequest(QStringLiteral("/api/project/main/runs/get_plan"))["body"]["run_spec"];
        QCOMPARE(spec["file_archives"].size(), size_t(2));
        QVERIFY(spec["file_archives"][0]["path"] == "/data");
        QVERIFY(spec["file_archives"][1]["path"] == "/s.txt");
        QVERIFY(spec["configuration"]["files"][0]["local_path"] ==
                (project + QStringLiteral("/data")).toStdString()); // absolute, as dstack sends it

        auto membersOf = [this](const nlohmann::json &id) {
            QStringList out;
            for (const auto &archive : m_server->get(QStringLiteral("/__test__/archives")))
                if (archive["id"] == id)
                    for (const auto &m : archive["members"])
                        out << QString::fromStdString(
                            m["name"].get<std::string>() + " " + m["type"].get<std::string>() +
                            (m["linkname"].get<std::string>().empty() ? ""
                                                                      : " -> " + m["linkname"].get<std::string>()));
            return out;
        };
        // What dstack's create_file_archive packs for this folder, in its order.
        const QStringList expected = {QStringLiteral("data dir"),
                                      QStringLiteral("data/.gitignore file"),
                                      QStringLiteral("data/.hidden file"),
                                      QStringLiteral("data/a.txt file"),
                                      QStringLiteral("data/keep.log file"),
                                      QStringLiteral("data/link-out file"),
                                      QStringLiteral("data/sub dir"),
                                      QStringLiteral("data/sub/.dstackignore file"),
                                      QStringLiteral("data/sub/b.txt file"),
                                      QStringLiteral("data/sub/link-in symlink -> ../a.txt")};
        QCOMPARE(membersOf(spec["file_archives"][0]["id"]), expected);
        QCOMPARE(membersOf(spec["file_archives"][1]["id"]), QStringList{QStringLiteral("single.txt file")});

        QString error;
        const QString name = applyOffer(*b, *parsed.configuration, plan.offers.first(), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const auto applied =
            m_server->lastRequest(QStringLiteral("/api/project/main/runs/apply"))["body"]["plan"]["run_spec"];
        QVERIFY(applied["file_archives"] == spec["file_archives"]);

        // Planned again by another client: the server has these archives, nothing is sent twice.
        auto uploads = [this] {
            int n = 0;
            for (const auto &r : m_server->requests())
                n += r["path"] == "/api/files/upload_archive" ? 1 : 0;
            return n;
        };
        const int uploadsBefore = uploads();
        auto again = backend();
        QVERIFY2(planFor(*again, *parsed.configuration).error.isEmpty(), "second plan");
        QCOMPARE(uploads(), uploadsBefore);
        QVERIFY(m_server->lastRequest(QStringLiteral("/api/files/get_archive_by_hash"))["body"]["hash"].is_string());
        QStringList judged;
        const QStringList problems = m_server->refusedOrUnjudged(&judged);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
        QVERIFY(judged.contains(QStringLiteral("files/upload_archive")));
        QVERIFY(judged.contains(QStringLiteral("files/get_archive_by_hash")));
        b->stop(name, true);
        QTRY_VERIFY_WITH_TIMEOUT(runNamed(*b, name) && runNamed(*b, name)->status == RunStatus::Terminated, 20000);
    }

    // What cannot be uploaded is said before or by the server, in words.
    void filesProblemsInWords()
    {
        const QString project = QFileInfo(test::freshDir(QStringLiteral("files-problems"))).canonicalFilePath();
        const QString file = project + QStringLiteral("/svc.dstack.yml");
        const QByteArray base = "type: service\nname: files-bad\ncommands: [x]\nport: 8000\nfiles:\n";
        auto b = backend();
        const ParseResult missing = parseConfiguration(base + "  - nowhere:/n\n", file);
        QVERIFY(missing.valid());
        const Plan refused = planFor(*b, *missing.configuration);
        QCOMPARE(refused.error,
                 file + QStringLiteral(":6:5: Path '%1/nowhere' specified in `files` does not exist").arg(project));

        QFile big(project + QStringLiteral("/big.bin"));
        QVERIFY(big.open(QIODevice::WriteOnly));
        big.write(QByteArray(20000, 'x'));
        big.close();
        const ParseResult large = parseConfiguration(base + "  - big.bin\n", file);
        b->setFileArchiveLimit(8 * 1024);
        auto fileRequests = [this] {
            int n = 0;
            for (const auto &r : m_server->requests())
                n += r["path"].get<std::string>().starts_with("/api/files/") ? 1 : 0;
            return n;
        };
        const int before = fileRequests();
        const Plan tooLarge = planFor(*b, *large.configuration);
        QVERIFY2(tooLarge.error.contains(QLatin1String("larger than 8 KB")) &&
                     tooLarge.error.contains(QLatin1String(".dstackignore")),
                 qPrintable(tooLarge.error));
        QCOMPARE(fileRequests(), before); // refused before anything was sent

        b->setFileArchiveLimit(1024 * 1024);
        m_server->hook(QStringLiteral("upload_limit"), {{"bytes", 4096}});
        const Plan serverSaysNo = planFor(*b, *large.configuration);
        m_server->hook(QStringLiteral("upload_limit"), {{"bytes", 2 * 1024 * 1024}});
        QVERIFY2(serverSaysNo.error.contains(QLatin1String("big.bin")) &&
                     serverSaysNo.error.contains(QLatin1String("DSTACK_SERVER_CODE_UPLOAD_LIMIT")),
                 qPrintable(serverSaysNo.error));
    }

    // The server that comes back may be another version: get_info is asked again, and what
    // that version cannot read is refused as for any older server.
    void serverVersionAskedAgainAfterReconnect()
    {
        auto b = backend();
        QSignalSpy versions(b.get(), &DstackBackend::serverVersionChanged);
        const Configuration c = serviceConfiguration(QStringLiteral("reconnect-svc"));
        QVERIFY2(planFor(*b, c).error.isEmpty(), "plan before the restart");
        QCOMPARE(b->serverVersion(), QStringLiteral("0.21.2"));
        QSignalSpy connection(b.get(), &Backend::connectionChanged);
        b->refresh(); // monitoring: the loss and the return are noticed without a user action
        m_server->kill();
        QVERIFY(connection.wait(15000));
        QCOMPARE(connection.first().at(0).toBool(), false);

        QString error;
        QVERIFY2(m_server->start(&error, {QStringLiteral("--server-version"), QStringLiteral("0.21.1")}),
                 qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(connection.size() >= 2, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(b->serverVersion(), QStringLiteral("0.21.1"), 20000);
        QCOMPARE(versions.last().at(0).toString(), QStringLiteral("0.21.1"));
        const ParseResult grouped = parseConfiguration(
            "type: task\nname: grouped-again\ngroups:\n  - {commands: [x]}\n", QStringLiteral("grouped.dstack.yml"));
        QVERIFY(grouped.valid());
        const Plan refused = planFor(*b, *grouped.configuration);
        QVERIFY2(refused.error.contains(QLatin1String("0.21.1")), qPrintable(refused.error));

        // Back to the usual server for the other tests (once the backend saw it go).
        m_server->kill();
        QTRY_VERIFY_WITH_TIMEOUT(!b->isConnected(), 15000);
        QVERIFY2(m_server->start(&error, {QStringLiteral("--server-version"), QStringLiteral("0.21.2")}),
                 qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(b->serverVersion(), QStringLiteral("0.21.2"), 20000);
    }

    // plan → pick → apply → logs → ready → chat through the dstack proxy → stop, with the
    // real llama-server behind the fake server's service URL.
    void wholeFlowChatsThroughTheServiceProxy()
    {
        test::LlamaServer llama;
        QString error;
        QVERIFY2(llama.start(&error, {QStringLiteral("--alias"), QStringLiteral("tiny")}), qPrintable(error));
        FakeDstackServer server(test::freshDir(QStringLiteral("fake-dstack-chat")));
        QVERIFY2(server.start(&error, {QStringLiteral("--upstream"), llama.rootUrl()}), qPrintable(error));
        server.hook(QStringLiteral("timing"),
                    {{"provisioning_after", 0.2}, {"running_after", 0.4}, {"ready_after", 0.6}, {"stop_after", 0.2}});

        DstackBackend b(DstackProject{QStringLiteral("main"), server.url(), FakeDstackServer::token(), true});
        b.setPollIntervals(100, 400);
        const Configuration c = serviceConfiguration(QStringLiteral("chat-svc"));
        const Plan plan = planFor(b, c);
        QVERIFY2(plan.error.isEmpty(), qPrintable(plan.error));
        const QString name = applyOffer(b, c, plan.offers.at(3), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        LogStore *store = b.logStore(name);
        QVERIFY(store);
        QTRY_VERIFY_WITH_TIMEOUT(runNamed(b, name) && runNamed(b, name)->ready, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(store->lineCount() > 10, 20000);
        const RunInfo run = *runNamed(b, name);
        QVERIFY(run.model);

        QNetworkAccessManager network;
        QNetworkRequest request(QUrl(run.model->baseUrl + QStringLiteral("/chat/completions")));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        const QByteArray body = QByteArray::fromStdString(nlohmann::json{
            {"model", run.model->name.toStdString()},
            {"messages", {{{"role", "user"}, {"content", "hello"}}}},
            {"max_tokens", 8},
            {"stream", true}}.dump());
        // Without the dstack token the proxy refuses (docs/reference/dstack-api.md#services-and-their-models).
        QNetworkReply *refused = network.post(request, body);
        QTRY_VERIFY_WITH_TIMEOUT(refused->isFinished(), 20000);
        QCOMPARE(refused->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 403);
        refused->deleteLater();

        request.setRawHeader("Authorization", "Bearer " + b.modelToken(name).toUtf8());
        QNetworkReply *reply = network.post(request, body);
        int pieces = 0;
        connect(reply, &QNetworkReply::readyRead, this, [&pieces] { ++pieces; });
        QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 60000);
        const QByteArray stream = reply->readAll();
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QVERIFY(reply->header(QNetworkRequest::ContentTypeHeader)
                    .toString()
                    .startsWith(QLatin1String("text/event-stream")));
        QVERIFY(stream.contains("data: [DONE]"));
        QVERIFY2(stream.count("data: {") >= 9, stream.left(400).constData()); // role chunk + one per token + final
        QVERIFY(pieces >= 1);
        reply->deleteLater();

        b.stop(name, false);
        QTRY_VERIFY_WITH_TIMEOUT(runNamed(b, name)->status == RunStatus::Terminated, 20000);
    }
};

QTEST_GUILESS_MAIN(DstackTest)
#include "test_dstack.moc"
