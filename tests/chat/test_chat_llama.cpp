// The chat core against the real llama-server with the tiny random model. The text is random
// words, so these assert the protocol: chunk counts, usage, finish_reason, statuses, branches.

#include "tests/chat/ChatTestPrinters.h"

#include "core/chat/ChatSession.h"
#include "core/common/StatePaths.h"
#include "tests/support/LlamaServer.h"
#include "tests/support/TestEnvironment.h"

#include <QProcess>
#include <QSignalSpy>
#include <QTest>

using namespace gantry;
using namespace gantry::test;

namespace {

ChatParameters maxTokens(int n)
{
    ChatParameters p;
    p.maxTokens = n;
    p.seed = 7;
    return p;
}

QList<ChatMessage> hello()
{
    return {{MessageRole::User, QStringLiteral("Hello there")}};
}

} // namespace

class TestChatLlama : public QObject
{
    Q_OBJECT
    LlamaServer server;
    ChatClient client;

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        // -n 4096: long replies for the tests that cut one mid-stream.
        QVERIFY2(server.start(&error, {QStringLiteral("-n"), QStringLiteral("4096")}), qPrintable(error));
        client.setEndpoint(ModelEndpoint{server.baseUrl(), QStringLiteral("tiny")});
        client.setIdleTimeout(30000);
    }

    void streamsTokensUsageAndFinishReasonLength()
    {
        std::unique_ptr<ChatReply> reply(client.send(hello(), maxTokens(16)));
        QSignalSpy deltas(reply.get(), &ChatReply::delta);
        QSignalSpy finished(reply.get(), &ChatReply::finished);
        QVERIFY(finished.wait(30000));
        QCOMPARE(reply->status(), ReplyStatus::Complete);
        QVERIFY2(reply->errorString().isEmpty(), qPrintable(reply->errorString()));
        QCOMPARE(reply->finishReason(), QStringLiteral("length")); // the tiny model never stops by itself
        QVERIFY(!reply->content().isEmpty());
        QCOMPARE(deltas.size(), 16); // one chunk per token
        const ReplyMetrics m = reply->metrics();
        QVERIFY(m.usageFromServer);
        QCOMPARE(m.completionTokens, 16);
        QVERIFY(m.promptTokens > 0);
        QVERIFY(m.timeToFirstTokenMs >= 0);
        QVERIFY(m.tokensPerSecond > 0);
        QVERIFY(m.rateFromServer); // llama.cpp's timings.predicted_per_second
    }

    void listsTheServedModel()
    {
        QSignalSpy listed(&client, &ChatClient::modelsListed);
        client.listModels();
        QVERIFY(listed.wait(10000));
        QCOMPARE(listed[0][0].toStringList().size(), 1);
        QVERIFY(listed[0][0].toStringList().front().endsWith(QLatin1String(".gguf")));
    }

    void stopMidStreamKeepsThePartialText()
    {
        ConversationStore store;
        QString storeError;
        QVERIFY2(store.open(freshDir(QStringLiteral("llama-stop")) + QStringLiteral("/chat.sqlite"), &storeError),
                 qPrintable(storeError));
        ChatSession session(&store, &client);
        session.setParameters(maxTokens(3000));
        int deltas = 0;
        QString shown;
        connect(&session, &ChatSession::messageDelta, &session, [&](qint64, const QString &content) {
            shown += content;
            if (++deltas == 3)
                session.stop();
        });
        QSignalSpy finished(&session, &ChatSession::replyFinished);
        const qint64 answer = session.send(QStringLiteral("Tell me a long story")).value_or(-1);
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished[0][1].value<ReplyStatus>(), ReplyStatus::Stopped);
        QCOMPARE(deltas, 3);
        const StoredMessage stored = store.message(answer).value();
        QCOMPARE(stored.status, ReplyStatus::Stopped);
        QVERIFY(!stored.content.isEmpty());
        QCOMPARE(stored.content, shown);
        QCOMPARE(stored.metrics.completionTokens, 3);
        QVERIFY(stored.finishReason.isEmpty());
    }

    void regenerateMakesASibling()
    {
        ConversationStore store;
        QString storeError;
        QVERIFY2(store.open(freshDir(QStringLiteral("llama-regenerate")) + QStringLiteral("/chat.sqlite"), &storeError),
                 qPrintable(storeError));
        ChatSession session(&store, &client);
        session.setParameters(maxTokens(8));
        QSignalSpy finished(&session, &ChatSession::replyFinished);
        const qint64 first = session.send(QStringLiteral("Hi")).value_or(-1);
        QVERIFY(finished.wait(30000));
        ChatParameters other = maxTokens(8);
        other.seed = 8;
        session.setParameters(other);
        const qint64 second = session.regenerate(first).value_or(-1);
        QVERIFY(second > 0 && second != first);
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished[1][1].value<ReplyStatus>(), ReplyStatus::Complete);
        QCOMPARE(store.siblings(second), QList<qint64>({first, second}));
        const QList<StoredMessage> path = store.activePath(session.conversationId());
        QCOMPARE(path.size(), 2);
        QCOMPARE(path[1].id, second);
        QCOMPARE(path[1].branchCount, 2);
        QCOMPARE(path[1].metrics.completionTokens, 8);
        QVERIFY(path[1].metrics.usageFromServer);
        QCOMPARE(path[1].params.seed.value_or(0), 8);
        QCOMPARE(store.message(first)->status, ReplyStatus::Complete);
    }

    void serverDyingMidStreamKeepsThePartialText()
    {
        LlamaServer doomed;
        QString error;
        QVERIFY2(doomed.start(&error, {QStringLiteral("-n"), QStringLiteral("4096")}), qPrintable(error));
        ChatClient local;
        local.setEndpoint(ModelEndpoint{doomed.baseUrl(), QStringLiteral("tiny")});
        std::unique_ptr<ChatReply> reply(local.send(hello(), maxTokens(3000)));
        int deltas = 0;
        connect(reply.get(), &ChatReply::delta, reply.get(), [&] {
            if (++deltas == 3)
                doomed.stop(); // SIGTERM: the server exits at once, mid-stream
        });
        QSignalSpy finished(reply.get(), &ChatReply::finished);
        QVERIFY(finished.wait(30000));
        QCOMPARE(reply->status(), ReplyStatus::Failed);
        QVERIFY(!reply->content().isEmpty());
        QVERIFY2(reply->errorString().contains(QLatin1String("before the reply was complete")),
                 qPrintable(reply->errorString()));
    }

    void wrongApiKeyNamesTheToken()
    {
        LlamaServer guarded;
        QString error;
        QVERIFY2(guarded.start(&error, {QStringLiteral("--api-key"), QStringLiteral("right-key")}), qPrintable(error));
        ChatClient local;
        local.setEndpoint(ModelEndpoint{guarded.baseUrl(), QStringLiteral("tiny"), QStringLiteral("openai"), true},
                          QStringLiteral("wrong-key"));
        std::unique_ptr<ChatReply> reply(local.send(hello(), maxTokens(4)));
        QSignalSpy finished(reply.get(), &ChatReply::finished);
        QVERIFY(finished.wait(30000));
        QCOMPARE(reply->status(), ReplyStatus::Failed);
        QVERIFY2(reply->errorString().contains(QLatin1String("refused the token (HTTP 401")),
                 qPrintable(reply->errorString()));
        QVERIFY(!reply->errorString().contains(QLatin1String("wrong-key")));

        local.setEndpoint(ModelEndpoint{guarded.baseUrl(), QStringLiteral("tiny"), QStringLiteral("openai"), true},
                          QStringLiteral("right-key"));
        reply.reset(local.send(hello(), maxTokens(4)));
        QSignalSpy done(reply.get(), &ChatReply::finished);
        QVERIFY(done.wait(30000));
        QCOMPARE(reply->status(), ReplyStatus::Complete);
    }

    void cliStreamsAndPrintsJson()
    {
        QProcess cli;
        cli.start(cliPath(),
                  {QStringLiteral("chat"), QStringLiteral("--url"), server.baseUrl(), QStringLiteral("--param"),
                   QStringLiteral("max_tokens=12"), QStringLiteral("--json"), QStringLiteral("Hello")});
        QVERIFY(cli.waitForFinished(30000));
        QCOMPARE(cli.exitCode(), 0);
        const auto j = nlohmann::json::parse(cli.readAllStandardOutput().toStdString());
        QVERIFY(j["status"] == "complete");
        QVERIFY(j["finish_reason"] == "length");
        QVERIFY(j["metrics"]["completion_tokens"] == 12);
        QVERIFY(j["metrics"]["usage_from_server"] == true);
        QVERIFY(!j["content"].get<std::string>().empty());
        QVERIFY(j["model"].get<std::string>().find(".gguf") != std::string::npos); // from GET /models

        cli.start(cliPath(), {QStringLiteral("chat"), QStringLiteral("--url"), server.baseUrl(),
                              QStringLiteral("--param"), QStringLiteral("max_tokens=5"), QStringLiteral("Hello")});
        QVERIFY(cli.waitForFinished(30000));
        QCOMPARE(cli.exitCode(), 0);
        QVERIFY(cli.readAllStandardOutput().trimmed().size() > 0);
        QVERIFY(cli.readAllStandardError().contains("finish: length"));
    }
};

QTEST_GUILESS_MAIN(TestChatLlama)
#include "test_chat_llama.moc"
