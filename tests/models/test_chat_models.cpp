// The list models the chat panel shows, under QAbstractItemModelTester, driven by a real
// store and a session streaming from a scripted server.

#include "tests/chat/ChatTestPrinters.h"
#include "tests/support/ScriptedHttpServer.h"

#include "core/chat/MarkdownSegments.h"
#include "core/models/ConversationListModel.h"
#include "core/models/MessageListModel.h"
#include "tests/support/TestEnvironment.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace gantry;
using namespace gantry::test;

namespace {

// A real store, a client pointed at a scripted server and a session over both, with the
// message model (under the model tester) following the session.
struct StreamingChat {
    ConversationStore store;
    ChatClient client;
    ChatSession session{&store, &client};
    MessageListModel model;
    QAbstractItemModelTester tester{&model, QAbstractItemModelTester::FailureReportingMode::QtTest};

    // False with the store's open error when it cannot open.
    bool start(const QString &caseName, const ScriptedHttpServer &server, QString *error)
    {
        const bool opened = store.open(freshDir(caseName) + QStringLiteral("/chat.sqlite"), error);
        client.setEndpoint(ModelEndpoint{server.baseUrl(), QStringLiteral("m")});
        model.setSession(&session);
        return opened;
    }
};

} // namespace

class TestChatModels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void conversationListFollowsTheStore()
    {
        ConversationStore store;
        QString storeError;
        QVERIFY2(store.open(freshDir(QStringLiteral("list-model")) + QStringLiteral("/chat.sqlite"), &storeError),
                 qPrintable(storeError));
        ConversationListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setStore(&store);
        QCOMPARE(model.rowCount(), 0);
        const qint64 a =
            store.createConversation(QStringLiteral("http://a/v1"), QStringLiteral("llama"), QStringLiteral("Cats"))
                .value_or(-1);
        const qint64 b =
            store.createConversation(QStringLiteral("http://b/v1"), QStringLiteral("qwen"), QString()).value_or(-1);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.conversationId(0), b);
        QCOMPARE(model.data(model.index(0), Qt::DisplayRole).toString(), QStringLiteral("Untitled"));
        QCOMPARE(model.data(model.index(1), ConversationListModel::TitleRole).toString(), QStringLiteral("Cats"));
        QCOMPARE(model.data(model.index(1), ConversationListModel::ModelRole).toString(), QStringLiteral("llama"));
        store.addMessage(a, 0, MessageRole::User, QStringLiteral("hi"));
        QCOMPARE(model.rowOf(a), 0); // touched: now the newest
        QCOMPARE(model.data(model.index(0), ConversationListModel::MessageCountRole).toInt(), 1);
        model.setFilter(QStringLiteral("qwen"));
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.conversationId(0), b);
        QCOMPARE(model.rowOf(a), -1);
        store.remove(b);
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(!model.roleNames().value(ConversationListModel::TitleRole).isEmpty());
    }

    void messageListGrowsWithAStreamingReplyAndSwitchesBranches()
    {
        ScriptedHttpServer server;
        QVERIFY(server.listen());
        const QByteArray path = "/v1/chat/completions";
        server.expect(path, ScriptedResponse::eventStream()
                                .sse(contentChunk("Hel"))
                                .pause(200)
                                .sse(contentChunk("lo"))
                                .sse(R"({"choices":[],"usage":{"prompt_tokens":4,"completion_tokens":2}})")
                                .sse("[DONE]")
                                .end());
        server.expect(path, ScriptedResponse::eventStream().sse(contentChunk("Again")).sse("[DONE]").end());

        StreamingChat chat;
        QString startError;
        QVERIFY2(chat.start(QStringLiteral("message-model"), server, &startError), qPrintable(startError));
        ChatSession &session = chat.session;
        MessageListModel &model = chat.model;

        QSignalSpy finished(&session, &ChatSession::replyFinished);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        const qint64 first = session.send(QStringLiteral("Hi")).value_or(-1);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.data(model.index(0), MessageListModel::MessageRoleRole).toString(), QStringLiteral("user"));
        QCOMPARE(model.data(model.index(1), MessageListModel::StatusTextRole).toString(), QStringLiteral("streaming"));
        QTRY_COMPARE_WITH_TIMEOUT(model.data(model.index(1)).toString(), QStringLiteral("Hel"), 10000);
        QVERIFY(!changed.isEmpty());
        // One copy of a streaming reply's text: the model hands out the live reply's own.
        QVERIFY(session.currentReply());
        QVERIFY(model.data(model.index(1), MessageListModel::ContentRole).toString().constData() ==
                session.currentReply()->content().constData());
        QCOMPARE(model.messageAt(1).content, QStringLiteral("Hel"));
        QVERIFY(finished.wait(10000));
        QCOMPARE(model.data(model.index(1), MessageListModel::ContentRole).toString(), QStringLiteral("Hello"));
        QCOMPARE(model.data(model.index(1), MessageListModel::StatusRole).toInt(), int(ReplyStatus::Complete));
        QVERIFY(model.data(model.index(1), MessageListModel::MetricsTextRole)
                    .toString()
                    .contains(QStringLiteral("4 → 2 tokens")));

        const qint64 second = session.regenerate(first).value_or(-1);
        QVERIFY(second > 0);
        QVERIFY(finished.wait(10000));
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.messageId(1), second);
        QCOMPARE(model.data(model.index(1)).toString(), QStringLiteral("Again"));
        QCOMPARE(model.data(model.index(1), MessageListModel::BranchIndexRole).toInt(), 1);
        QCOMPARE(model.data(model.index(1), MessageListModel::BranchCountRole).toInt(), 2);

        QVERIFY(model.showSibling(1, -1));
        QCOMPARE(model.messageId(1), first);
        QCOMPARE(model.data(model.index(1)).toString(), QStringLiteral("Hello"));
        QVERIFY(!model.showSibling(1, -1)); // no sibling before the first
        QCOMPARE(server.requests.size(), 2);
        // The regenerate sent the same question, not the old answer.
        const auto body = nlohmann::json::parse(server.requests[1].body.toStdString());
        QCOMPARE(body["messages"].size(), 1u);
    }

    // 300 tokens that arrive together reach data() at once but are announced to views a few
    // times, not 300: a view lays the bubble out at most once a frame.
    void aBurstOfTokensIsAnnouncedOncePerFrame()
    {
        ScriptedHttpServer server;
        QVERIFY(server.listen());
        QByteArray burst;
        QString expected;
        for (int i = 0; i < 300; ++i) {
            const QByteArray token = " t" + QByteArray::number(i);
            burst += "data: " + contentChunk(token) + "\n\n";
            expected += QString::fromLatin1(token);
        }
        server.expect("/v1/chat/completions", ScriptedResponse::eventStream()
                                                  .sse(contentChunk("first"))
                                                  .pause(100)
                                                  .chunk(burst)
                                                  .pause(100)
                                                  .sse("[DONE]")
                                                  .end());
        StreamingChat chat;
        QString startError;
        QVERIFY2(chat.start(QStringLiteral("message-model-burst"), server, &startError), qPrintable(startError));
        ChatSession &session = chat.session;
        MessageListModel &model = chat.model;
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy deltas(&session, &ChatSession::messageDelta);
        QSignalSpy finished(&session, &ChatSession::replyFinished);
        session.send(QStringLiteral("Hi"));
        // The first token, after a quiet period, is announced as it arrives.
        QTRY_COMPARE_WITH_TIMEOUT(deltas.size(), 1, 10000);
        QCOMPARE(model.data(model.index(1)).toString(), QStringLiteral("first"));
        QTRY_COMPARE_WITH_TIMEOUT(deltas.size(), 301, 10000);
        // The whole burst is in the model at once…
        QCOMPARE(model.data(model.index(1)).toString(), QStringLiteral("first") + expected);
        QVERIFY(finished.wait(10000));
        int streamed = 0;
        for (const QList<QVariant> &signal : std::as_const(changed))
            streamed += !signal.at(2).value<QList<int>>().isEmpty(); // reload() sends no roles
        // …and was announced in a handful of frames.
        QVERIFY2(streamed >= 2 && streamed <= 4, qPrintable(QString::number(streamed)));
        QCOMPARE(model.data(model.index(1)).toString(), QStringLiteral("first") + expected);
    }

    // A streaming reply is cut after blank lines outside code fences, before a line at the
    // margin; the last, unfinished line decides as soon as its first character is written.
    void markdownSegmentsCutWhereBlocksEnd_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QList<qsizetype>>("ends");
        QTest::newRow("one paragraph") << QStringLiteral("Hello\nworld\n") << QList<qsizetype>{};
        QTest::newRow("two paragraphs") << QStringLiteral("One.\n\nTwo.\n") << QList<qsizetype>{6};
        QTest::newRow("open last line") << QStringLiteral("One.\n\nTw") << QList<qsizetype>{6};
        QTest::newRow("open last line, indented") << QStringLiteral("- One\n\n  Tw") << QList<qsizetype>{};
        QTest::newRow("open last line, blank so far") << QStringLiteral("One.\n\n  ") << QList<qsizetype>{};
        QTest::newRow("open line after a fence") << QStringLiteral("```\nA\n```\n\nN") << QList<qsizetype>{11};
        QTest::newRow("open line inside a fence") << QStringLiteral("```\nA\n\nN") << QList<qsizetype>{};
        QTest::newRow("blank lines collapse") << QStringLiteral("One.\n\n\n# Two\n") << QList<qsizetype>{7};
        QTest::newRow("fence keeps its blank lines")
            << QStringLiteral("Code:\n\n```cpp\nint a;\n\nint b;\n```\n\nAfter.\n") << QList<qsizetype>{7, 34};
        QTest::newRow("open fence") << QStringLiteral("```\na\n\nb\n") << QList<qsizetype>{};
        QTest::newRow("tilde fence") << QStringLiteral("~~~\n\n```\n\n~~~\n\nx\n") << QList<qsizetype>{15};
        QTest::newRow("indented continuation")
            << QStringLiteral("- item\n\n  more of it\n\nNext\n") << QList<qsizetype>{22};
        QTest::newRow("leading blank") << QStringLiteral("\n\nText\n") << QList<qsizetype>{};
    }

    void markdownSegmentsCutWhereBlocksEnd()
    {
        QFETCH(QString, text);
        QFETCH(QList<qsizetype>, ends);
        QCOMPARE(markdownSegmentEnds(text), ends);
        // Growing text never moves an earlier cut: segments once closed stay closed.
        for (qsizetype n = 0; n <= text.size(); ++n) {
            const QList<qsizetype> partial = markdownSegmentEnds(QStringView(text).left(n));
            QVERIFY(partial.size() <= ends.size());
            for (qsizetype i = 0; i < partial.size(); ++i)
                QCOMPARE(partial[i], ends[i]);
        }
    }
};

QTEST_GUILESS_MAIN(TestChatModels)
#include "test_chat_models.moc"
