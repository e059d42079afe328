// gantry-cli chat as a user runs it (a real child process), against a scripted server:
// streaming to stdout, --json, the token, misuse — and a SIGKILL mid-reply that must not
// lose the text already shown.

#include "tests/chat/ChatTestPrinters.h"
#include "tests/support/ScriptedHttpServer.h"

#include "core/backends/local/RunDirectory.h"
#include "core/chat/ConversationStore.h"
#include "core/common/StatePaths.h"
#include "tests/support/TestEnvironment.h"

#include <QProcess>
#include <QSignalSpy>
#include <QTest>

using namespace gantry;
using namespace gantry::test;

namespace {

constexpr char kPath[] = "/v1/chat/completions";
const QByteArray kFinish = R"({"choices":[{"index":0,"delta":{},"finish_reason":"length"}]})";

struct Run {
    int exitCode = -1;
    QByteArray out, err;
};

Run runCli(const QStringList &args, const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    QProcess cli;
    cli.setProcessEnvironment(env);
    cli.start(cliPath(), QStringList{QStringLiteral("chat")} + args);
    // The scripted server lives on this thread: keep the event loop turning while waiting.
    QSignalSpy finished(&cli, &QProcess::finished);
    if (cli.state() != QProcess::NotRunning && !finished.wait(30000))
        qWarning("gantry-cli chat did not finish in 30 s");
    return Run{cli.exitStatus() == QProcess::NormalExit ? cli.exitCode() : -1, cli.readAllStandardOutput(),
               cli.readAllStandardError()};
}

} // namespace

class TestChatCli : public QObject
{
    Q_OBJECT
    std::unique_ptr<ScriptedHttpServer> server;

private Q_SLOTS:
    void init()
    {
        server = std::make_unique<ScriptedHttpServer>();
        QVERIFY(server->listen());
    }

    void misuseIsExitCodeTwo()
    {
        QCOMPARE(runCli({}).exitCode, 2);
        const Run bad = runCli({QStringLiteral("--url"), server->baseUrl(), QStringLiteral("--param"),
                                QStringLiteral("temperature=hot"), QStringLiteral("hi")});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY(bad.err.contains("temperature must be a number"));
        QCOMPARE(runCli({QStringLiteral("--help")}).exitCode, 0);
    }

    void unknownRunIsAnError()
    {
        const Run run = runCli({QStringLiteral("no-such-run"), QStringLiteral("hi")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains("there is no run named 'no-such-run'"), run.err.constData());
    }

    void runNameGivesTheEndpointAndModel()
    {
        // A local run as the local backend records it, published at the scripted server.
        RunInfo info;
        info.name = QStringLiteral("chat-fake-run");
        info.backend = QStringLiteral("local");
        info.status = RunStatus::Running;
        info.ready = true;
        info.submittedAt = QDateTime::currentDateTimeUtc();
        info.serviceUrl = QStringLiteral("http://127.0.0.1:%1").arg(server->port());
        info.model = ModelEndpoint{server->baseUrl(), QStringLiteral("run-model"), QStringLiteral("openai"), false};
        const QString dir = runfiles::directory(info.name);
        QDir().mkpath(dir);
        QString error;
        QVERIFY2(writeRunStatus(dir, info, LocalRunState(), &error), qPrintable(error));

        server->expect(kPath, ScriptedResponse::eventStream().sse(contentChunk("ok")).sse("[DONE]").end());
        const Run run =
            runCli({info.name, QStringLiteral("--param"), QStringLiteral("max_tokens=1"), QStringLiteral("hi")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QCOMPARE(run.out, QByteArray("ok\n"));
        QVERIFY(nlohmann::json::parse(server->requests.value(0).body.toStdString())["model"] == "run-model");

        info.status = RunStatus::Failed;
        QVERIFY2(writeRunStatus(dir, info, LocalRunState(), &error), qPrintable(error));
        const Run failed = runCli({info.name, QStringLiteral("hi")});
        QCOMPARE(failed.exitCode, 1);
        QVERIFY2(failed.err.contains("is failed; there is no model to talk to"), failed.err.constData());
        QDir(dir).removeRecursively();
    }

    void streamsToStdoutAndStoresTheExchange()
    {
        server->expect("/v1/models", ScriptedResponse::json(200, R"({"data":[{"id":"served-model"}]})"));
        server->expect(kPath, ScriptedResponse::eventStream()
                                  .sse(contentChunk("Hel"))
                                  .sse(contentChunk("lo"))
                                  .sse(kFinish)
                                  .sse("[DONE]")
                                  .end());
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("GANTRY_TOKEN"), QStringLiteral("env-secret-token"));
        const Run run =
            runCli({QStringLiteral("--url"), server->baseUrl(), QStringLiteral("--system"), QStringLiteral("Be brief."),
                    QStringLiteral("--param"), QStringLiteral("max_tokens=2"), QStringLiteral("Say hi")},
                   env);
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out, QByteArray("Hello\n"));
        QVERIFY2(run.err.contains("finish: length"), run.err.constData());
        QVERIFY(!run.out.contains("env-secret-token") && !run.err.contains("env-secret-token"));

        QCOMPARE(server->requests.size(), 2);
        QCOMPARE(server->requests[1].headers.value("authorization"), QByteArray("Bearer env-secret-token"));
        const auto body = nlohmann::json::parse(server->requests[1].body.toStdString());
        QVERIFY(body["model"] == "served-model"); // the first listed model is the default
        QVERIFY(body["max_tokens"] == 2);
        QVERIFY(body["messages"][0]["content"] == "Be brief.");

        ConversationStore store;
        QString storeError;
        QVERIFY2(store.open(chatDatabasePath(), &storeError), qPrintable(storeError));
        const QList<ConversationSummary> conversations = store.conversations();
        QVERIFY(!conversations.isEmpty());
        const QList<StoredMessage> path = store.activePath(conversations.front().id);
        QCOMPARE(path.size(), 2);
        QCOMPARE(path[0].content, QStringLiteral("Say hi"));
        QCOMPARE(path[1].content, QStringLiteral("Hello"));
        QCOMPARE(path[1].status, ReplyStatus::Complete);
        QCOMPARE(conversations.front().model, QStringLiteral("served-model"));
    }

    void jsonPrintsTheFinalMessageAndAFailureExitsOne()
    {
        server->expect(kPath, ScriptedResponse::eventStream().sse(contentChunk("partial")).cut());
        const Run run = runCli({QStringLiteral("--url"), server->baseUrl(), QStringLiteral("--model"),
                                QStringLiteral("m"), QStringLiteral("--token"), QStringLiteral("flag-secret"),
                                QStringLiteral("--json"), QStringLiteral("Hi")});
        QCOMPARE(run.exitCode, 1);
        const auto j = nlohmann::json::parse(run.out.toStdString());
        QVERIFY(j["content"] == "partial");
        QVERIFY(j["status"] == "failed");
        QVERIFY(j["error"].get<std::string>().find("before the reply was complete") != std::string::npos);
        QVERIFY(j["metrics"]["completion_tokens"] == 1);
        QVERIFY(j["conversation_id"].get<qint64>() > 0);
        QVERIFY(!run.out.contains("flag-secret") && !run.err.contains("flag-secret"));
    }

    void continuesAConversation()
    {
        for (const char *word : {"one", "two"})
            server->expect(kPath, ScriptedResponse::eventStream().sse(contentChunk(word)).sse("[DONE]").end());
        const Run first = runCli({QStringLiteral("--url"), server->baseUrl(), QStringLiteral("--model"),
                                  QStringLiteral("m"), QStringLiteral("--json"), QStringLiteral("First")});
        QCOMPARE(first.exitCode, 0);
        const qint64 conversation = nlohmann::json::parse(first.out.toStdString())["conversation_id"].get<qint64>();
        // The stored endpoint is the default: no --url needed.
        const Run second =
            runCli({QStringLiteral("--conversation"), QString::number(conversation), QStringLiteral("Second")});
        QCOMPARE(second.exitCode, 0);
        QCOMPARE(second.out, QByteArray("two\n"));
        const auto body = nlohmann::json::parse(server->requests.value(1).body.toStdString());
        QCOMPARE(body["messages"].size(), 3u);
        QVERIFY(body["messages"][1]["content"] == "one");
        QVERIFY(body["model"] == "m");
    }

    void sigkillMidReplyKeepsTheTextShownSoFar()
    {
        server->expect(kPath, ScriptedResponse::eventStream()
                                  .sse(contentChunk("Shown"))
                                  .sse(contentChunk(" before"))
                                  .sse(contentChunk(" the crash"))
                                  .pause(60000)
                                  .sse(contentChunk(" never"))
                                  .sse("[DONE]")
                                  .end());
        QProcess cli;
        cli.start(cliPath(), {QStringLiteral("chat"), QStringLiteral("--url"), server->baseUrl(),
                              QStringLiteral("--model"), QStringLiteral("m"), QStringLiteral("Tell me")});
        QByteArray shown;
        QTRY_VERIFY_WITH_TIMEOUT((shown += cli.readAllStandardOutput()).contains("Shown before the crash"), 20000);

        // The batch timer writes what was shown while the reply is still streaming ...
        ConversationStore reader;
        QString readerError;
        QVERIFY2(reader.open(chatDatabasePath(), &readerError), qPrintable(readerError));
        auto streamedText = [&] {
            const QList<ConversationSummary> all = reader.conversations();
            return all.isEmpty() ? QString() : reader.activePath(all.front().id).value(1).content;
        };
        QTRY_COMPARE_WITH_TIMEOUT(streamedText(), QStringLiteral("Shown before the crash"), 10000);

        // ... so a SIGKILL now loses nothing that was on screen.
        cli.kill();
        QVERIFY(cli.waitForFinished(10000));
        QCOMPARE(cli.exitStatus(), QProcess::CrashExit);

        ConversationStore reopened;
        QString reopenedError;
        QVERIFY2(reopened.open(chatDatabasePath(), &reopenedError), qPrintable(reopenedError));
        const QList<StoredMessage> path = reopened.activePath(reopened.conversations().front().id);
        QCOMPARE(path.size(), 2);
        QCOMPARE(path[0].content, QStringLiteral("Tell me"));
        QCOMPARE(path[1].content, QStringLiteral("Shown before the crash"));
        QCOMPARE(path[1].status, ReplyStatus::Streaming); // never finished: shown as interrupted
    }
};

QTEST_GUILESS_MAIN(TestChatCli)
#include "test_chat_cli.moc"
