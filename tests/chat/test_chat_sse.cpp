// The SSE parser and the chat wire format, without a socket: every split point of a stream
// must give the same events as the whole stream at once.

#include "core/chat/ChatProtocol.h"
#include "core/chat/SseParser.h"

#include <QTest>

#include <set>
#include <utility>

using namespace Qt::StringLiterals;

using namespace gantry;

namespace {

// Exercises every feature at once: LF, CRLF and CR endings, comments, multi-line data,
// event and id fields, a field without a space, an event without data, UTF-8, [DONE].
const QByteArray kStream = "\xEF\xBB\xBF"
                           ": hello from the server\r\n"
                           "\r\n"
                           "data: {\"a\":1}\r\n"
                           "\r\n"
                           "event: note\n"
                           "id: 7\n"
                           "data: first line\n"
                           "data:second line\n"
                           "data\n"
                           "\n"
                           "event: ignored-without-data\n"
                           "\n"
                           "data: caf\xC3\xA9 \xE2\x9C\x93\r"
                           "\r"
                           ": ping\n"
                           "retry: 1000\n"
                           "data: [DONE]\n"
                           "\n";

QList<SseEvent> expectedEvents()
{
    return {
        SseEvent{QString(), "{\"a\":1}", QString()},
        SseEvent{QStringLiteral("note"), "first line\nsecond line\n", QStringLiteral("7")},
        SseEvent{QString(), "caf\xC3\xA9 \xE2\x9C\x93", QStringLiteral("7")},
        SseEvent{QString(), "[DONE]", QStringLiteral("7")},
    };
}

QList<SseEvent> feedInParts(const QByteArray &stream, const QList<qsizetype> &cuts)
{
    SseParser parser;
    QList<SseEvent> events;
    qsizetype from = 0;
    for (qsizetype cut : cuts) {
        events += parser.feed(QByteArrayView(stream).sliced(from, cut - from));
        from = cut;
    }
    events += parser.feed(QByteArrayView(stream).sliced(from));
    return events;
}

} // namespace

class TestChatSse : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void wholeStreamGivesEveryEvent()
    {
        SseParser parser;
        const QList<SseEvent> events = parser.feed(kStream);
        QCOMPARE(events, expectedEvents());
        QCOMPARE(parser.lastComment(), QByteArray("ping"));
        QVERIFY(!parser.hasPartialEvent());
    }

    void everySplitPointGivesTheSameEvents()
    {
        for (qsizetype cut = 0; cut <= kStream.size(); ++cut) {
            const QList<SseEvent> events = feedInParts(kStream, {cut});
            if (events != expectedEvents())
                QFAIL(qPrintable(QStringLiteral("split at byte %1 changed the events").arg(cut)));
        }
    }

    void everyPairOfSplitPointsGivesTheSameEvents()
    {
        for (qsizetype a = 0; a <= kStream.size(); ++a) {
            for (qsizetype b = a; b <= kStream.size(); ++b) {
                if (feedInParts(kStream, {a, b}) != expectedEvents())
                    QFAIL(qPrintable(QStringLiteral("splits at %1 and %2 changed the events").arg(a).arg(b)));
            }
        }
    }

    void byteByByteGivesTheSameEvents()
    {
        SseParser parser;
        QList<SseEvent> events;
        for (char c : kStream)
            events += parser.feed(QByteArrayView(&c, 1));
        QCOMPARE(events, expectedEvents());
    }

    void crlfSplitBetweenFeedsIsOneLineEnd()
    {
        SseParser parser;
        QVERIFY(parser.feed("data: x\r").isEmpty());
        // The '\n' completes the "\r\n" of the data line; the next "\r\n" is the blank line.
        const QList<SseEvent> events = parser.feed("\n\r\n");
        QCOMPARE(events.size(), 1);
        QCOMPARE(events[0].data, QByteArray("x"));
    }

    void bareCarriageReturnsEndLines()
    {
        SseParser parser;
        const QList<SseEvent> events = parser.feed("data: a\rdata: b\r\r");
        QCOMPARE(events.size(), 1);
        QCOMPARE(events[0].data, QByteArray("a\nb"));
    }

    void incompleteEventIsHeldUntilItsBlankLine()
    {
        SseParser parser;
        QVERIFY(parser.feed("data: {\"x\":").isEmpty());
        QVERIFY(parser.hasPartialEvent());
        QVERIFY(parser.feed("1}\n").isEmpty());
        QVERIFY(parser.hasPartialEvent());
        QCOMPARE(parser.feed("\n").value(0).data, QByteArray("{\"x\":1}"));
        QVERIFY(!parser.hasPartialEvent());
    }

    void commentsAreNotEvents()
    {
        SseParser parser;
        QVERIFY(parser.feed(": keep-alive\n\n:\n\n").isEmpty());
        QCOMPARE(parser.lastComment(), QByteArray());
        QVERIFY(parser.feed(":error: upstream failed\n").isEmpty());
        QCOMPARE(parser.lastComment(), QByteArray("error: upstream failed"));
    }

    // ---- the chat wire format ----

    void requestBodyCarriesParametersAndSystemPromptFirst()
    {
        ChatParameters params;
        params.systemPrompt = QStringLiteral("Be brief.");
        params.temperature = 0.2;
        params.topP = 0.9;
        params.maxTokens = 16;
        params.seed = 42;
        params.stop = {QStringLiteral("END")};
        const auto body = nlohmann::json::parse(chatRequestBody({{MessageRole::User, QStringLiteral("Hi")}}, params,
                                                                {QStringLiteral("m"), QStringLiteral("openai"), true})
                                                    .toStdString());
        QVERIFY(body["model"] == "m");
        QVERIFY(body["stream"] == true);
        QVERIFY(body["stream_options"]["include_usage"] == true);
        QVERIFY(body["messages"].size() == 2u);
        QVERIFY(body["messages"][0]["role"] == "system");
        QVERIFY(body["messages"][0]["content"] == "Be brief.");
        QVERIFY(body["messages"][1]["content"] == "Hi");
        QVERIFY(body["temperature"] == 0.2);
        QVERIFY(body["top_p"] == 0.9);
        QVERIFY(body["max_tokens"] == 16);
        QVERIFY(body["seed"] == 42);
        QVERIFY(body["stop"][0] == "END");
    }

    void tgiBodyHasOnlyTheKeysDstacksModelProxyAccepts()
    {
        ChatParameters params;
        params.temperature = 0.5;
        params.maxTokens = 8;
        params.stop = {QStringLiteral("\n")};
        const auto body =
            nlohmann::json::parse(chatRequestBody({{MessageRole::User, QStringLiteral("Hi")}}, params,
                                                  {QStringLiteral("tgi-model"), QStringLiteral("tgi"), true})
                                      .toStdString());
        static const std::set<std::string> accepted = {"messages",
                                                       "model",
                                                       "frequency_penalty",
                                                       "logit_bias",
                                                       "max_tokens",
                                                       "n",
                                                       "presence_penalty",
                                                       "response_format",
                                                       "seed",
                                                       "stop",
                                                       "stream",
                                                       "temperature",
                                                       "top_p",
                                                       "tools",
                                                       "tool_choice",
                                                       "user"};
        for (const auto &[key, value] : body.items())
            QVERIFY2(accepted.count(key), key.c_str());
        QVERIFY(body["messages"][0]["content"].is_string());
        QVERIFY(!body.contains("stream_options"));
    }

    void chunksGiveContentReasoningFinishAndUsage()
    {
        ChatChunk c = parseChatChunk(
            R"({"choices":[{"delta":{"content":"Hi","reasoning_content":"think"},"finish_reason":null}],"model":"m"})");
        QCOMPARE(c.content, QStringLiteral("Hi"));
        QCOMPARE(c.reasoning, QStringLiteral("think"));
        QCOMPARE(c.model, QStringLiteral("m"));
        QVERIFY(c.finishReason.isEmpty());
        c = parseChatChunk(R"({"choices":[{"delta":{},"finish_reason":"length"}]})");
        QCOMPARE(c.finishReason, QStringLiteral("length"));
        c = parseChatChunk(R"({"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":9,"total_tokens":14}})");
        QCOMPARE(c.promptTokens.value_or(-1), 5);
        QCOMPARE(c.completionTokens.value_or(-1), 9);
        c = parseChatChunk(R"({"error":{"code":500,"message":"boom","type":"server_error"}})");
        QCOMPARE(c.error, QStringLiteral("boom"));
        QVERIFY(!c.malformed);
        c = parseChatChunk("{not json");
        QVERIFY(c.malformed);
        QVERIFY(c.error.contains(QLatin1String("{not json")));
    }

    void errorBodiesGiveTheServersMessage_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("message");
        QTest::newRow("openai")
            << QByteArray(R"({"error":{"code":401,"message":"Invalid API Key","type":"authentication_error"}})")
            << "Invalid API Key";
        QTest::newRow("string error") << QByteArray(R"({"error":"model not loaded"})") << "model not loaded";
        QTest::newRow("dstack detail") << QByteArray(
                                              R"({"detail":"Unauthenticated or unauthorized to access project main"})")
                                       << "Unauthenticated or unauthorized to access project main";
        QTest::newRow("fastapi 422") << QByteArray(
                                            R"({"detail":[{"loc":["body","foo"],"msg":"extra fields not permitted"}]})")
                                     << "extra fields not permitted";
        QTest::newRow("html") << QByteArray(
                                     "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>")
                              << "502 Bad Gateway";
        QTest::newRow("text") << QByteArray("upstream connect error\n") << "upstream connect error";
        QTest::newRow("empty") << QByteArray("") << "";
    }
    void errorBodiesGiveTheServersMessage()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, message);
        QCOMPARE(errorMessageFromBody(body), message);
    }

    void modelListsInEveryShape()
    {
        QString error;
        const std::optional<QStringList> openai =
            modelIdsFromBody(R"({"object":"list","data":[{"id":"a"},{"id":"b"}]})", &error);
        QVERIFY2(openai, qPrintable(error));
        QCOMPARE(*openai, QStringList({u"a"_s, u"b"_s}));
        const std::optional<QStringList> llama = modelIdsFromBody(
            R"({"models":[{"name":"tiny.gguf","model":"tiny.gguf"}],"data":[{"id":"tiny.gguf"}]})", &error);
        QVERIFY2(llama, qPrintable(error));
        QCOMPARE(*llama, QStringList({u"tiny.gguf"_s}));
        const std::optional<QStringList> none = modelIdsFromBody("[]", &error);
        QVERIFY2(none, qPrintable(error)); // an empty list is a list, not an error
        QVERIFY(none->isEmpty());
        QVERIFY(error.isEmpty());
        QVERIFY(!modelIdsFromBody("nope", &error));
        QVERIFY(error.contains(QLatin1String("not in the OpenAI format")));
    }

    void endpointUrlsJoinWithOneSlash()
    {
        QCOMPARE(endpointUrl(QStringLiteral("http://h/v1/"), QStringLiteral("/chat/completions")),
                 QStringLiteral("http://h/v1/chat/completions"));
        QCOMPARE(endpointUrl(QStringLiteral("http://h/proxy/models/main/"), QStringLiteral("models")),
                 QStringLiteral("http://h/proxy/models/main/models"));
    }

    void parametersFromText()
    {
        ChatParameters p;
        QString error;
        QVERIFY2(p.set(QStringLiteral("temperature=0.2"), &error), qPrintable(error));
        QVERIFY2(p.set(QStringLiteral("max-tokens=32"), &error), qPrintable(error));
        QVERIFY2(p.set(QStringLiteral("stop=###"), &error), qPrintable(error));
        QCOMPARE(p.temperature.value_or(-1), 0.2);
        QCOMPARE(p.maxTokens.value_or(-1), 32);
        QCOMPARE(p.stop, QStringList({u"###"_s}));
        const ChatParameters before = p;
        // Each refusal says why and leaves what was set as it was.
        for (const auto &[text, why] :
             {std::pair{u"temperature=hot"_s, u"number"_s}, std::pair{u"max_tokens=0"_s, u"> 0"_s},
              std::pair{u"colour=red"_s, u"unknown parameter"_s}, std::pair{u"temperature"_s, u"name=value"_s}}) {
            error.clear();
            QVERIFY2(!p.set(text, &error), qPrintable(text));
            QVERIFY2(error.contains(why), qPrintable(error));
            QCOMPARE(p, before);
        }
        QCOMPARE(ChatParameters::fromJson(p.toJson()), p);
    }
};

QTEST_GUILESS_MAIN(TestChatSse)
#include "test_chat_sse.moc"
