// Side by side: one prompt to several endpoints at once (ComparisonRun), kept as one
// comparison (ComparisonStore) and exported as Markdown; and gantry-cli chat --compare, with
// two local runs of the tiny model (real llama-servers) and a scripted server that answers
// slowly, in pieces.

#include "tests/chat/ChatTestPrinters.h"
#include "tests/support/ScriptedHttpServer.h"

#include "core/backends/local/RunDirectory.h"
#include "core/chat/ComparisonRun.h"
#include "core/common/StatePaths.h"
#include "tests/support/LlamaServer.h"
#include "tests/support/TestEnvironment.h"

#include <QDir>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

using namespace gantry;
using namespace gantry::test;

namespace {

constexpr char kPath[] = "/v1/chat/completions";
const QByteArray kFinish = R"({"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})";

// The slow one: three pieces with pauses between them.
ScriptedResponse slowReply()
{
    return ScriptedResponse::eventStream()
        .sse(contentChunk("Slow"))
        .pause(150)
        .sse(contentChunk(" but"))
        .pause(150)
        .sse(contentChunk(" sure."))
        .sse(kFinish)
        .sse("[DONE]")
        .end();
}

ChatParameters shortReplies()
{
    ChatParameters p;
    p.maxTokens = 8;
    p.seed = 7;
    return p;
}

// A local run as the local backend records it, published at `baseUrl`.
void writeRun(const QString &name, const QString &baseUrl, double price)
{
    RunInfo info;
    info.name = name;
    info.backend = QStringLiteral("local");
    info.status = RunStatus::Running;
    info.ready = true;
    info.price = price;
    info.submittedAt = QDateTime::currentDateTimeUtc();
    info.serviceUrl = QString(baseUrl).chopped(3);
    info.model = ModelEndpoint{baseUrl, QStringLiteral("tiny"), QStringLiteral("openai"), false};
    const QString dir = runfiles::directory(info.name);
    QDir().mkpath(dir);
    QString error;
    QVERIFY2(writeRunStatus(dir, info, LocalRunState(), &error), qPrintable(error));
}

} // namespace

class TestChatCompare : public QObject
{
    Q_OBJECT
    LlamaServer first, second;
    ScriptedHttpServer slow;

private Q_SLOTS:
    void initTestCase()
    {
        if (llamaServerPath().isEmpty())
            GANTRY_SKIP_OR_FAIL(QStringLiteral("llama-server is not built (scripts/setup builds it)"));
        QString error;
        QVERIFY2(first.start(&error), qPrintable(error));
        QVERIFY2(second.start(&error), qPrintable(error));
        QVERIFY(slow.listen());
    }

    void oneComparisonStoredAndExported()
    {
        slow.expect(kPath, slowReply());
        ConversationStore conversations;
        ComparisonStore comparisons;
        QString conversationsError;
        QVERIFY2(conversations.open(chatDatabasePath(), &conversationsError), qPrintable(conversationsError));
        QString comparisonsError;
        QVERIFY2(comparisons.open(chatDatabasePath(), &comparisonsError), qPrintable(comparisonsError));
        const QList<CompareTarget> targets{
            {QStringLiteral("tiny-a"),
             ModelEndpoint{first.baseUrl(), QStringLiteral("tiny"), QStringLiteral("openai"), false},
             {},
             1.5},
            {QStringLiteral("tiny-b"),
             ModelEndpoint{second.baseUrl(), QStringLiteral("tiny"), QStringLiteral("openai"), false},
             {},
             0},
            {QStringLiteral("slow"),
             ModelEndpoint{slow.baseUrl(), QStringLiteral("scripted"), QStringLiteral("openai"), false},
             {},
             3.0},
        };
        ComparisonRun run(&conversations, &comparisons, targets, shortReplies());
        QSignalSpy deltas(&run, &ComparisonRun::delta);
        QSignalSpy finished(&run, &ComparisonRun::finished);
        QVERIFY(run.start(QStringLiteral("Say hello")));
        QVERIFY(finished.wait(60000));
        QVERIFY2(run.comparisonId() > 0, qPrintable(run.errorString()));
        QCOMPARE(finished[0][0].toLongLong(), run.comparisonId());

        // Every column streamed (the slow one in its three pieces, in order).
        QSet<int> columns;
        QString slowText;
        for (const QList<QVariant> &d : deltas) {
            columns.insert(d[0].toInt());
            if (d[0].toInt() == 2)
                slowText += d[1].toString();
        }
        QCOMPARE(columns, (QSet<int>{0, 1, 2}));
        QCOMPARE(slowText, QStringLiteral("Slow but sure."));

        const std::optional<Comparison> stored = comparisons.comparison(run.comparisonId());
        QVERIFY(stored);
        QCOMPARE(stored->prompt, QStringLiteral("Say hello"));
        QCOMPARE(stored->columns.size(), 3);
        for (int i = 0; i < 3; ++i) {
            const ComparisonColumn &c = stored->columns[i];
            QCOMPARE(c.label, targets[i].label);
            QCOMPARE(c.pricePerHour, targets[i].pricePerHour);
            QCOMPARE(c.conversationId, run.conversationId(i));
            const std::optional<StoredMessage> answer = conversations.message(c.answerId);
            QVERIFY(answer);
            QCOMPARE(answer->conversationId, c.conversationId);
            QCOMPARE(answer->status, ReplyStatus::Complete);
            QVERIFY(!answer->content.isEmpty());
            QVERIFY(answer->metrics.timeToFirstTokenMs >= 0);
            QVERIFY(answer->metrics.totalMs >= answer->metrics.timeToFirstTokenMs);
        }
        // The tiny model's usage is exact: max_tokens=8 gives 8 tokens.
        QCOMPARE(conversations.message(stored->columns[0].answerId)->metrics.completionTokens, 8);
        QCOMPARE(conversations.message(stored->columns[2].answerId)->content, QStringLiteral("Slow but sure."));

        const QString md = comparisons.exportMarkdown(run.comparisonId(), conversations);
        QVERIFY2(md.startsWith(QStringLiteral("# Comparison: Say hello\n")), qPrintable(md));
        QVERIFY(md.contains(QStringLiteral("| endpoint | model | TTFT | tok/s | tokens | time | cost |")));
        QVERIFY(md.contains(QStringLiteral("| tiny-b | tiny |")));
        QVERIFY(md.contains(QStringLiteral("| free |\n")));
        const ReplyMetrics slowMetrics = conversations.message(stored->columns[2].answerId)->metrics;
        QVERIFY(md.contains(QStringLiteral("| $%1 |").arg(ComparisonColumn::costOf(3.0, slowMetrics), 0, 'f', 6)));
        QVERIFY(ComparisonColumn::costOf(3.0, slowMetrics) > 0);
        for (const char *heading : {"\n## tiny-a\n", "\n## tiny-b\n", "\n## slow\n\nSlow but sure.\n"})
            QVERIFY2(md.contains(QLatin1String(heading)), heading);
        QCOMPARE(comparisons.comparisons().size(), 1);
    }

    void tooFewOrTooManyEndpointsIsAnError()
    {
        ConversationStore conversations;
        QString conversationsError;
        QVERIFY2(conversations.open(chatDatabasePath(), &conversationsError), qPrintable(conversationsError));
        ComparisonRun one(&conversations, nullptr, {{QStringLiteral("a"), {}, {}, 0}}, {});
        QVERIFY(!one.start(QStringLiteral("hi")));
        QCOMPARE(one.errorString(), QStringLiteral("compare needs 2 to 4 endpoints, not 1"));
    }

    // The CLI with two local runs (by name) and a URL: the replies one after another, as JSON,
    // stored as one comparison in the same database.
    void cliComparesRunsAndUrls()
    {
        slow.expect("/v1/models", ScriptedResponse::json(200, R"({"data":[{"id":"scripted"}]})"));
        slow.expect(kPath, slowReply());
        writeRun(QStringLiteral("compare-tiny-a"), first.baseUrl(), 2.0);
        writeRun(QStringLiteral("compare-tiny-b"), second.baseUrl(), 0);
        QProcess cli;
        cli.start(cliPath(),
                  {QStringLiteral("chat"), QStringLiteral("--compare"), QStringLiteral("compare-tiny-a"),
                   QStringLiteral("compare-tiny-b"), slow.baseUrl(), QStringLiteral("--param"),
                   QStringLiteral("max_tokens=4"), QStringLiteral("--json"), QStringLiteral("Compare this")});
        QSignalSpy done(&cli, &QProcess::finished); // the scripted server needs this thread's event loop
        QVERIFY(done.wait(60000));
        const QByteArray err = cli.readAllStandardError();
        QVERIFY2(cli.exitCode() == 0, err.constData());
        const auto doc = nlohmann::json::parse(cli.readAllStandardOutput().toStdString());
        QCOMPARE(doc["prompt"].get<std::string>(), std::string("Compare this"));
        QCOMPARE(doc["replies"].size(), size_t(3));
        QCOMPARE(doc["replies"][0]["endpoint"].get<std::string>(), std::string("compare-tiny-a"));
        QCOMPARE(doc["replies"][0]["metrics"]["completion_tokens"].get<int>(), 4);
        QCOMPARE(doc["replies"][0]["price_per_hour"].get<double>(), 2.0);
        QVERIFY(doc["replies"][0]["cost"].get<double>() > 0);
        QCOMPARE(doc["replies"][1]["cost"].get<double>(), 0.0);
        QCOMPARE(doc["replies"][2]["model"].get<std::string>(), std::string("scripted")); // from GET /models
        QCOMPARE(doc["replies"][2]["content"].get<std::string>(), std::string("Slow but sure."));
        for (const auto &r : doc["replies"])
            QCOMPARE(r["status"].get<std::string>(), std::string("complete"));

        ComparisonStore comparisons;
        QString comparisonsError;
        QVERIFY2(comparisons.open(chatDatabasePath(), &comparisonsError), qPrintable(comparisonsError));
        const std::optional<Comparison> stored = comparisons.comparison(doc["comparison_id"].get<qint64>());
        QVERIFY(stored);
        QCOMPARE(stored->columns.size(), 3);
        QCOMPARE(stored->columns[2].label, slow.baseUrl());

        // Plain text: each reply under its endpoint, with its metrics.
        slow.expect("/v1/models", ScriptedResponse::json(200, R"({"data":[{"id":"scripted"}]})"));
        slow.expect(kPath, slowReply());
        QProcess text;
        text.start(cliPath(),
                   {QStringLiteral("chat"), QStringLiteral("--compare"), QStringLiteral("compare-tiny-a"),
                    slow.baseUrl(), QStringLiteral("--param"), QStringLiteral("max_tokens=4"), QStringLiteral("hi")});
        QSignalSpy textDone(&text, &QProcess::finished);
        QVERIFY(textDone.wait(60000));
        QCOMPARE(text.exitCode(), 0);
        const QString out = QString::fromUtf8(text.readAllStandardOutput());
        QVERIFY2(out.startsWith(QStringLiteral("== compare-tiny-a (tiny) ==\n")), qPrintable(out));
        QVERIFY(out.contains(QStringLiteral("== %1 (scripted) ==\nSlow but sure.\n[").arg(slow.baseUrl())));
        QVERIFY(out.contains(QStringLiteral("· cost $")));
        QVERIFY(out.contains(QStringLiteral("· free]")));
        QVERIFY(out.indexOf(QStringLiteral("== compare-tiny-a")) < out.indexOf(QStringLiteral("== http://")));
    }

    void cliMisuse()
    {
        QProcess cli;
        cli.start(cliPath(), {QStringLiteral("chat"), QStringLiteral("--compare"), QStringLiteral("only-one"),
                              QStringLiteral("hi")});
        QVERIFY(cli.waitForFinished(30000));
        QCOMPARE(cli.exitCode(), 2);
        QVERIFY(cli.readAllStandardError().contains("give 2 to 4 endpoints"));
    }
};

QTEST_GUILESS_MAIN(TestChatCompare)
#include "test_chat_compare.moc"
