// The streaming client against a scripted HTTP server on 127.0.0.1: the happy path, and every
// fault the issue names. Each fault must give a message a user can act on and keep the
// partial text that arrived before it.

#include "tests/chat/ChatTestPrinters.h"
#include "tests/support/ScriptedHttpServer.h"

#include "core/chat/ChatClient.h"
#include "core/chat/ChatSession.h"
#include "core/chat/ConversationStore.h"
#include "tests/support/TestEnvironment.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

using namespace gantry;
using namespace gantry::test;

namespace {

constexpr QByteArrayView kPath = "/v1/chat/completions";
const QByteArray kFinish = R"({"choices":[{"index":0,"delta":{},"finish_reason":"length"}],"model":"scripted"})";
const QByteArray kUsage = R"({"choices":[],"usage":{"prompt_tokens":7,"completion_tokens":3,"total_tokens":10}})";

// role chunk, "Hel", "lo", " world" — then whatever the test adds.
ScriptedResponse helloStream()
{
    return ScriptedResponse::eventStream()
        .sse(R"({"choices":[{"index":0,"delta":{"role":"assistant","content":null},"finish_reason":null}]})")
        .sse(contentChunk("Hel"))
        .sse(contentChunk("lo"))
        .sse(contentChunk(" world"));
}

QList<ChatMessage> hello()
{
    return {{MessageRole::User, QStringLiteral("Say hello")}};
}

} // namespace

class TestChatClient : public QObject
{
    Q_OBJECT

    std::unique_ptr<ScriptedHttpServer> server;
    std::unique_ptr<ChatClient> client;

    void useServer(const QString &format = QStringLiteral("openai"), const QString &token = {})
    {
        client->setEndpoint(ModelEndpoint{server->baseUrl(), QStringLiteral("tiny"), format, !token.isEmpty()}, token);
    }

    // Sends, waits for finished() (exactly once), returns the reply (owned by the caller).
    std::unique_ptr<ChatReply> sendAndWait(const ChatParameters &params = {})
    {
        std::unique_ptr<ChatReply> reply(client->send(hello(), params));
        QSignalSpy finished(reply.get(), &ChatReply::finished);
        if (!finished.wait(15000))
            qWarning("the reply did not finish");
        QTest::qWait(0);
        [&] { QCOMPARE(finished.size(), 1); }();
        return reply;
    }

private Q_SLOTS:
    void init()
    {
        server = std::make_unique<ScriptedHttpServer>();
        QVERIFY(server->listen());
        client = std::make_unique<ChatClient>();
        useServer();
    }
    void cleanup()
    {
        client.reset();
        server.reset();
    }

    void streamsContentReasoningUsageAndFinishReason()
    {
        useServer(QStringLiteral("openai"), QStringLiteral("s3cret-token"));
        server->expect(kPath.toByteArray(), ScriptedResponse::eventStream()
                                                .sse(contentChunk({}, "Thinking"))
                                                .sse(contentChunk("Hel"))
                                                .chunk(": ping\n\n")
                                                .sse(contentChunk("lo"))
                                                .sse(kFinish)
                                                .sse(kUsage)
                                                .sse("[DONE]")
                                                .end());
        ChatParameters params;
        params.systemPrompt = QStringLiteral("Be brief.");
        params.maxTokens = 3;
        std::unique_ptr<ChatReply> reply(client->send(hello(), params));
        QSignalSpy deltas(reply.get(), &ChatReply::delta);
        QSignalSpy finished(reply.get(), &ChatReply::finished);
        QVERIFY(finished.wait(10000));
        QCOMPARE(reply->status(), ReplyStatus::Complete);
        QCOMPARE(reply->content(), QStringLiteral("Hello"));
        QCOMPARE(reply->reasoning(), QStringLiteral("Thinking"));
        QCOMPARE(reply->finishReason(), QStringLiteral("length"));
        QCOMPARE(reply->model(), QStringLiteral("scripted"));
        QVERIFY(reply->errorString().isEmpty());
        QCOMPARE(deltas.size(), 3);
        QCOMPARE(deltas[0][1].toString(), QStringLiteral("Thinking"));
        const ReplyMetrics m = reply->metrics();
        QVERIFY(m.usageFromServer);
        QCOMPARE(m.promptTokens, 7);
        QCOMPARE(m.completionTokens, 3);
        QVERIFY(m.timeToFirstTokenMs >= 0);
        // No timings from this server: tokens over the time from the request to the last token.
        QVERIFY(!m.rateFromServer);
        QVERIFY2(m.tokensPerSecond > 0, qPrintable(QString::number(m.tokensPerSecond)));

        QCOMPARE(server->requests.size(), 1);
        const auto &request = server->requests[0];
        QCOMPARE(request.method, QByteArray("POST"));
        QCOMPARE(request.headers.value("authorization"), QByteArray("Bearer s3cret-token"));
        const auto body = nlohmann::json::parse(request.body.toStdString());
        QVERIFY(body["stream"] == true);
        QVERIFY(body["stream_options"]["include_usage"] == true);
        QVERIFY(body["model"] == "tiny");
        QVERIFY(body["max_tokens"] == 3);
        QVERIFY(body["messages"][0]["role"] == "system");
        QVERIFY(body["messages"][1]["content"] == "Say hello");
    }

    // A server that thinks for 300 ms and then sends every token at once produced 3 tokens in
    // no less than 300 ms: no more than 10 tok/s, however close together the tokens arrived.
    void rateIsNeverFasterThanTheServerCouldHaveBeen()
    {
        server->expect(kPath.toByteArray(),
                       ScriptedResponse::eventStream()
                           .pause(300)
                           .chunk("data: " + contentChunk("Hel") + "\n\ndata: " + contentChunk("lo") +
                                  "\n\ndata: " + contentChunk(" world") + "\n\n")
                           .sse(kFinish)
                           .sse("[DONE]")
                           .end());
        std::unique_ptr<ChatReply> reply(client->send(hello(), {}));
        QSignalSpy finished(reply.get(), &ChatReply::finished);
        QVERIFY(finished.wait(10000));
        const ReplyMetrics m = reply->metrics();
        QCOMPARE(m.completionTokens, 3);
        QVERIFY(!m.rateFromServer);
        QVERIFY2(m.tokensPerSecond > 0 && m.tokensPerSecond <= 3 / 0.3, qPrintable(QString::number(m.tokensPerSecond)));
    }

    // llama.cpp's final chunk carries its own decode speed: that is the figure to show.
    void rateComesFromTheServersTimingsWhenItSendsThem()
    {
        server->expect(
            kPath.toByteArray(),
            helloStream()
                .sse(
                    R"({"choices":[{"index":0,"delta":{},"finish_reason":"length"}],"model":"scripted",)"
                    R"("timings":{"prompt_n":7,"prompt_ms":1.2,"predicted_n":3,"predicted_ms":0.854,"predicted_per_second":3512.5}})")
                .sse("[DONE]")
                .end());
        std::unique_ptr<ChatReply> reply(client->send(hello(), {}));
        QSignalSpy finished(reply.get(), &ChatReply::finished);
        QVERIFY(finished.wait(10000));
        const ReplyMetrics m = reply->metrics();
        QVERIFY(m.rateFromServer);
        QCOMPARE(m.tokensPerSecond, 3512.5);
        QVERIFY2(m.toDisplayString().contains(QLatin1String("3512.5 tok/s")), qPrintable(m.toDisplayString()));
        QCOMPARE(ReplyMetrics::fromJson(m.toJson()), m);
    }

    void countsTokensWhenTheServerGivesNoUsage()
    {
        server->expect(kPath.toByteArray(), helloStream().sse(kFinish).sse("[DONE]").end());
        auto reply = sendAndWait();
        QCOMPARE(reply->status(), ReplyStatus::Complete);
        QVERIFY(!reply->metrics().usageFromServer);
        QCOMPARE(reply->metrics().completionTokens, 3);
        QCOMPARE(reply->metrics().promptTokens, -1);
    }

    void oneBytePerChunkGivesTheSameReply()
    {
        QByteArray events;
        for (const QByteArray &piece :
             {contentChunk("Hel"), contentChunk("lo \xC3\xA9"), kFinish, QByteArray("[DONE]")})
            events += "data: " + piece + "\r\n\r\n";
        server->expect(kPath.toByteArray(), ScriptedResponse::eventStream().bytePerChunk(events).end());
        auto reply = sendAndWait();
        QCOMPARE(reply->status(), ReplyStatus::Complete);
        QCOMPARE(reply->content(), QStringLiteral("Hello \u00e9"));
        QCOMPARE(reply->finishReason(), QStringLiteral("length"));
    }

    void streamCutKeepsThePartialText()
    {
        server->expect(kPath.toByteArray(), helloStream().chunk("data: {\"choi").cut());
        auto reply = sendAndWait();
        QCOMPARE(reply->status(), ReplyStatus::Failed);
        QCOMPARE(reply->content(), QStringLiteral("Hello world"));
        QVERIFY2(reply->errorString().contains(QLatin1String("before the reply was complete")),
                 qPrintable(reply->errorString()));
    }

    void cleanEndWithoutDoneIsAnIncompleteReply()
    {
        server->expect(kPath.toByteArray(), helloStream().end());
        auto reply = sendAndWait();
        QCOMPARE(reply->status(), ReplyStatus::Failed);
        QCOMPARE(reply->content(), QStringLiteral("Hello world"));
        QVERIFY2(reply->errorString().contains(QLatin1String("no [DONE]")), qPrintable(reply->errorString()));
    }

    void proxyCommentExplainsAnIncompleteReply()
    {
        // dstack's model proxy sends mid-stream errors as SSE comments.
        server->expect(kPath.toByteArray(), helloStream().chunk(": error: TGI returned 500\n\n").end());
        auto reply = sendAndWait();
        QCOMPARE(reply->status(), ReplyStatus::Failed);
        QVERIFY2(reply->errorString().contains(QLatin1String("TGI returned 500")), qPrintable(reply->errorString()));
        QCOMPARE(reply->content(), QStringLiteral("Hello world"));
    }

    void slowDripPastTheIdleTimeoutFails()
    {
        client->setIdleTimeout(400);
        server->expect(kPath.toByteArray(),
                       helloStream().pause(100).sse(contentChunk("!")).pause(5000).sse("[DONE]").end());
        auto reply = sendAndWait();
        QCOMPARE(reply->status(), ReplyStatus::Failed);
        QCOMPARE(reply->content(), QStringLiteral("Hello world!"));
        QVERIFY2(reply->errorString().contains(QLatin1String("No data from the server for 0.4 s")),
                 qPrintable(reply->errorString()));
    }

    void errorEventMidStreamKeepsThePartialText()
    {
        server->expect(
            kPath.toByteArray(),
            helloStream()
                .sse(R"({"error":{"code":500,"message":"Invalid UTF-8 in the output","type":"server_error"}})")
                .cut());
        auto reply = sendAndWait();
        QCOMPARE(reply->status(), ReplyStatus::Failed);
        QCOMPARE(reply->content(), QStringLiteral("Hello world"));
        QVERIFY2(reply->errorString().contains(QLatin1String("error mid-reply: Invalid UTF-8 in the output")),
                 qPrintable(reply->errorString()));
    }

    void malformedChunkKeepsThePartialText()
    {
        server->expect(kPath.toByteArray(), helloStream().sse("{\"choices\": [oops").sse("[DONE]").end());
        auto reply = sendAndWait();
        QCOMPARE(reply->status(), ReplyStatus::Failed);
        QCOMPARE(reply->content(), QStringLiteral("Hello world"));
        QVERIFY2(reply->errorString().contains(QLatin1String("not a JSON object")), qPrintable(reply->errorString()));
    }

    void unauthorizedNamesTheToken()
    {
        useServer(QStringLiteral("openai"), QStringLiteral("wrong-token-value"));
        server->expect(kPath.toByteArray(),
                       ScriptedResponse::json(
                           401, R"({"error":{"code":401,"message":"Invalid API Key","type":"authentication_error"}})"));
        auto reply = sendAndWait();
        QCOMPARE(reply->status(), ReplyStatus::Failed);
        QVERIFY2(
            reply->errorString().contains(QLatin1String("refused the token (HTTP 401 Unauthorized: Invalid API Key)")),
            qPrintable(reply->errorString()));
        QVERIFY(!reply->errorString().contains(QLatin1String("wrong-token-value")));

        useServer();
        server->expect(kPath.toByteArray(),
                       ScriptedResponse::json(
                           401, R"({"error":{"code":401,"message":"Invalid API Key","type":"authentication_error"}})"));
        reply = sendAndWait();
        QVERIFY2(reply->errorString().contains(QLatin1String("needs a token")), qPrintable(reply->errorString()));
    }

    void forbiddenGivesDstacksDetail()
    {
        useServer(QStringLiteral("openai"), QStringLiteral("t"));
        server->expect(
            kPath.toByteArray(),
            ScriptedResponse::json(403, R"({"detail":"Unauthenticated or unauthorized to access project main"})"));
        auto reply = sendAndWait();
        QVERIFY2(reply->errorString().contains(
                     QLatin1String("HTTP 403 Forbidden: Unauthenticated or unauthorized to access project main")),
                 qPrintable(reply->errorString()));
    }

    void modelNotFoundListsTheServedModels()
    {
        server->expect(kPath.toByteArray(),
                       ScriptedResponse::json(404, R"({"detail":"Model tiny not found in project main"})"));
        server->expect("/v1/models",
                       ScriptedResponse::json(200, R"({"object":"list","data":[{"id":"llama-3"},{"id":"qwen"}]})"));
        auto reply = sendAndWait();
        QCOMPARE(reply->status(), ReplyStatus::Failed);
        QVERIFY2(reply->errorString().contains(QLatin1String("Model 'tiny' not found")),
                 qPrintable(reply->errorString()));
        QVERIFY2(reply->errorString().contains(QLatin1String("Model tiny not found in project main")),
                 qPrintable(reply->errorString()));
        QVERIFY2(reply->errorString().contains(QLatin1String("The server serves: llama-3, qwen.")),
                 qPrintable(reply->errorString()));
    }

    void notFoundWithoutAModelListPointsAtTheBaseUrl()
    {
        server->expect(kPath.toByteArray(), ScriptedResponse::whole(404, "text/plain", "404 page not found"));
        auto reply = sendAndWait();
        QVERIFY2(reply->errorString().contains(QLatin1String("Check the base URL")), qPrintable(reply->errorString()));
    }

    void serverErrorGivesTheJsonMessage()
    {
        server->expect(kPath.toByteArray(),
                       ScriptedResponse::json(
                           500, R"({"error":{"code":500,"message":"failed to load model","type":"server_error"}})"));
        auto reply = sendAndWait();
        QCOMPARE(reply->status(), ReplyStatus::Failed);
        QVERIFY2(reply->errorString().contains(QLatin1String("HTTP 500 Internal Server Error: failed to load model")),
                 qPrintable(reply->errorString()));
        QVERIFY(reply->content().isEmpty());
    }

    void nonJsonGarbageIsSummarised()
    {
        server->expect(
            kPath.toByteArray(),
            ScriptedResponse::whole(502, "text/html",
                                    "<html><head><title>502 Bad Gateway</title></head><body><hr>nginx</body></html>"));
        auto reply = sendAndWait();
        QVERIFY2(reply->errorString().contains(QLatin1String("HTTP 502 Bad Gateway: 502 Bad Gateway")),
                 qPrintable(reply->errorString()));
    }

    void connectionRefusedAsksWhetherTheRunIsReady()
    {
        client->setEndpoint(
            ModelEndpoint{QStringLiteral("http://127.0.0.1:%1/v1").arg(unusedPort()), QStringLiteral("tiny")});
        auto reply = sendAndWait();
        QCOMPARE(reply->status(), ReplyStatus::Failed);
        QVERIFY2(reply->errorString().contains(QLatin1String("connection refused. Is the run ready?")),
                 qPrintable(reply->errorString()));
    }

    void retriesWithoutStreamOptionsWhenRejected()
    {
        server->expect(kPath.toByteArray(),
                       ScriptedResponse::json(
                           400, R"({"error":{"message":"Unrecognized request argument supplied: stream_options"}})"));
        server->expect(kPath.toByteArray(), helloStream().sse(kFinish).sse("[DONE]").end());
        server->expect(kPath.toByteArray(), helloStream().sse(kFinish).sse("[DONE]").end());
        auto reply = sendAndWait();
        QCOMPARE(reply->status(), ReplyStatus::Complete);
        QCOMPARE(reply->content(), QStringLiteral("Hello world"));
        QCOMPARE(server->requests.size(), 2);
        QVERIFY(server->requests[0].body.contains("stream_options"));
        QVERIFY(!server->requests[1].body.contains("stream_options"));
        // The client remembers: the next request does not try again.
        reply = sendAndWait();
        QCOMPARE(server->requests.size(), 3);
        QVERIFY(!server->requests[2].body.contains("stream_options"));
    }

    void tgiFormatSendsAStrictBody()
    {
        useServer(QStringLiteral("tgi"));
        server->expect(kPath.toByteArray(), helloStream().sse(kFinish).sse("[DONE]").end());
        ChatParameters params;
        params.maxTokens = 4;
        params.systemPrompt = QStringLiteral("sys");
        auto reply = sendAndWait(params);
        QCOMPARE(reply->status(), ReplyStatus::Complete);
        const auto body = nlohmann::json::parse(server->requests.value(0).body.toStdString());
        QVERIFY(!body.contains("stream_options"));
        for (const auto &message : body["messages"])
            QVERIFY(message["content"].is_string());
    }

    void wholeJsonAnswerIsAccepted()
    {
        server->expect(
            kPath.toByteArray(),
            ScriptedResponse::json(
                200,
                R"({"object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Hi there"},"finish_reason":"stop"}],"usage":{"prompt_tokens":2,"completion_tokens":2}})"));
        auto reply = sendAndWait();
        QCOMPARE(reply->status(), ReplyStatus::Complete);
        QCOMPARE(reply->content(), QStringLiteral("Hi there"));
        QCOMPARE(reply->finishReason(), QStringLiteral("stop"));
        QCOMPARE(reply->metrics().completionTokens, 2);
    }

    void stopKeepsThePartialText()
    {
        server->expect(kPath.toByteArray(), helloStream().pause(10000).sse("[DONE]").end());
        std::unique_ptr<ChatReply> reply(client->send(hello(), {}));
        QSignalSpy finished(reply.get(), &ChatReply::finished);
        QTRY_COMPARE_WITH_TIMEOUT(reply->content(), QStringLiteral("Hello world"), 10000);
        reply->stop();
        QCOMPARE(finished.size(), 1);
        QCOMPARE(reply->status(), ReplyStatus::Stopped);
        QCOMPARE(reply->content(), QStringLiteral("Hello world"));
        reply->stop(); // idempotent
        QCOMPARE(finished.size(), 1);
    }

    void deletingTheReplyFromItsOwnSignalIsSafe()
    {
        server->expect(kPath.toByteArray(), helloStream().sse(kFinish).sse("[DONE]").end());
        ChatReply *reply = client->send(hello(), {});
        QPointer<ChatReply> watch(reply);
        connect(reply, &ChatReply::delta, this, [reply] { delete reply; });
        QTRY_VERIFY_WITH_TIMEOUT(watch.isNull(), 10000);
        // The client still works afterwards.
        server->expect(kPath.toByteArray(), helloStream().sse(kFinish).sse("[DONE]").end());
        auto next = sendAndWait();
        QCOMPARE(next->content(), QStringLiteral("Hello world"));
    }

    void listsModels()
    {
        server->expect("/v1/models",
                       ScriptedResponse::json(200, R"({"object":"list","data":[{"id":"a"},{"id":"b"}]})"));
        QSignalSpy listed(client.get(), &ChatClient::modelsListed);
        client->listModels();
        QVERIFY(listed.wait(10000));
        QCOMPARE(listed[0][0].toStringList(), QStringList({u"a"_s, u"b"_s}));
        QVERIFY(listed[0][1].toString().isEmpty());

        server->expect("/v1/models", ScriptedResponse::json(401, R"({"error":{"message":"Invalid API Key"}})"));
        client->listModels();
        QVERIFY(listed.wait(10000));
        QVERIFY(listed[1][0].toStringList().isEmpty());
        QVERIFY(listed[1][1].toString().contains(QLatin1String("Invalid API Key")));
    }

    void sessionEditAndResendMakesASiblingQuestion()
    {
        ConversationStore store;
        QString storeError;
        QVERIFY2(store.open(freshDir(QStringLiteral("session-edit")) + QStringLiteral("/chat.sqlite"), &storeError),
                 qPrintable(storeError));
        ChatSession session(&store, client.get());
        for (const char *word : {"one", "two", "three"})
            server->expect(kPath.toByteArray(),
                           ScriptedResponse::eventStream().sse(contentChunk(word)).pause(100).sse("[DONE]").end());
        QSignalSpy finished(&session, &ChatSession::replyFinished);
        QSignalSpy errors(&session, &ChatSession::error);
        session.send(QStringLiteral("First question"));
        QVERIFY(!session.send(QStringLiteral("Too early"))); // one reply at a time
        QCOMPARE(errors.size(), 1);
        QVERIFY(finished.wait(10000));
        session.send(QStringLiteral("Second question"));
        QVERIFY(finished.wait(10000));
        const QList<StoredMessage> before = store.activePath(session.conversationId());
        QCOMPARE(before.size(), 4);

        const qint64 answer = session.editAndResend(before[2].id, QStringLiteral("Second, edited")).value_or(-1);
        QVERIFY(answer > 0);
        QVERIFY(finished.wait(10000));
        const QList<StoredMessage> after = store.activePath(session.conversationId());
        QCOMPARE(after.size(), 4);
        QCOMPARE(after[0].id, before[0].id);
        QCOMPARE(after[1].id, before[1].id);
        QCOMPARE(after[2].content, QStringLiteral("Second, edited"));
        QCOMPARE(after[2].parentId, before[1].id);
        QCOMPARE(after[2].branchCount, 2);
        QCOMPARE(after[3].content, QStringLiteral("three"));
        // The edited request carries the thread up to the edit, not the old question.
        const auto body = nlohmann::json::parse(server->requests.value(2).body.toStdString());
        QCOMPARE(body["messages"].size(), 3u);
        QVERIFY(body["messages"][2]["content"] == "Second, edited");
        QVERIFY(store.selectBranch(before[2].id));
        QCOMPARE(store.activePath(session.conversationId()).value(3).content, QStringLiteral("two"));
    }

    void sessionStoresThePartialReplyOfAFault()
    {
        ConversationStore store;
        QString storeError;
        QVERIFY2(store.open(freshDir(QStringLiteral("session-fault")) + QStringLiteral("/chat.sqlite"), &storeError),
                 qPrintable(storeError));
        ChatSession session(&store, client.get());
        server->expect(kPath.toByteArray(), helloStream().cut());
        QSignalSpy finished(&session, &ChatSession::replyFinished);
        QSignalSpy errors(&session, &ChatSession::error);
        const qint64 answer = session.send(QStringLiteral("Say hello")).value_or(-1);
        QVERIFY2(answer > 0, qPrintable(errors.value(0).value(0).toString()));
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished[0][1].value<ReplyStatus>(), ReplyStatus::Failed);
        QCOMPARE(errors.size(), 1);
        const std::optional<StoredMessage> stored = store.message(answer);
        QVERIFY(stored);
        QCOMPARE(stored->content, QStringLiteral("Hello world"));
        QCOMPARE(stored->status, ReplyStatus::Failed);
        QVERIFY(stored->error.contains(QLatin1String("before the reply was complete")));
        const QList<StoredMessage> path = store.activePath(session.conversationId());
        QCOMPARE(path.size(), 2);
        QCOMPARE(path[0].content, QStringLiteral("Say hello"));
    }
};

QTEST_GUILESS_MAIN(TestChatClient)
#include "test_chat_client.moc"
