// gantry-cli against the local backend, as a user runs it: real gantry-cli processes,
// real supervisors, real services on 127.0.0.1.

#include "core/backends/local/LocalBackend.h"
#include "core/common/StatePaths.h"
#include "tests/backends/local/LocalTestSupport.h"
#include "tests/support/CliProcess.h"
#include "tests/support/LlamaServer.h"
#include "tests/support/TestEnvironment.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTcpSocket>

#include <nlohmann/json.hpp>

#include <csignal>

using namespace gantry;
using namespace gantry::test;

namespace {

CliResult cli(const QStringList &args, const QString &workingDir = {}, int timeoutMs = 60000)
{
    CliOptions options;
    options.workingDir = workingDir;
    options.timeoutMs = timeoutMs;
    return runCli(args, options);
}

QString writeProject(const QString &name, const QString &yaml)
{
    const QString dir = freshDir(name);
    QFile file(dir + QStringLiteral("/.dstack.yml"));
    if (file.open(QIODevice::WriteOnly))
        file.write(yaml.toUtf8());
    return dir;
}

nlohmann::json runsJson()
{
    const CliResult ps = cli({QStringLiteral("ps"), QStringLiteral("-a"), QStringLiteral("--json")});
    const nlohmann::json j = nlohmann::json::parse(ps.out.toStdString(), nullptr, false);
    return j.is_object() && j.contains("runs") ? j["runs"] : nlohmann::json::array();
}

std::optional<nlohmann::json> runJson(const QString &name)
{
    for (const auto &run : runsJson())
        if (run.value("name", std::string()) == name.toStdString())
            return run;
    return std::nullopt;
}

QString serviceYaml(int port, const QString &extra = {})
{
    return QStringLiteral("type: service\nport: %1\ncommands:\n  - echo serving-from-cli\n"
                          "  - exec /usr/bin/python3 -m http.server %1 --bind 127.0.0.1\n"
                          "resources:\n  cpu: 1..\n  memory: 0.5GB..\n  disk: 0.1GB..\n%2")
        .arg(port)
        .arg(extra);
}

// A JSON value as text (strings unquoted), so that QCOMPARE can show both sides.
QString jsonText(const nlohmann::json &value)
{
    return QString::fromStdString(value.is_string() ? value.get<std::string>() : value.dump());
}

bool tcpAnswers(int port)
{
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), quint16(port));
    return socket.waitForConnected(2000);
}

} // namespace

class TestLocalCli : public QObject
{
    Q_OBJECT

    QStringList m_started;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFileInfo(cliPath()).isExecutable(), "gantry-cli is not built");
        QDir(runsDir()).removeRecursively();
        qputenv("GANTRY_NVIDIA_SMI", "/bin/true"); // no GPU, whatever this machine has
    }

    void cleanupTestCase()
    {
        for (const QString &name : std::as_const(m_started))
            cli({QStringLiteral("stop"), name, QStringLiteral("--abort")});
    }

    void offerWithoutMatchingGpuSaysWhy()
    {
        const QString project = writeProject(
            QStringLiteral("cli-nogpu"),
            QStringLiteral("type: task\ncommands: [\"true\"]\nresources:\n  gpu: 24GB\n  disk: 0.1GB..\n"));
        const CliResult text = cli({QStringLiteral("offer"), project});
        QCOMPARE(text.exitCode, 1);
        QVERIFY2(text.out.contains(QLatin1String("No matching offers: needs gpu")), qPrintable(text.out + text.err));
        QVERIFY(text.out.contains(QLatin1String("this machine has no GPU")));
        QVERIFY(text.out.contains(QLatin1String("Resources")));
        const CliResult json = cli({QStringLiteral("offer"), QStringLiteral("--json"), project});
        const nlohmann::json j = nlohmann::json::parse(json.out.toStdString(), nullptr, false);
        QVERIFY2(j.is_object(), qPrintable(json.out));
        QCOMPARE(j["offers"].size(), 0u);
        QVERIFY(QString::fromStdString(j["no_offers_reason"].get<std::string>()).contains(QLatin1String("no GPU")));
    }

    void offerShowsThisMachineLikeDstack()
    {
        const QString project = writeProject(QStringLiteral("cli-offer"), serviceYaml(freeTcpPort()));
        const CliResult r = cli({QStringLiteral("offer"), project});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QRegularExpression(
                     QStringLiteral("#\\s+BACKEND\\s+REGION\\s+INSTANCE\\s+RESOURCES\\s+SPOT\\s+PRICE"))),
                 qPrintable(r.out));
        QVERIFY(r.out.contains(QRegularExpression(QStringLiteral("\\n 1\\s+local\\s+"))));
        QVERIFY(r.out.contains(QLatin1String("Shown 1 of 1 offers, $0 max")));
        const CliResult json = cli({QStringLiteral("offer"), QStringLiteral("--json"), project});
        const nlohmann::json j = nlohmann::json::parse(json.out.toStdString(), nullptr, false);
        QVERIFY(j.is_object());
        QCOMPARE(jsonText(j["offers"][0]["backend"]), QStringLiteral("local"));
        QCOMPARE(jsonText(j["offers"][0]["price"]), QStringLiteral("0.0"));
        QCOMPARE(jsonText(j["offers"][0]["instance"]["resources"]["spot"]), QStringLiteral("false"));
        QCOMPARE(jsonText(j["total_offers"]), QStringLiteral("1"));
    }

    void failingCommandExits1WithExitedMessage()
    {
        const QString project = writeProject(
            QStringLiteral("cli-exit3"),
            QStringLiteral("type: task\nname: cli-exit-three\ncommands:\n  - echo about-to-fail\n  - exit 3\n"
                           "resources:\n  cpu: 1..\n  memory: 0.5GB..\n  disk: 0.1GB..\n"));
        const CliResult r = cli({QStringLiteral("apply"), QStringLiteral("-y"), project});
        m_started << QStringLiteral("cli-exit-three");
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.contains(QLatin1String("Exited (3)")), qPrintable(r.out + r.err));
        QVERIFY(r.out.contains(QLatin1String("about-to-fail")));
        // The cost of the picked offer is told before the run is submitted.
        QVERIFY2(r.out.contains(QLatin1String("Cost: free (price $0) (offer 1, local ")), qPrintable(r.out));
        const auto run = runJson(QStringLiteral("cli-exit-three"));
        QVERIFY(run);
        QCOMPARE(jsonText((*run)["status"]), QStringLiteral("failed"));
        QCOMPARE(jsonText((*run)["status_message"]), QStringLiteral("exited (3)"));
        QCOMPARE(jsonText((*run)["backend"]), QStringLiteral("local"));
        const CliResult logs = cli({QStringLiteral("logs"), QStringLiteral("cli-exit-three")});
        QCOMPARE(logs.exitCode, 0);
        QVERIFY(logs.out.contains(QLatin1String("about-to-fail")));
    }

    void takenPortIsAClearErrorAndNothingStarts()
    {
        QTcpServer occupant;
        QVERIFY(occupant.listen(QHostAddress::AnyIPv4, 0));
        const int port = occupant.serverPort();
        const QString project = writeProject(QStringLiteral("cli-port"), serviceYaml(port));
        const size_t before = runsJson().size();
        const CliResult r = cli({QStringLiteral("apply"), QStringLiteral("-y"), project});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("port %1 is already in use").arg(port)), qPrintable(r.err));
        QCOMPARE(runsJson().size(), before);
    }

    void killedCliLeavesTheServiceRunningAndAnotherCliReattaches()
    {
        const int port = freeTcpPort();
        const QString project =
            writeProject(QStringLiteral("cli-kill"), serviceYaml(port, QStringLiteral("name: cli-survivor\n")));
        QProcess apply;
        apply.setStandardInputFile(QProcess::nullDevice());
        apply.start(cliPath(), {QStringLiteral("apply"), QStringLiteral("-y"), project});
        QVERIFY(apply.waitForStarted());
        m_started << QStringLiteral("cli-survivor");
        // Mid-apply: the run exists and is on its way; then the CLI dies hard.
        QTRY_VERIFY_WITH_TIMEOUT(runJson(QStringLiteral("cli-survivor")).has_value(), 30000);
        ::kill(pid_t(apply.processId()), SIGKILL);
        QVERIFY(apply.waitForFinished(5000));
        QTRY_VERIFY_WITH_TIMEOUT(tcpAnswers(port), 30000);

        const CliResult ps = cli({QStringLiteral("ps")});
        QVERIFY2(ps.out.contains(QLatin1String("cli-survivor")), qPrintable(ps.out));
        const auto run = runJson(QStringLiteral("cli-survivor"));
        QCOMPARE(jsonText((*run)["status"]), QStringLiteral("running"));
        QTRY_VERIFY_WITH_TIMEOUT(jsonText((*runJson(QStringLiteral("cli-survivor")))["ready"]) == QLatin1String("true"),
                                 20000);
        QCOMPARE(jsonText((*runJson(QStringLiteral("cli-survivor")))["service"]["url"]),
                 QStringLiteral("http://127.0.0.1:%1").arg(port));
        const CliResult logs = cli({QStringLiteral("logs"), QStringLiteral("cli-survivor")});
        QVERIFY2(logs.out.contains(QLatin1String("serving-from-cli")), qPrintable(logs.out));

        const qint64 group = processGroupOf(QStringLiteral("cli-survivor"));
        QVERIFY(!processesInGroup(group).isEmpty());
        const CliResult stop = cli({QStringLiteral("stop"), QStringLiteral("cli-survivor")});
        QCOMPARE(stop.exitCode, 0);
        QVERIFY2(stop.out.contains(QLatin1String("stopped")), qPrintable(stop.out + stop.err));
        QVERIFY(processesInGroup(group).isEmpty());
        QVERIFY(!tcpAnswers(port));
        QCOMPARE(jsonText((*runJson(QStringLiteral("cli-survivor")))["status"]), QStringLiteral("terminated"));
    }

    void detachedApplyReturnsAtOnceWithJson()
    {
        const int port = freeTcpPort();
        const QString project = writeProject(QStringLiteral("cli-detach"), serviceYaml(port));
        const CliResult r = cli({QStringLiteral("apply"), QStringLiteral("-y"), QStringLiteral("--detach"),
                                 QStringLiteral("--json"), project});
        QCOMPARE(r.exitCode, 0);
        const nlohmann::json j = nlohmann::json::parse(r.out.toStdString(), nullptr, false);
        QVERIFY2(j.is_object() && j.contains("name"), qPrintable(r.out));
        const QString name = QString::fromStdString(j["name"].get<std::string>());
        m_started << name;
        QCOMPARE(jsonText(j["backend"]), QStringLiteral("local"));
        QVERIFY(j.contains("status_message"));
        QVERIFY(j.contains("service"));
        QTRY_VERIFY_WITH_TIMEOUT(jsonText((*runJson(name))["ready"]) == QLatin1String("true"), 30000);
        QCOMPARE(cli({QStringLiteral("stop"), name, QStringLiteral("--abort")}).exitCode, 0);
        QCOMPARE(jsonText((*runJson(name))["status_message"]), QStringLiteral("aborted"));
    }

    void localTinyServesAStreamedChatCompletion()
    {
        const QString server = llamaServerPath();
        QString modelError;
        const QString model = tinyModelPath(&modelError);
        if (server.isEmpty() || model.isEmpty())
            QFAIL(qPrintable(QStringLiteral("llama-server or the tiny model is missing (run scripts/setup): ") +
                             modelError));
        QVERIFY2(LocalBackend::portProblem(8088).isEmpty(), "examples/local-tiny listens on 8088, which is taken");
        // The example takes both paths from the environment (value-less env entries).
        qputenv("LLAMA_SERVER", server.toUtf8());
        qputenv("TINY_MODEL", model.toUtf8());
        const QString example = sourceDir() + QStringLiteral("/examples/local-tiny");
        QProcess apply;
        apply.setStandardInputFile(QProcess::nullDevice());
        apply.start(cliPath(), {QStringLiteral("apply"), QStringLiteral("-y"), QStringLiteral("--json"), example});
        QVERIFY(apply.waitForFinished(60000)); // ready within 60 s
        const QByteArray output = apply.readAllStandardOutput();
        QVERIFY2(apply.exitCode() == 0, qPrintable(QString::fromUtf8(output + apply.readAllStandardError())));
        const nlohmann::json run = nlohmann::json::parse(output.toStdString(), nullptr, false);
        QVERIFY2(run.is_object(), output.constData());
        const QString name = QString::fromStdString(run["name"].get<std::string>());
        m_started << name;
        QCOMPARE(jsonText(run["ready"]), QStringLiteral("true"));
        QCOMPARE(jsonText(run["service"]["url"]), QStringLiteral("http://127.0.0.1:8088"));
        QCOMPARE(jsonText(run["service"]["model"]["name"]), QStringLiteral("tiny"));
        QCOMPARE(jsonText(run["service"]["model"]["base_url"]), QStringLiteral("http://127.0.0.1:8088/v1"));

        // A streamed chat completion, as the chat panel sends it.
        QNetworkAccessManager network;
        QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:8088/v1/chat/completions")));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        const nlohmann::json body = {{"model", "tiny"},
                                     {"stream", true},
                                     {"max_tokens", 8},
                                     {"messages", {{{"role", "user"}, {"content", "Hello"}}}}};
        QNetworkReply *reply = network.post(request, QByteArray::fromStdString(body.dump()));
        QSignalSpy finished(reply, &QNetworkReply::finished);
        QVERIFY(finished.wait(30000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QVERIFY(reply->header(QNetworkRequest::ContentTypeHeader)
                    .toString()
                    .startsWith(QLatin1String("text/event-stream")));
        int contentChunks = 0;
        bool sawDone = false;
        QString finishReason;
        for (const QByteArray &line : reply->readAll().split('\n')) {
            if (!line.startsWith("data:"))
                continue;
            const QByteArray payload = line.mid(5).trimmed();
            if (payload == "[DONE]") {
                sawDone = true;
                continue;
            }
            const nlohmann::json chunk = nlohmann::json::parse(payload.toStdString(), nullptr, false);
            if (!chunk.is_object() || !chunk.contains("choices") || !chunk["choices"].is_array() ||
                chunk["choices"].empty())
                continue;
            const auto &choice = chunk["choices"][0];
            if (choice.contains("delta") && choice["delta"].contains("content") &&
                choice["delta"]["content"].is_string())
                ++contentChunks;
            if (choice.contains("finish_reason") && choice["finish_reason"].is_string())
                finishReason = QString::fromStdString(choice["finish_reason"].get<std::string>());
        }
        reply->deleteLater();
        QVERIFY2(contentChunks >= 1, "no token came back");
        QVERIFY(contentChunks <= 8);
        QCOMPARE(finishReason, QStringLiteral("length"));
        QVERIFY(sawDone);

        const qint64 group = processGroupOf(name);
        QVERIFY(!processesInGroup(group).isEmpty());
        const CliResult stop = cli({QStringLiteral("stop"), name});
        QCOMPARE(stop.exitCode, 0);
        QVERIFY(processesInGroup(group).isEmpty());
        QVERIFY(!tcpAnswers(8088));
    }

    void unknownRunIsAnError()
    {
        QCOMPARE(cli({QStringLiteral("logs"), QStringLiteral("no-such-run")}).exitCode, 1);
        QCOMPARE(cli({QStringLiteral("stop"), QStringLiteral("no-such-run")}).exitCode, 1);
        QCOMPARE(cli({QStringLiteral("ps"), QStringLiteral("--bogus")}).exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestLocalCli)
#include "test_local_cli.moc"
