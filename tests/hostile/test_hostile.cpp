// Gantry as a hostile server, a careless user and a crashed machine would find it (issue 11):
// a test per finding. The peer (hostile_peer.py) is bounded, and this process runs under an
// address-space limit (RLIMIT_AS, inherited by every gantry-cli it starts), so a client that
// stops protecting itself fails here instead of eating the machine.

#include "core/backends/dstack/DstackClient.h"
#include "core/backends/dstack/DstackError.h"
#include "core/backends/dstack/DstackModels.h"
#include "core/chat/ChatClient.h"
#include "core/chat/ChatProtocol.h"
#include "core/chat/ChatSession.h"
#include "core/chat/ConversationStore.h"
#include "core/common/StatePaths.h"
#include "core/common/UntrustedText.h"
#include "core/config/ConfigParser.h"
#include "core/runs/LogLineFormat.h"
#include "core/runs/LogStore.h"
#include "tests/backends/local/LocalTestSupport.h"
#include "tests/support/CliProcess.h"
#include "tests/support/TestEnvironment.h"

#include <QDir>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <memory>
#include <sys/resource.h>

#if defined(__SANITIZE_ADDRESS__)
#define GANTRY_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GANTRY_UNDER_ASAN 1
#endif
#endif

using namespace gantry;
using namespace gantry::test;

namespace {

#ifdef GANTRY_UNDER_ASAN
constexpr bool kUnderAsan = true; // ASan reserves terabytes of shadow: no RLIMIT_AS, no RSS bounds
#else
constexpr bool kUnderAsan = false;
#endif

constexpr rlim_t kAddressSpaceLimit = rlim_t(3) * 1024 * 1024 * 1024;

class HostilePeer
{
public:
    bool start(QString *error)
    {
        m_process.setProgram(QStringLiteral("/usr/bin/python3"));
        m_process.setArguments({sourceDir() + QStringLiteral("/tests/hostile/hostile_peer.py")});
        m_process.start();
        if (!m_process.waitForStarted(10000)) {
            *error = m_process.errorString();
            return false;
        }
        while (!m_process.canReadLine()) {
            if (!m_process.waitForReadyRead(10000)) {
                *error = QStringLiteral("the hostile peer printed no port: ") +
                         QString::fromUtf8(m_process.readAllStandardError());
                return false;
            }
        }
        m_port = QString::fromUtf8(m_process.readLine()).trimmed().toInt();
        return m_port > 0;
    }
    ~HostilePeer()
    {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
    QString url(const QString &mode) const { return QStringLiteral("http://127.0.0.1:%1/%2").arg(m_port).arg(mode); }

    QStringList seenAuthorizations() const
    {
        QNetworkAccessManager network;
        QNetworkReply *reply = network.get(QNetworkRequest(QUrl(url(QStringLiteral("__seen")))));
        QSignalSpy done(reply, &QNetworkReply::finished);
        done.wait(10000);
        const QByteArray body = reply->readAll();
        reply->deleteLater();
        QStringList seen;
        const nlohmann::json j =
            nlohmann::json::parse(body.constData(), body.constData() + body.size(), nullptr, false);
        if (j.is_array())
            for (const auto &v : j)
                seen << (v.is_string() ? QString::fromStdString(v.get<std::string>()) : QStringLiteral("(none)"));
        return seen;
    }

private:
    QProcess m_process;
    int m_port = 0;
};

// addressSpaceMb > 0: the gantry-cli runs under that RLIMIT_AS (like `ulimit -v`).
CliResult cli(const QStringList &args, bool discardOutput = false, qint64 addressSpaceMb = 0, int timeoutMs = 120000)
{
    CliOptions options;
    options.timeoutMs = timeoutMs;
    options.addressSpaceMb = addressSpaceMb;
    options.discardOutput = discardOutput;
    return runCli(args, options);
}

qint64 peakRssKb(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    return -1;
}

QList<ChatMessage> hello()
{
    return {{MessageRole::User, QStringLiteral("hello")}};
}

} // namespace

class TestHostile : public QObject
{
    Q_OBJECT

    std::unique_ptr<HostilePeer> m_peer;
    QStringList m_started;

    // Sends one chat message to the peer's mode and waits for the reply to end.
    std::unique_ptr<ChatReply> chat(const QString &mode, const ChatLimits &limits = {}, int idleTimeoutMs = 120000,
                                    const QString &token = {})
    {
        ChatClient client;
        client.setLimits(limits);
        client.setIdleTimeout(idleTimeoutMs);
        client.setEndpoint(ModelEndpoint{m_peer->url(mode) + QStringLiteral("/v1"), QStringLiteral("m"),
                                         QStringLiteral("openai"), !token.isEmpty()},
                           token);
        std::unique_ptr<ChatReply> reply(client.send(hello(), {}));
        QSignalSpy finished(reply.get(), &ChatReply::finished);
        if (reply->status() == ReplyStatus::Streaming && !finished.wait(60000))
            qWarning("the reply did not finish");
        return reply;
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (!kUnderAsan) {
            const rlimit limit{kAddressSpaceLimit, kAddressSpaceLimit};
            QVERIFY(setrlimit(RLIMIT_AS, &limit) == 0);
        }
        m_peer = std::make_unique<HostilePeer>();
        QString error;
        QVERIFY2(m_peer->start(&error), qPrintable(error));
        qputenv("GANTRY_NVIDIA_SMI", "/bin/true");
    }

    void cleanupTestCase()
    {
        for (const QString &name : std::as_const(m_started))
            cli({QStringLiteral("stop"), name, QStringLiteral("--abort")});
    }

    // An endless line (no newline, ever): a malformed stream at 4 MB, not 21 GB.
    void chatEndlessLineIsAMalformedStream()
    {
        const auto reply = chat(QStringLiteral("endless-line"));
        QCOMPARE(reply->status(), ReplyStatus::Failed);
        QVERIFY2(reply->errorString().contains(QLatin1String("malformed stream")), qPrintable(reply->errorString()));
        QVERIFY2(reply->errorString().contains(QLatin1String("line")), qPrintable(reply->errorString()));
    }

    // data: lines without the blank line that ends an event.
    void chatEndlessDataIsAMalformedStream()
    {
        const auto reply = chat(QStringLiteral("endless-data"));
        QCOMPARE(reply->status(), ReplyStatus::Failed);
        QVERIFY2(reply->errorString().contains(QLatin1String("malformed stream")), qPrintable(reply->errorString()));
        QVERIFY2(reply->errorString().contains(QLatin1String("event")), qPrintable(reply->errorString()));
    }

    // Bytes of a line that never ends are not progress: the idle timeout still fires.
    void chatIdleTimerIsNotFedByAnEndlessLine()
    {
        ChatLimits limits;
        limits.maxEventBytes = 1024 * 1024 * 1024; // only the idle timer can end this one
        const auto reply = chat(QStringLiteral("slow-line"), limits, 500);
        QCOMPARE(reply->status(), ReplyStatus::Failed);
        QVERIFY2(reply->errorString().startsWith(QLatin1String("No data from the server")),
                 qPrintable(reply->errorString()));
    }

    // A server that keeps the reply alive with pings forever meets the overall deadline.
    void chatOverallDeadline()
    {
        ChatLimits limits;
        limits.deadlineMs = 1000;
        const auto reply = chat(QStringLiteral("trickle"), limits, 400); // pings arrive every 50 ms: never idle
        QCOMPARE(reply->status(), ReplyStatus::Failed);
        QVERIFY2(reply->errorString().contains(QLatin1String("took longer than")), qPrintable(reply->errorString()));
    }

    // A valid reply without end is cut off at the reply limit and says so; its text is kept.
    void chatHugeReplyIsTruncatedAndMarked()
    {
        ChatLimits limits;
        limits.maxReplyBytes = 8 * 1024 * 1024;
        const auto reply = chat(QStringLiteral("huge-reply"), limits);
        QCOMPARE(reply->status(), ReplyStatus::Failed);
        QVERIFY2(reply->errorString().contains(QLatin1String("truncated")), qPrintable(reply->errorString()));
        QVERIFY(reply->content().startsWith(QLatin1String("word word")));
        QVERIFY(reply->content().size() < 8 * 1024 * 1024);
    }

    // The same with the default limits: 16 MB of reply, then it stops.
    void chatHugeReplyWithDefaultLimits()
    {
        const auto reply = chat(QStringLiteral("huge-reply"));
        QCOMPARE(reply->status(), ReplyStatus::Failed);
        QVERIFY2(reply->errorString().contains(QStringLiteral("%1 MB").arg(ChatLimits().maxReplyBytes / (1024 * 1024))),
                 qPrintable(reply->errorString()));
    }

    // A valid 12 MB reply that arrives without a pause: its text reaches the store while it
    // streams (the flush timer alone starved: everything waited in memory for the end), and
    // the whole of it is stored once it is complete. The writer thread runs behind a local
    // firehose (each batch rewrites the stored text), so "reached" is megabytes, not half.
    void aFastLargeReplyIsStoredWhileItStreams()
    {
        const QString path = freshDir(QStringLiteral("large-reply")) + QStringLiteral("/chat.sqlite");
        ConversationStore store;
        QString storeError;
        QVERIFY2(store.open(path, &storeError), qPrintable(storeError));
        ChatClient client;
        client.setEndpoint(
            ModelEndpoint{m_peer->url(QStringLiteral("large-reply")) + QStringLiteral("/v1"), QStringLiteral("m")});
        ChatSession session(&store, &client);
        QSqlDatabase reader =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("large-reply-reader"));
        reader.setDatabaseName(path);
        QVERIFY(reader.open());
        qint64 storedMidway = -1;
        connect(&session, &ChatSession::messageDelta, this, [&](qint64 id) {
            if (storedMidway >= 0 || session.currentReply()->content().size() < 8'000'000)
                return;
            QSqlQuery query(reader);
            query.prepare(QStringLiteral("SELECT length(content) FROM messages WHERE id=?"));
            query.addBindValue(id);
            storedMidway = query.exec() && query.next() ? query.value(0).toLongLong() : 0;
        });
        QSignalSpy finished(&session, &ChatSession::replyFinished);
        const qint64 answer = session.send(QStringLiteral("hello")).value_or(-1);
        QVERIFY(answer > 0);
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.first().at(1).value<ReplyStatus>(), ReplyStatus::Complete);
        QVERIFY2(storedMidway >= 1'000'000, qPrintable(QString::number(storedMidway)));
        const auto stored = store.message(answer);
        QVERIFY(stored);
        QCOMPARE(stored->content.size(), 11'840'000);
        QVERIFY(stored->content.startsWith(QLatin1String("word word ")));
        reader.close();
        reader = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("large-reply-reader"));
    }

    // A model list near the size the client reads (8 MB: 800,000 names), each name twice:
    // every name once, in order (duplicates were found by a linear search per name, so this
    // list took hours of the GUI thread).
    void aLongModelListIsReadInOnePass()
    {
        QByteArray body = "[";
        for (int round = 0; round < 2; ++round) {
            for (int i = 0; i < 400000; ++i)
                body += '"' + QByteArray::number(i) + "\",";
        }
        body += "\"\\u001b[31mred\"]"; // an escape sequence, as JSON writes it
        QVERIFY(body.size() < 8 * 1024 * 1024);
        QString error;
        const QStringList ids = modelIdsFromBody(body, &error).value_or(QStringList());
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(ids.size(), 400001);
        QCOMPARE(ids.first(), QStringLiteral("0"));
        QCOMPARE(ids[399999], QStringLiteral("399999"));
        QCOMPARE(ids.last(), QStringLiteral("\uFFFD[31mred")); // no escape sequence reaches a terminal
    }

    // {"error": [[[[…100k…]]]]} in the stream and in an HTTP error body: no stack overflow.
    void chatDeepErrorJsonIsShownBounded()
    {
        const auto inStream = chat(QStringLiteral("deep-sse-error"));
        QCOMPARE(inStream->status(), ReplyStatus::Failed);
        QVERIFY2(inStream->errorString().contains(QLatin1String("[[[")), qPrintable(inStream->errorString()));
        QVERIFY(inStream->errorString().size() < 4000);
        const auto inBody = chat(QStringLiteral("deep-error"));
        QCOMPARE(inBody->status(), ReplyStatus::Failed);
        QVERIFY2(inBody->errorString().contains(QLatin1String("HTTP 500")), qPrintable(inBody->errorString()));
        QVERIFY(inBody->errorString().size() < 4000);
        const QByteArray deep = QByteArray("{\"detail\": [") + QByteArray(200000, '[') + QByteArray(200000, ']') + "]}";
        QVERIFY(errorMessageFromBody(deep).size() < 4000);
    }

    // A 307 to another origin (127.0.0.1 → localhost): the token does not travel with it.
    void chatTokenDoesNotFollowCrossOriginRedirect()
    {
        const auto reply = chat(QStringLiteral("redirect"), {}, 120000, QStringLiteral("chat-secret-token"));
        QCOMPARE(reply->status(), ReplyStatus::Failed);
        QVERIFY2(reply->errorString().contains(QLatin1String("redirect")), qPrintable(reply->errorString()));
        for (const QString &seen : m_peer->seenAuthorizations())
            QVERIFY2(!seen.contains(QLatin1String("chat-secret-token")), qPrintable(seen));
    }

    // Control characters from a server never reach a terminal or the store.
    void serverTextLosesControlCharacters()
    {
        const ChatChunk chunk = parseChatChunk(R"({"choices":[{"delta":{"content":"a\u001b[2Jb\rc\r\nd"}}]})");
        QCOMPARE(chunk.content, QStringLiteral("a\uFFFD[2Jb\uFFFDc\nd"));
        QCOMPARE(errorMessageFromBody(R"({"error":{"message":"bad\u001b]0;pwned\u0007"}})"),
                 QStringLiteral("bad\uFFFD]0;pwned\uFFFD"));
        QCOMPARE(withoutControlCharacters(QStringLiteral("x\u202Ey")), QStringLiteral("x\uFFFDy"));
        QVERIFY(!plainHttpTokenWarning(QStringLiteral("http://10.0.0.5:8000/v1")).isEmpty());
        QVERIFY(plainHttpTokenWarning(QStringLiteral("http://127.0.0.1:8000/v1")).isEmpty());
        QVERIFY(plainHttpTokenWarning(QStringLiteral("http://localhost:8000/v1")).isEmpty());
        // Every loopback address is this machine, written any way an address can be.
        QVERIFY(plainHttpTokenWarning(QStringLiteral("http://127.8.9.10:8000/v1")).isEmpty());
        QVERIFY(plainHttpTokenWarning(QStringLiteral("http://[::1]:8000/v1")).isEmpty());
        QVERIFY(plainHttpTokenWarning(QStringLiteral("http://[::ffff:127.0.0.1]:8000/v1")).isEmpty());
        QVERIFY(!plainHttpTokenWarning(QStringLiteral("http://[::2]:8000/v1")).isEmpty());
        QVERIFY(!plainHttpTokenWarning(QStringLiteral("http://[::ffff:10.0.0.1]:8000/v1")).isEmpty());
        QVERIFY(plainHttpTokenWarning(QStringLiteral("https://example.com/v1")).isEmpty());
    }

    void boundedJsonTextWalksDeepValuesSafely()
    {
        const std::string deep = std::string(300000, '[') + std::string(300000, ']');
        const nlohmann::json j = nlohmann::json::parse(deep, nullptr, false);
        QVERIFY(!j.is_discarded());
        const QString text = boundedJsonText(j);
        QVERIFY2(text.startsWith(QStringLiteral("[[[[[[[[[…]")), qPrintable(text));
        QCOMPARE(boundedJsonText(nlohmann::json{{"a", 1}, {"b", {true, nullptr, "x"}}}),
                 QStringLiteral(R"({"a":1,"b":[true,null,"x"]})"));
        QVERIFY(boundedJsonText(nlohmann::json(std::string(100000, 'x'))).size() <= 501);
    }

    // The dstack client: an endless body is refused as it arrives, a deep error is worded
    // without dump(), and the project token does not follow a cross-origin redirect.
    void dstackClientRefusesHugeBodies()
    {
        DstackClient client(m_peer->url(QStringLiteral("huge-body")), QStringLiteral("main"), QStringLiteral("t"));
        client.setTimeoutMs(60000);
        QObject owner;
        std::optional<DstackError> failure;
        bool succeeded = false;
        client.post(
            QStringLiteral("/api/server/get_info"), nlohmann::json::object(), &owner,
            [&](const nlohmann::json &) { succeeded = true; }, [&](const DstackError &e) { failure = e; });
        QTRY_VERIFY_WITH_TIMEOUT(failure || succeeded, 60000);
        QVERIFY(!succeeded);
        QVERIFY2(failure->message.contains(QLatin1String("MB")), qPrintable(failure->message));
    }

    // fuzz_dstack: a metrics answer with an absurd GPU count (1.7e10) was an undefined
    // double → int conversion and a loop as long as the number; now there are no GPU figures.
    void dstackAbsurdGpuCountIsIgnored()
    {
        for (const double count : {1.718e10, -3.0, std::nan(""), 1e300}) {
            const nlohmann::json metrics = {
                {"metrics",
                 {{{"name", "gpus_detected_num"}, {"timestamps", {"2026-11-29T10:00:00Z"}}, {"values", {count}}},
                  {{"name", "cpu_usage_percent"}, {"timestamps", {"2026-11-29T10:00:00Z"}}, {"values", {50}}}}}};
            const QList<MetricSample> samples = dstackMetricSamples(metrics);
            QCOMPARE(samples.size(), 1);
            QVERIFY(samples[0].gpuUtilPercent.isEmpty() && samples[0].gpuMemoryBytes.isEmpty());
        }
    }

    // Counts and sizes out of any integer's range (fuzz_dstack: total_offers 8.3e97, UB as an
    // int) read as "not given"; a wrongly typed `spot` reads as false instead of throwing.
    void dstackAbsurdPlanNumbersAreIgnored()
    {
        for (const double big : {8.3e97, -1e300, 3e9, std::nan("")}) {
            const nlohmann::json offer = {
                {"backend", "vastai"},
                {"region", "us"},
                {"price", 0.35},
                {"blocks", big},
                {"total_blocks", big},
                {"instance",
                 {{"name", "x"},
                  {"resources",
                   {{"cpus", big},
                    {"memory_mib", big * 1e10},
                    {"spot", 1},
                    {"disk", {{"size_mib", big * 1e10}}},
                    {"gpus", {{{"name", "RTX4090"}, {"memory_mib", big}, {"vendor", "nvidia"}}}}}}}}};
            const nlohmann::json plan = {{"project_name", "main"},
                                         {"job_plans", {{{"offers", {offer}}, {"total_offers", big}}}}};
            const Plan p = dstackPlan(plan, 1);
            QCOMPARE(p.totalOffers, 1); // the offers given, as when the field is absent
            QCOMPARE(p.offers.size(), 1);
            const InstanceResources &r = p.offers[0].resources;
            QCOMPARE(r.cpus, 0);
            QCOMPARE(r.memoryMib, 0);
            QCOMPARE(r.diskMib, 0);
            QVERIFY(!r.spot);
            QCOMPARE(r.gpus.size(), 1);
            QCOMPARE(r.gpus[0].memoryMib, 0);
            QCOMPARE(p.offers[0].blocks, 1);
        }
    }

    void dstackDeepErrorIsWordedSafely()
    {
        for (const QString &mode : {QStringLiteral("deep-detail"), QStringLiteral("deep-error")}) {
            DstackClient client(m_peer->url(mode), QStringLiteral("main"), QStringLiteral("t"));
            QObject owner;
            std::optional<DstackError> failure;
            client.post(QStringLiteral("/api/server/get_info"), nlohmann::json::object(), &owner, {},
                        [&](const DstackError &e) { failure = e; });
            QTRY_VERIFY_WITH_TIMEOUT(failure.has_value(), 30000);
            QVERIFY2(failure->message.size() < 5000, qPrintable(failure->message.left(300)));
        }
    }

    void dstackTokenDoesNotFollowCrossOriginRedirect()
    {
        DstackClient client(m_peer->url(QStringLiteral("redirect")), QStringLiteral("main"),
                            QStringLiteral("dstack-secret-token"));
        QObject owner;
        std::optional<DstackError> failure;
        bool succeeded = false;
        client.post(
            QStringLiteral("/api/users/get_my_user"), nlohmann::json::object(), &owner,
            [&](const nlohmann::json &) { succeeded = true; }, [&](const DstackError &e) { failure = e; });
        QTRY_VERIFY_WITH_TIMEOUT(failure || succeeded, 30000);
        QVERIFY(!succeeded);
        QVERIFY2(failure->message.contains(QLatin1String("redirect")), qPrintable(failure->message));
        for (const QString &seen : m_peer->seenAuthorizations())
            QVERIFY2(!seen.contains(QLatin1String("dstack-secret-token")), qPrintable(seen));
    }

    // 70,000 nested '[' (140 KB): a diagnostic, not a SIGSEGV — in-process and in gantry-cli.
    void deeplyNestedYamlIsADiagnostic()
    {
        const QByteArray flow = "type: task\ncommands: " + QByteArray(70000, '[') + QByteArray(70000, ']') + "\n";
        const ParseResult r = parseConfiguration(flow, QStringLiteral("deep.dstack.yml"));
        QVERIFY(!r.configuration);
        QCOMPARE(r.diagnostics.size(), size_t(1));
        QVERIFY2(r.diagnostics.front().message.contains(QLatin1String("levels deep")),
                 qPrintable(r.diagnostics.front().message));
        QByteArray block = "type: task\ncommands:\n";
        for (int i = 0; i < 20000; ++i)
            block += "- ";
        block += "x\n";
        const ParseResult b = parseConfiguration(block, QStringLiteral("deep-block.dstack.yml"));
        QVERIFY(!b.diagnostics.empty());

        const QString dir = freshDir(QStringLiteral("deep-yaml"));
        QFile file(dir + QStringLiteral("/.dstack.yml"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(70000, '['));
        file.close();
        const CliResult validate = cli({QStringLiteral("validate"), dir});
        QCOMPARE(validate.status, QProcess::NormalExit);
        QCOMPARE(validate.exitCode, 1);
        QVERIFY2(validate.out.contains(QLatin1String(".dstack.yml:1:")), qPrintable(validate.out + validate.err));
        QVERIFY2(validate.out.contains(QLatin1String("levels deep")), qPrintable(validate.out + validate.err));
    }

    // Duplicate keys in a large mapping: all found (the check is linear; its speed is in bench/).
    void duplicateKeysInALargeMapping()
    {
        QByteArray yaml = "type: task\ncommands: [\"true\"]\nenv:\n";
        QByteArray map = "type: task\ncommands: [\"true\"]\nx-big:\n";
        for (int i = 0; i < 60000; ++i)
            map += "  k" + QByteArray::number(i) + ": v\n";
        map += "  k7: again\n  k59999: again\n";
        const ParseResult r = parseConfiguration(map, QStringLiteral("big.dstack.yml"));
        int duplicates = 0;
        for (const Diagnostic &d : r.diagnostics)
            duplicates += d.message.startsWith(QLatin1String("duplicate key")) ? 1 : 0;
        QCOMPARE(duplicates, 2);
        Q_UNUSED(yaml);
    }

    // Found by fuzz_config: a probe without `type` in a file that also has an unknown key
    // dereferenced a null node.
    void probeWithoutTypeAfterATypoIsADiagnostic()
    {
        const QByteArray yaml = "type: service\nport: 8000\ncommands: [x]\nmodel: &m\n  name: a\n  format: openai\n"
                                "probes: [*m]\nunknown-key: 1\n";
        const ParseResult r = parseConfiguration(yaml, QStringLiteral("probe.dstack.yml"));
        QVERIFY(std::any_of(r.diagnostics.cbegin(), r.diagnostics.cend(),
                            [](const Diagnostic &d) { return d.message.contains(QLatin1String("unknown-key")); }));
    }

    // YAML's escapes "\N" and "\_" (U+0085, U+00A0): yaml-cpp decodes them to single bytes that
    // are not UTF-8, and the canonical JSON's dump() threw on them (fuzz_config). They read as
    // the characters they stand for.
    void yamlNextLineAndNbspEscapesAreUtf8()
    {
        const ParseResult r = parseConfiguration("type: task\ncommands: [\"echo a\\_b\\Nc \\x41 \\u00e9\"]\n",
                                                 QStringLiteral("x.dstack.yml"));
        QVERIFY(r.configuration);
        const std::string dumped = r.configuration->canonical.dump(); // threw type_error 316
        const QString expected = QStringLiteral("echo a\u00a0b\u0085c A \u00e9");
        QVERIFY2(QString::fromStdString(dumped).contains(expected), dumped.c_str());
        QCOMPARE(r.configuration->commands.value(0), expected);
    }

    // A model name with an 80-digit "size" (fuzz_config): the GPU-fit lint cast 7.5e79 GB to
    // int for its advice. A number past 100 trillion parameters is not a size, and advice
    // stops at 1,024 GPUs. The input is the fuzzer's, kept as a seed.
    void absurdModelSizeInANameIsNotASize()
    {
        QFile seed(sourceDir() + QStringLiteral("/fuzz/corpus/fuzz_config/model-size-out-of-int"));
        QVERIFY(seed.open(QIODevice::ReadOnly));
        const ParseResult r = parseConfiguration(seed.readAll(), QStringLiteral("seed.dstack.yml"));
        for (const Diagnostic &d : r.diagnostics)
            QVERIFY2(!d.code.startsWith(QLatin1String("gpu-")), qPrintable(d.message));
        const ParseResult named =
            parseConfiguration("type: service\nport: 8000\nresources:\n  gpu: 24GB\ncommands:\n  - vllm serve "
                               "org/m-" +
                                   QByteArray(80, '9') + "b --max-model-len 4096\n",
                               QStringLiteral("named.dstack.yml"));
        QVERIFY(named.configuration);
        for (const Diagnostic &d : named.diagnostics)
            QVERIFY2(!d.code.startsWith(QLatin1String("gpu-")), qPrintable(d.message));
    }

    // A configuration commented in Cyrillic, near the 4 MB limit, then one byte that is not
    // UTF-8. The encoding check counted lines up to every non-ASCII character: 263 KB took 15 s,
    // this file would take hours (its speed is in bench/: BM_ValidateNonAsciiConfiguration).
    // The one problem is still placed exactly.
    void nonAsciiTextIsCheckedInOnePass()
    {
        QByteArray yaml = "type: task\ncommands: [\"true\"]\n";
        const QByteArray comment = QStringLiteral("# комментарий — прекрасный\n").toUtf8();
        int lines = 2;
        while (yaml.size() + comment.size() < kMaxConfigurationBytes - 64) {
            yaml += comment;
            ++lines;
        }
        yaml += "# конец \xff\n";
        const ParseResult r = parseConfiguration(yaml, QStringLiteral("big.dstack.yml"));
        QCOMPARE(r.diagnostics.size(), size_t(1));
        const Diagnostic &d = r.diagnostics.front();
        QCOMPARE(d.message, QStringLiteral("invalid UTF-8 (byte 0xff): save the file as UTF-8"));
        QCOMPARE(d.line, lines + 1);
        QCOMPARE(d.column, 9); // after the 8 characters of "# конец "
    }

    // 20,000 env entries and 20,000 commands each using a misspelt one. Each undefined name
    // looked through every defined one for a suggestion, and each fix searched every command:
    // more than two minutes (its speed is in bench/: BM_ValidateHostileShape). The first 1,000
    // uses are reported, each fixable, the first 64 names with a "did you mean"; one more line
    // counts the rest.
    void manyUndefinedVariablesAreCheckedInOnePass()
    {
        const auto name = [](int i) { return "VAR_" + QByteArray::number(i).rightJustified(6, '0'); };
        QByteArray yaml = "type: task\nenv:\n";
        for (int i = 0; i < 20000; ++i)
            yaml += "  - " + name(i) + "=1\n";
        yaml += "commands:\n";
        for (int i = 0; i < 20000; ++i)
            yaml += "  - echo $" + name(i) + "Z\n";
        const ParseResult r = parseConfiguration(yaml, QStringLiteral("many.dstack.yml"));
        std::vector<const Diagnostic *> undefined;
        for (const Diagnostic &d : r.diagnostics)
            if (d.code == QLatin1String("undefined-variable"))
                undefined.push_back(&d);
        QCOMPARE(undefined.size(), size_t(1000)); // then one line for the rest
        const Diagnostic &first = *undefined.front();
        QVERIFY2(first.message.endsWith(QLatin1String("did you mean $VAR_000000?")), qPrintable(first.message));
        QCOMPARE(first.fixes.size(), 2); // "Use $VAR_000000", "Add VAR_000000Z to env"
        QCOMPARE(first.line, 20004);
        const Diagnostic &last = *undefined.back();
        QVERIFY2(last.message.endsWith(QLatin1String("add VAR_000999Z to env")), qPrintable(last.message));
        QCOMPARE(last.fixes.size(), 1);
        QCOMPARE(last.fixes.front().edits.front().newText, QStringLiteral("\n  - VAR_000999Z"));
        const auto rest = std::find_if(r.diagnostics.begin(), r.diagnostics.end(), [](const Diagnostic &d) {
            return d.code == QLatin1String("undefined-variables-unlisted");
        });
        QVERIFY(rest != r.diagnostics.end());
        QCOMPARE(rest->message,
                 QStringLiteral("19000 more uses of variables that are not defined (the first 1000 are listed)"));
    }

    // One command using 60,000 undefined names on one 450 KB line: each fix read the line
    // again from its start and converted the rest of it (speed: BM_ValidateHostileShape). The
    // reported uses are found at their columns, with their fixes.
    void manyUsesOnOneLongLineAreCheckedInOnePass()
    {
        QByteArray line = "  - echo";
        for (int i = 0; i < 60000; ++i)
            line += " $U" + QByteArray::number(i);
        const ParseResult r = parseConfiguration("type: task\nenv:\n  - A=1\ncommands:\n" + line + "\n",
                                                 QStringLiteral("line.dstack.yml"));
        int uses = 0;
        const Diagnostic *last = nullptr;
        for (const Diagnostic &d : r.diagnostics)
            if (d.code == QLatin1String("undefined-variable")) {
                ++uses;
                last = &d;
            }
        QCOMPARE(uses, 1000); // the first thousand, each at its column with its fix
        QCOMPARE(last->line, 5);
        QCOMPARE(last->column, int(line.indexOf("$U999 ")) + 1);
        QCOMPARE(last->fixes.size(), 1);
        QCOMPARE(last->fixes.front().edits.front().newText, QStringLiteral("\n  - U999"));
    }

    // 60,000 unknown top-level keys: each error's fix looked through every key for `python`
    // and `image` (70 s for 100,000; speed: BM_ValidateHostileShape). Each is still reported.
    void manyUnknownKeysAreCheckedInOnePass()
    {
        QByteArray yaml = "type: task\ncommands: [x]\n";
        for (int i = 0; i < 60000; ++i)
            yaml += "unknown_key_" + QByteArray::number(i) + ": 1\n";
        const ParseResult r = parseConfiguration(yaml, QStringLiteral("keys.dstack.yml"));
        int unknown = 0;
        for (const Diagnostic &d : r.diagnostics)
            unknown += d.message.startsWith(QLatin1String("unknown key 'unknown_key_")) ? 1 : 0;
        QCOMPARE(unknown, 60000);
    }

    // 40,000 probes (dstack allows 10), the 20,001st repeating the first: each probe was compared
    // with every earlier one (181 s). One error for the count, one for the repeat, at its line.
    void manyProbesAreCheckedInOnePass()
    {
        QByteArray yaml = "type: service\nport: 80\ncommands: [x]\nprobes:\n";
        for (int i = 0; i < 40000; ++i)
            yaml += "  - type: http\n    url: /h" + QByteArray::number(i == 20000 ? 0 : i) + "\n";
        const ParseResult r = parseConfiguration(yaml, QStringLiteral("probes.dstack.yml"));
        QStringList errors;
        for (const Diagnostic &d : r.diagnostics)
            if (d.severity == Severity::Error)
                errors << QStringLiteral("%1: %2").arg(d.line).arg(d.message);
        QCOMPARE(errors,
                 QStringList({QStringLiteral("25: at most 10 probes are allowed"),
                              QStringLiteral("40005: this probe repeats an earlier one; probes must be unique")}));
    }

    void oversizedConfigurationIsRefused()
    {
        const QByteArray big = "type: task\n# " + QByteArray(kMaxConfigurationBytes, 'x') + "\n";
        const ParseResult r = parseConfiguration(big, QStringLiteral("big.dstack.yml"));
        QCOMPARE(r.diagnostics.size(), size_t(1));
        QVERIFY(r.diagnostics.front().message.contains(QLatin1String("MB")));
    }

    // Another process holds the chat database's write lock for longer than the busy wait:
    // streamed text stays pending (no word lost; the writer thread waits, not the GUI thread),
    // the store still shows every word, and the reply's end is written once the lock is gone —
    // not "complete" with words missing.
    void busyChatStoreLosesNothing()
    {
        const QString path = freshDir(QStringLiteral("busy-store")) + QStringLiteral("/chat.sqlite");
        ConversationStore store;
        QString storeError;
        QVERIFY2(store.open(path, &storeError), qPrintable(storeError));
        store.setFlushInterval(20);
        const qint64 conversation =
            store.createConversation(QStringLiteral("http://127.0.0.1:1/v1"), QStringLiteral("m"), QStringLiteral("t"))
                .value_or(-1);
        const qint64 question =
            store.addMessage(conversation, 0, MessageRole::User, QStringLiteral("count")).value_or(-1);
        const qint64 answer =
            store.addMessage(conversation, question, MessageRole::Assistant, QString(), ReplyStatus::Streaming)
                .value_or(-1);
        QVERIFY(answer > 0);
        QString expected;
        for (int i = 0; i < 20; ++i) {
            store.appendText(answer, QStringLiteral("w%1 ").arg(i));
            expected += QStringLiteral("w%1 ").arg(i);
        }
        QVERIFY(store.flush());

        {
            QSqlDatabase other = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("busy-holder"));
            other.setDatabaseName(path);
            QVERIFY(other.open());
            QSqlQuery lock(other);
            QVERIFY(lock.exec(QStringLiteral("BEGIN IMMEDIATE"))); // the write lock, held
            for (int i = 20; i < 100; ++i) {
                store.appendText(answer, QStringLiteral("w%1 ").arg(i));
                expected += QStringLiteral("w%1 ").arg(i);
            }
            QVERIFY(!store.flush());
            QVERIFY(store.hasPendingWrites());
            QSignalSpy deferred(&store, &ConversationStore::writeDeferred);
            store.finishMessage(answer, ReplyStatus::Complete, {});
            // Reads do not wait for the lock: what is not yet written is shown as written.
            QCOMPARE(store.message(answer)->content, expected);
            QCOMPARE(store.message(answer)->status, ReplyStatus::Complete);
            QVERIFY(deferred.wait(10000)); // the writer thread gave up on the lock: kept, not lost
            QVERIFY(deferred.wait(10000)); // the retry timer fires and fails again: still nothing lost
            QVERIFY(store.hasPendingWrites());
            // A new message cannot take the lock either: refused whole, none of it written
            // piecemeal (its transaction did not begin), and the error is SQLite's own.
            QString addError;
            QVERIFY(!store.addMessage(conversation, answer, MessageRole::User, QStringLiteral("next"),
                                      ReplyStatus::Complete, {}, &addError));
            QVERIFY2(addError.contains(QLatin1String("locked")), qPrintable(addError));
            QVERIFY(lock.exec(QStringLiteral("COMMIT")));
            lock = QSqlQuery();
            other.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("busy-holder"));
        QTRY_VERIFY_WITH_TIMEOUT(!store.hasPendingWrites(), 10000);
        const auto stored = store.message(answer);
        QVERIFY(stored);
        QCOMPARE(stored->content, expected);
        QCOMPARE(stored->status, ReplyStatus::Complete);
        QCOMPARE(store.activePath(conversation).size(), 2); // the question and this answer only
    }

    // Output without newlines is stored in 64 KB lines, and read back in bounded pieces even
    // from a file something else wrote.
    void logLinesAreBounded()
    {
        const QString dir = freshDir(QStringLiteral("log-lines"));
        LogStore store(dir + QStringLiteral("/log"));
        const QByteArray chunk(1024 * 1024, 'a');
        for (int i = 0; i < 10; ++i)
            store.appendChunk(chunk, LogSource::Stdout);
        store.appendChunk("\xC3", LogSource::Stdout);
        store.appendChunk("\xA9 end\n", LogSource::Stdout);
        QCOMPARE(store.lineCount(), qint64(10 * 1024 * 1024 / kMaxLogLineText + 1));
        for (const LogLine &line : store.lines(0, store.lineCount()))
            QVERIFY(line.text.size() <= kMaxLogLineText);
        QVERIFY(store.line(store.lineCount() - 1).text.endsWith(QStringLiteral("é end")));

        QFile raw(dir + QStringLiteral("/raw"));
        QVERIFY(raw.open(QIODevice::WriteOnly));
        raw.write("2026-01-01T00:00:00.000Z stdout ");
        raw.write(QByteArray(3 * 1024 * 1024, 'b'));
        raw.write("\n2026-01-01T00:00:00.000Z stdout tail\n");
        raw.close();
        LogStore reader(dir + QStringLiteral("/raw"));
        QVERIFY(reader.lineCount() >= 12);
        qint64 total = 0;
        for (const LogLine &line : reader.lines(0, reader.lineCount())) {
            QVERIFY(line.text.size() <= kMaxLogLineBytes);
            total += line.text.size();
        }
        QVERIFY(total >= 3 * 1024 * 1024);
        QCOMPARE(reader.line(reader.lineCount() - 1).text, QStringLiteral("tail"));
    }

    // A service printing 200 MB without a newline: the supervisor and `gantry-cli logs`
    // stay small (they grew to 1.8 GB and 4.9 GB for 1 GB).
    void serviceOutputWithoutNewlinesKeepsMemoryBounded()
    {
        const QString project = freshDir(QStringLiteral("no-newlines"));
        QFile yaml(project + QStringLiteral("/.dstack.yml"));
        QVERIFY(yaml.open(QIODevice::WriteOnly));
        yaml.write("type: task\nname: no-newlines\ncommands:\n"
                   "  - head -c 200000000 /dev/zero | tr '\\0' a\n"
                   "  - echo\n  - echo printed-all\n  - sleep 300\n"
                   "resources:\n  cpu: 1..\n  memory: 0.5GB..\n  disk: 0.1GB..\n");
        yaml.close();
        const CliResult apply =
            cli({QStringLiteral("apply"), QStringLiteral("-y"), QStringLiteral("--detach"), project});
        m_started << QStringLiteral("no-newlines");
        QVERIFY2(apply.exitCode == 0, qPrintable(apply.out + apply.err));
        LogStore log(runfiles::log(runfiles::directory(QStringLiteral("no-newlines"))));
        QTRY_VERIFY_WITH_TIMEOUT((log.refresh(), log.find(QStringLiteral("printed-all"), 0) >= 0), 120000);
        LocalRunState state;
        const auto info = readRunStatus(runfiles::directory(QStringLiteral("no-newlines")), &state);
        QVERIFY(info && info->status == RunStatus::Running);
        const qint64 supervisorPeak = peakRssKb(state.supervisorPid);
        // `ulimit -v 600 MB` for gantry-cli logs: it read the whole line at once before.
        const CliResult logs = cli({QStringLiteral("logs"), QStringLiteral("no-newlines")}, true, kUnderAsan ? 0 : 600);
        QCOMPARE(logs.status, QProcess::NormalExit);
        QVERIFY2(logs.exitCode == 0, qPrintable(logs.err));
        QCOMPARE(cli({QStringLiteral("stop"), QStringLiteral("no-newlines"), QStringLiteral("--abort")}).exitCode, 0);
        qInfo("supervisor peak RSS %lld KB", supervisorPeak);
        if (kUnderAsan)
            QSKIP("RSS bounds are not meaningful under ASan (shadow memory, quarantine)");
        QVERIFY2(supervisorPeak > 0 && supervisorPeak < 150 * 1024, qPrintable(QString::number(supervisorPeak)));
    }
};

QTEST_GUILESS_MAIN(TestHostile)
#include "test_hostile.moc"
