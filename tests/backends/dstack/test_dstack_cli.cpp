// gantry-cli with `--project NAME` against the fake dstack server (a real process), the whole
// flow: offer → apply a picked offer → logs → ready → chat through the run's model URL with the
// dstack token → ps → stop. The project comes from a dstack config.yml ($DSTACK_CONFIG_PATH).

#include "tests/support/CliProcess.h"
#include "tests/support/DstackOracle.h"
#include "tests/support/FakeDstackServer.h"
#include "tests/support/LlamaServer.h"
#include "tests/support/TestEnvironment.h"

#include <QFile>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTest>

using namespace Qt::StringLiterals;

using gantry::test::FakeDstackServer;

using gantry::test::CliResult;

class DstackCliTest : public QObject
{
    Q_OBJECT

    std::unique_ptr<FakeDstackServer> m_server;
    gantry::test::LlamaServer m_llama;
    QString m_configPath;

    CliResult cli(const QStringList &args, int timeoutMs = 60000)
    {
        gantry::test::CliOptions options;
        options.timeoutMs = timeoutMs;
        options.environment.insert(QStringLiteral("DSTACK_CONFIG_PATH"), m_configPath);
        options.environment.insert(QStringLiteral("GANTRY_DSTACK_TEST_ENV"), QStringLiteral("from-cli-env"));
        return gantry::test::runCli(args, options);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFileInfo(gantry::test::cliPath()).isExecutable(), "gantry-cli is not built");
        GANTRY_REQUIRE_ORACLE(python); // the fake server is judged by dstack's code: skip without it (fail under CI)
        Q_UNUSED(python);
        QString error;
        QVERIFY2(m_llama.start(&error, {QStringLiteral("--alias"), QStringLiteral("tiny")}), qPrintable(error));
        const QString dir = gantry::test::freshDir(QStringLiteral("dstack-cli"));
        m_server = std::make_unique<FakeDstackServer>(dir);
        QVERIFY2(m_server->start(&error, {QStringLiteral("--upstream"), m_llama.rootUrl()}), qPrintable(error));
        m_server->hook(QStringLiteral("timing"),
                       {{"provisioning_after", 0.3},
                        {"running_after", 0.6},
                        {"ready_after", 2.0},
                        {"stop_after", 0.3}}); // all logs are out (≈0.7 s of chunks) before ready
        m_configPath = dir + QStringLiteral("/config.yml");
        QFile f(m_configPath);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral("projects:\n- name: main\n  url: %1\n  token: %2\n  default: true\n")
                    .arg(m_server->url(), FakeDstackServer::token())
                    .toUtf8());
    }

    void unknownProjectIsAUsageError()
    {
        const CliResult r = cli({QStringLiteral("ps"), QStringLiteral("--project"), QStringLiteral("nosuch")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QLatin1String("no dstack project `nosuch`")), qPrintable(r.err));
    }

    void wholeFlow()
    {
        const QString file = gantry::test::dataPath(QStringLiteral("dstack/chat-svc.dstack.yml"));
        const CliResult offers = cli({QStringLiteral("offer"), QStringLiteral("-f"), file, QStringLiteral("--project"),
                                      QStringLiteral("main"), QStringLiteral("--json")});
        QVERIFY2(offers.exitCode == 0, qPrintable(offers.err));
        const nlohmann::json plan = offers.json();
        QVERIFY(plan["offers"].size() >= 150);
        QVERIFY(plan["backend"] == "dstack");
        const nlohmann::json picked = plan["offers"][4];

        const CliResult apply =
            cli({QStringLiteral("apply"), QStringLiteral("-f"), file, QStringLiteral("-y"), QStringLiteral("--offer"),
                 QStringLiteral("5"), QStringLiteral("--project"), QStringLiteral("main"), QStringLiteral("--json")},
                90000);
        QVERIFY2(apply.exitCode == 0, qPrintable(apply.err + apply.out));
        const nlohmann::json run = apply.json();
        QVERIFY(run["ready"] == true);
        QVERIFY(run["name"] == "cli-chat");
        const auto conf = m_server->lastRequest(
            QStringLiteral("/api/project/main/runs/apply"))["body"]["plan"]["run_spec"]["configuration"];
        QVERIFY(conf["backends"] == nlohmann::json::array({picked["backend"]}));
        QVERIFY(conf["regions"] == nlohmann::json::array({picked["region"]}));
        QVERIFY(conf["instance_types"] == nlohmann::json::array({picked["instance"]["name"]}));
        QVERIFY(conf["max_price"] == picked["price"]);
        QVERIFY(conf["env"]["GANTRY_DSTACK_TEST_ENV"] == "from-cli-env");

        const CliResult logs = cli(
            {QStringLiteral("logs"), QStringLiteral("cli-chat"), QStringLiteral("--project"), QStringLiteral("main")});
        QVERIFY2(logs.exitCode == 0, qPrintable(logs.err));
        QVERIFY2(logs.out.contains(QStringLiteral("model loaded: tiny.gguf — größe 9 MB ✓")),
                 qPrintable(logs.out.left(400)));
        QVERIFY(logs.out.contains(QStringLiteral("server is listening on http://0.0.0.0:8000")));

        // The provisioning log (the runner's) and the run's events, as dstack's CLI prints them.
        const CliResult diagnose =
            cli({QStringLiteral("logs"), QStringLiteral("cli-chat"), QStringLiteral("--diagnose"),
                 QStringLiteral("--project"), QStringLiteral("main")});
        QVERIFY2(diagnose.exitCode == 0, qPrintable(diagnose.err));
        const auto expected = m_server->get(QStringLiteral("/__test__/expected_logs"));
        QCOMPARE(diagnose.out, QString::fromStdString(expected["runner"].get<std::string>()));
        const CliResult events = cli({QStringLiteral("event"), QStringLiteral("cli-chat"), QStringLiteral("--project"),
                                      QStringLiteral("main"), QStringLiteral("--json")});
        QVERIFY2(events.exitCode == 0, qPrintable(events.err));
        QStringList messages;
        const nlohmann::json eventList = events.json()["events"]; // a named copy: no loop over a temporary's member
        for (const auto &e : eventList)
            messages << QString::fromStdString(e["message"].get<std::string>());
        QVERIFY2(messages.filter(QStringLiteral("Job status changed PROVISIONING -> PULLING")).size() == 1,
                 qPrintable(messages.join(u'\n')));
        QVERIFY(messages.filter(QStringLiteral("Run status changed PROVISIONING -> RUNNING")).size() == 1);

        // Chat through the run's model URL with the dstack token, streamed.
        const QString baseUrl = QString::fromStdString(run["service"]["model"]["base_url"].get<std::string>());
        QVERIFY(baseUrl.startsWith(m_server->url() + QStringLiteral("/proxy/services/main/cli-chat")));
        QNetworkAccessManager network;
        QNetworkRequest request(QUrl(baseUrl + QStringLiteral("/chat/completions")));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        request.setRawHeader("Authorization", "Bearer " + FakeDstackServer::token().toUtf8());
        QNetworkReply *reply = network.post(
            request, R"({"model":"tiny","messages":[{"role":"user","content":"hi"}],"max_tokens":8,"stream":true})");
        QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 60000);
        const QByteArray stream = reply->readAll();
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QVERIFY(stream.contains("data: [DONE]"));
        reply->deleteLater();

        // And through gantry-cli chat, which resolves the run's endpoint and token itself.
        const CliResult chat = cli({QStringLiteral("chat"), QStringLiteral("cli-chat"), QStringLiteral("--project"),
                                    QStringLiteral("main"), QStringLiteral("--param"), QStringLiteral("max_tokens=8"),
                                    QStringLiteral("--json"), QStringLiteral("hello")});
        QVERIFY2(chat.exitCode == 0, qPrintable(chat.err + chat.out));
        QVERIFY2(!chat.json().is_discarded(), qPrintable(chat.out.left(400)));

        const CliResult ps =
            cli({QStringLiteral("ps"), QStringLiteral("--project"), QStringLiteral("main"), QStringLiteral("--json")});
        QVERIFY2(ps.exitCode == 0, qPrintable(ps.err));
        bool listed = false;
        const nlohmann::json psRuns = ps.json()["runs"]; // a named copy: no loop over a temporary's member
        for (const auto &r : psRuns)
            if (r["name"] == "cli-chat" && r["status"] == "running" && r["backend"] == "dstack")
                listed = true;
        QVERIFY2(listed, qPrintable(ps.out.left(4000)));

        const CliResult stop = cli(
            {QStringLiteral("stop"), QStringLiteral("cli-chat"), QStringLiteral("--project"), QStringLiteral("main")});
        QVERIFY2(stop.exitCode == 0, qPrintable(stop.err + stop.out));
        const CliResult after = cli({QStringLiteral("ps"), QStringLiteral("-a"), QStringLiteral("--project"),
                                     QStringLiteral("main"), QStringLiteral("--json")});
        bool terminated = false;
        const nlohmann::json afterRuns = after.json()["runs"];
        for (const auto &r : afterRuns)
            if (r["name"] == "cli-chat" && r["status"] == "terminated" && r["termination_reason"] == "stopped_by_user")
                terminated = true;
        QVERIFY2(terminated, qPrintable(after.out.left(600)));

        // Every request the CLI sent in the whole flow passed dstack 0.21.2's own schemas.
        QStringList judged;
        const QStringList refused = m_server->refusedOrUnjudged(&judged);
        QVERIFY2(refused.isEmpty(), qPrintable(refused.join(u'\n')));
        for (const char *endpoint :
             {"runs/get_plan", "runs/apply", "runs/get", "runs/list", "logs/poll", "events/list", "runs/stop"})
            QVERIFY2(judged.contains(QLatin1String(endpoint)), endpoint);
    }

    // `logs RUN --replica N` prints that replica's own log, as dstack's `logs --replica` does.
    void logsOfOneReplica()
    {
        const QString dir = gantry::test::freshDir(QStringLiteral("dstack-cli-replicas"));
        const QString file = dir + QStringLiteral("/replicas.dstack.yml");
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("type: service\nname: cli-replicas\ncommands: [serve]\nport: 8000\nreplicas: 2\nspot_policy: auto\n");
        f.close();
        const CliResult apply = cli({QStringLiteral("apply"), QStringLiteral("-f"), file, QStringLiteral("-y"),
                                     QStringLiteral("-d"), QStringLiteral("--project"), QStringLiteral("main")},
                                    90000);
        QVERIFY2(apply.exitCode == 0, qPrintable(apply.err + apply.out));
        CliResult second;
        QTRY_VERIFY_WITH_TIMEOUT(
            (second = cli({QStringLiteral("logs"), QStringLiteral("cli-replicas"), QStringLiteral("--replica"),
                           QStringLiteral("1"), QStringLiteral("--project"), QStringLiteral("main")}))
                .out.contains(QLatin1String("replica 1 job 0: line 4")),
            30000);
        QCOMPARE(second.exitCode, 0);
        QVERIFY(!second.out.contains(QLatin1String("llama-server"))); // replica 0's output is not in it
        const CliResult first = cli({QStringLiteral("logs"), QStringLiteral("cli-replicas"),
                                     QStringLiteral("--project"), QStringLiteral("main")});
        QVERIFY2(first.out.contains(QLatin1String("llama-server starting")), qPrintable(first.out.left(400)));

        const CliResult missing =
            cli({QStringLiteral("logs"), QStringLiteral("cli-replicas"), QStringLiteral("--replica"),
                 QStringLiteral("5"), QStringLiteral("--project"), QStringLiteral("main")});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY2(missing.err.contains(QLatin1String("--replica 1 --job 0")), qPrintable(missing.err));
        const CliResult bad = cli({QStringLiteral("logs"), QStringLiteral("cli-replicas"), QStringLiteral("--replica"),
                                   QStringLiteral("x"), QStringLiteral("--project"), QStringLiteral("main")});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.contains(QLatin1String("--replica takes a number")), qPrintable(bad.err));

        QVERIFY2(cli({QStringLiteral("stop"), QStringLiteral("cli-replicas"), QStringLiteral("--abort"),
                      QStringLiteral("--project"), QStringLiteral("main")})
                         .exitCode == 0,
                 "stop");
        const QStringList refused = m_server->refusedOrUnjudged();
        QVERIFY2(refused.isEmpty(), qPrintable(refused.join(u'\n')));
    }
};

QTEST_GUILESS_MAIN(DstackCliTest)
#include "test_dstack_cli.moc"
