// The conversation store on real SQLite files: WAL, branches, batched appends that another
// connection can read before the reply ends, export/import round trips.

#include "tests/chat/ChatTestPrinters.h"

#include "core/chat/ConversationStore.h"
#include "tests/support/TestEnvironment.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

using namespace Qt::StringLiterals;

using namespace gantry;
using namespace gantry::test;

namespace {

QString freshDatabase(const QString &name)
{
    return freshDir(name) + QStringLiteral("/chat.sqlite");
}

QStringList contents(const QList<StoredMessage> &path)
{
    QStringList result;
    for (const StoredMessage &m : path)
        result << m.content;
    return result;
}

// A conversation holding a question and an empty answer that is streaming.
struct StreamingAnswer {
    qint64 conversation = -1;
    qint64 answer = -1;
};

StreamingAnswer streamingAnswer(ConversationStore &store)
{
    StreamingAnswer s;
    s.conversation =
        store.createConversation(QStringLiteral("http://h/v1"), QStringLiteral("m"), QStringLiteral("t")).value_or(-1);
    const qint64 question = store.addMessage(s.conversation, 0, MessageRole::User, QStringLiteral("Q")).value_or(-1);
    s.answer = store.addMessage(s.conversation, question, MessageRole::Assistant, QString(), ReplyStatus::Streaming)
                   .value_or(-1);
    return s;
}

} // namespace

class TestChatStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void opensInWalMode()
    {
        const QString path = freshDatabase(QStringLiteral("wal"));
        ConversationStore store;
        QString storeError;
        QVERIFY2(store.open(path, &storeError), qPrintable(storeError));
        QString error;
        const std::optional<qint64> created =
            store.createConversation(QStringLiteral("http://h/v1"), QStringLiteral("m"), QStringLiteral("t"), &error);
        QVERIFY2(created, qPrintable(error));
        QVERIFY(*created > 0);
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("probe"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(QStringLiteral("PRAGMA journal_mode")) && query.next());
            QCOMPARE(query.value(0).toString(), QStringLiteral("wal"));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("probe"));
        QVERIFY(QFile::exists(path + QStringLiteral("-wal")));
    }

    void openFailureIsAMessage()
    {
        const QString dir = freshDir(QStringLiteral("unopenable"));
        ConversationStore store;
        // A directory where the database file should be.
        QDir().mkpath(dir + QStringLiteral("/chat.sqlite"));
        QString error;
        QVERIFY(!store.open(dir + QStringLiteral("/chat.sqlite"), &error));
        QVERIFY2(error.contains(QLatin1String("chat database")), qPrintable(error));
        QVERIFY(!store.isOpen());
        // Whatever a view then asks of it fails or finds nothing, without a connection to use;
        // an edit says why.
        QVERIFY(!store.rename(1, QStringLiteral("renamed")));
        QVERIFY2(store.lastError().contains(QLatin1String("not open")), qPrintable(store.lastError()));
        QVERIFY(!store.remove(1));
        QVERIFY2(store.lastError().contains(QLatin1String("not open")), qPrintable(store.lastError()));
        QVERIFY(!store.selectBranch(1));
        QVERIFY(store.siblings(1).isEmpty());
        QVERIFY(!store.message(1).has_value());
        QVERIFY(store.pathTo(1).isEmpty());
        QVERIFY(store.conversations().isEmpty());
        QVERIFY(!store.createConversation(QStringLiteral("http://127.0.0.1:1/v1"), QStringLiteral("m"),
                                          QStringLiteral("t"), &error));
        QVERIFY2(error.contains(QLatin1String("not open")), qPrintable(error));
    }

    void regenerateAndEditMakeBranches()
    {
        ConversationStore store;
        QString storeError;
        QVERIFY2(store.open(freshDatabase(QStringLiteral("branches")), &storeError), qPrintable(storeError));
        const qint64 c =
            store.createConversation(QStringLiteral("http://h/v1"), QStringLiteral("m"), QStringLiteral("t"))
                .value_or(-1);
        const qint64 u1 = store.addMessage(c, 0, MessageRole::User, QStringLiteral("Q1")).value_or(-1);
        const qint64 a1 = store.addMessage(c, u1, MessageRole::Assistant, QStringLiteral("A1")).value_or(-1);
        const qint64 u2 = store.addMessage(c, a1, MessageRole::User, QStringLiteral("Q2")).value_or(-1);
        const qint64 a2 = store.addMessage(c, u2, MessageRole::Assistant, QStringLiteral("A2")).value_or(-1);
        QCOMPARE(contents(store.activePath(c)), QStringList({u"Q1"_s, u"A1"_s, u"Q2"_s, u"A2"_s}));

        // Regenerate A1: a sibling, shown; the old thread below A1 is hidden, not lost.
        const qint64 a1b = store.addMessage(c, u1, MessageRole::Assistant, QStringLiteral("A1b")).value_or(-1);
        QList<StoredMessage> path = store.activePath(c);
        QCOMPARE(contents(path), QStringList({u"Q1"_s, u"A1b"_s}));
        QCOMPARE(path[1].branchIndex, 1);
        QCOMPARE(path[1].branchCount, 2);
        QCOMPARE(store.siblings(a1b), QList<qint64>({a1, a1b}));

        // Back to the first answer: its own thread comes back with it.
        QVERIFY(store.selectBranch(a1));
        path = store.activePath(c);
        QCOMPARE(contents(path), QStringList({u"Q1"_s, u"A1"_s, u"Q2"_s, u"A2"_s}));
        QCOMPARE(path[1].branchIndex, 0);
        QCOMPARE(path[3].id, a2);

        // Edit the first question: a new root.
        const qint64 u1b = store.addMessage(c, 0, MessageRole::User, QStringLiteral("Q1 edited")).value_or(-1);
        QCOMPARE(contents(store.activePath(c)), QStringList({u"Q1 edited"_s}));
        QCOMPARE(store.siblings(u1), QList<qint64>({u1, u1b}));
        QVERIFY(store.selectBranch(u1));
        QCOMPARE(contents(store.activePath(c)), QStringList({u"Q1"_s, u"A1"_s, u"Q2"_s, u"A2"_s}));
        QCOMPARE(contents(store.pathTo(a1b)), QStringList({u"Q1"_s, u"A1b"_s}));
        QVERIFY(!store.selectBranch(999999));
    }

    void streamedTextIsWrittenInBatchesBeforeTheReplyEnds()
    {
        const QString path = freshDatabase(QStringLiteral("batched"));
        ConversationStore writer;
        QString writerError;
        QVERIFY2(writer.open(path, &writerError), qPrintable(writerError));
        writer.setFlushInterval(50);
        const qint64 a = streamingAnswer(writer).answer;
        QVERIFY(a > 0);
        for (const char *piece : {"Hel", "lo", " wor", "ld"})
            writer.appendText(a, QString::fromLatin1(piece), QString());
        writer.appendText(a, QString(), QStringLiteral("hmm"));

        // Another connection (as another process would) sees the text without a finish.
        ConversationStore reader;
        QString readerError;
        QVERIFY2(reader.open(path, &readerError), qPrintable(readerError));
        QTRY_COMPARE_WITH_TIMEOUT(reader.message(a).value_or(StoredMessage()).content, QStringLiteral("Hello world"),
                                  5000);
        QCOMPARE(reader.message(a)->reasoning, QStringLiteral("hmm"));
        QCOMPARE(reader.message(a)->status, ReplyStatus::Streaming);

        ReplyMetrics metrics;
        metrics.timeToFirstTokenMs = 12;
        metrics.completionTokens = 4;
        metrics.promptTokens = 3;
        metrics.usageFromServer = true;
        metrics.tokensPerSecond = 250.5;
        writer.appendText(a, QStringLiteral("!"));
        writer.finishMessage(a, ReplyStatus::Stopped, metrics, QString(), QStringLiteral("length"));
        // The writer's own view has the end at once; another connection once it is written.
        QCOMPARE(writer.message(a)->status, ReplyStatus::Stopped);
        QCOMPARE(writer.message(a)->content, QStringLiteral("Hello world!"));
        QVERIFY(writer.flush());
        const StoredMessage stored = reader.message(a).value();
        QCOMPARE(stored.content, QStringLiteral("Hello world!"));
        QCOMPARE(stored.status, ReplyStatus::Stopped);
        QCOMPARE(stored.metrics, metrics);
        QCOMPARE(stored.finishReason, QStringLiteral("length"));
    }

    // The writer thread commits batches while text keeps arriving and the store is read: every
    // read shows exactly the text so far (a batch being committed is neither missed nor shown
    // twice), and what is stored in the end is every piece, in order.
    void readsWhileTheWriterCommitsShowEachPieceOnce()
    {
        const QString path = freshDatabase(QStringLiteral("overlay"));
        ConversationStore store;
        QString storeError;
        QVERIFY2(store.open(path, &storeError), qPrintable(storeError));
        store.setFlushInterval(1);
        const auto [c, a] = streamingAnswer(store);
        QVERIFY(a > 0);
        QString expected;
        int readsWithWriteInFlight = 0;
        for (int i = 0; i < 3000; ++i) {
            const QString piece = QStringLiteral("%1 ").arg(i);
            store.appendText(a, piece);
            expected += piece;
            if (i % 7 == 0)
                QCoreApplication::processEvents(); // the flush timer hands batches to the writer
            if (i % 5 == 0) {
                readsWithWriteInFlight += store.hasWriteInFlight() ? 1 : 0;
                QCOMPARE(store.message(a)->content, expected);
            }
        }
        QVERIFY(readsWithWriteInFlight > 0);
        store.finishMessage(a, ReplyStatus::Complete, {});
        QCOMPARE(store.activePath(c).last().content, expected);
        QVERIFY(store.flush());
        QVERIFY(!store.hasPendingWrites());
        // Another connection, as another process, reads what was committed.
        ConversationStore reader;
        QVERIFY2(reader.open(path, &storeError), qPrintable(storeError));
        QCOMPARE(reader.message(a)->content, expected);
        QCOMPARE(reader.message(a)->status, ReplyStatus::Complete);
    }

    void listsFiltersRenamesAndRemovesConversations()
    {
        ConversationStore store;
        QString storeError;
        QVERIFY2(store.open(freshDatabase(QStringLiteral("list")), &storeError), qPrintable(storeError));
        const qint64 a = store
                             .createConversation(QStringLiteral("http://a/v1"), QStringLiteral("llama"),
                                                 QStringLiteral("About cats"))
                             .value_or(-1);
        const qint64 b =
            store.createConversation(QStringLiteral("http://b/v1"), QStringLiteral("qwen"), QStringLiteral("100% dogs"))
                .value_or(-1);
        store.addMessage(a, 0, MessageRole::User, QStringLiteral("meow"));
        QList<ConversationSummary> all = store.conversations();
        QCOMPARE(all.size(), 2);
        QCOMPARE(all[0].id, a); // most recently updated first
        QCOMPARE(all[0].messageCount, 1);
        QCOMPARE(store.conversations(QStringLiteral("qwen")).value(0).id, b);
        QCOMPARE(store.conversations(QStringLiteral("100%")).size(), 1);
        QCOMPARE(store.conversations(QStringLiteral("%")).size(), 1); // % is literal, not a wildcard
        QVERIFY(store.rename(b, QStringLiteral("Dogs")));
        QCOMPARE(store.conversation(b)->title, QStringLiteral("Dogs"));
        QVERIFY(store.remove(a));
        QCOMPARE(store.conversations().size(), 1);
        QVERIFY(store.activePath(a).isEmpty());
    }

    void exportImportRoundTripKeepsTheTree()
    {
        ConversationStore store;
        QString storeError;
        QVERIFY2(store.open(freshDatabase(QStringLiteral("export")), &storeError), qPrintable(storeError));
        const qint64 c =
            store
                .createConversation(QStringLiteral("http://h/v1"), QStringLiteral("tiny"), QStringLiteral("Round trip"))
                .value_or(-1);
        const qint64 s = store.addMessage(c, 0, MessageRole::System, QStringLiteral("Be brief.")).value_or(-1);
        const qint64 u = store.addMessage(c, s, MessageRole::User, QStringLiteral("Hi \u00e9 \U0001F600")).value_or(-1);
        ChatParameters params;
        params.temperature = 0.3;
        params.maxTokens = 9;
        const qint64 a1 =
            store.addMessage(c, u, MessageRole::Assistant, QString(), ReplyStatus::Streaming, params).value_or(-1);
        store.appendText(a1, QStringLiteral("first"), QStringLiteral("thought"));
        ReplyMetrics m;
        m.completionTokens = 1;
        store.finishMessage(a1, ReplyStatus::Failed, m, QStringLiteral("cut"));
        const qint64 a2 = store.addMessage(c, u, MessageRole::Assistant, QStringLiteral("second")).value_or(-1);
        store.finishMessage(a2, ReplyStatus::Complete, m);
        QVERIFY(store.selectBranch(a1));

        const QByteArray exported = store.exportJson(c);
        QString error;
        const std::optional<qint64> copyId = store.importJson(exported, &error);
        QVERIFY2(copyId, qPrintable(error));
        const qint64 copy = *copyId;
        QCOMPARE(store.conversation(copy)->title, QStringLiteral("Round trip"));
        QCOMPARE(store.conversation(copy)->model, QStringLiteral("tiny"));
        const QList<StoredMessage> original = store.activePath(c);
        const QList<StoredMessage> imported = store.activePath(copy);
        QCOMPARE(contents(imported), contents(original));
        QCOMPARE(contents(imported), QStringList({u"Be brief."_s, u"Hi \u00e9 \U0001F600"_s, u"first"_s}));
        for (qsizetype i = 0; i < original.size(); ++i) {
            QCOMPARE(imported[i].role, original[i].role);
            QCOMPARE(imported[i].reasoning, original[i].reasoning);
            QCOMPARE(imported[i].status, original[i].status);
            QCOMPARE(imported[i].error, original[i].error);
            QCOMPARE(imported[i].params, original[i].params);
            QCOMPARE(imported[i].metrics, original[i].metrics);
            QCOMPARE(imported[i].branchCount, original[i].branchCount);
            QCOMPARE(imported[i].created, original[i].created);
        }
        QCOMPARE(store.siblings(imported[2].id).size(), 2);
        // Exporting the copy gives the same document but for ids and dates of the conversation.
        QCOMPARE(nlohmann::json::parse(store.exportJson(copy).toStdString())["messages"].size(), 4u);

        const QString md = store.exportMarkdown(c);
        QVERIFY(md.startsWith(QLatin1String("# Round trip")));
        QVERIFY(md.contains(QStringLiteral("## User\n\nHi \u00e9")));
        QVERIFY(md.contains(QLatin1String("*(failed: cut)*")));
        QVERIFY(!md.contains(QLatin1String("second"))); // only the shown branch
    }

    void importRejectsBadDocumentsWithAMessage_data()
    {
        QTest::addColumn<QByteArray>("document");
        QTest::addColumn<QString>("message");
        QTest::newRow("not json") << QByteArray("nope") << "not a JSON object";
        QTest::newRow("other format") << QByteArray(R"({"format":"x"})") << "not a Gantry conversation";
        QTest::newRow("no messages") << QByteArray(R"({"format":"gantry-conversation"})") << "\"messages\" is missing";
        QTest::newRow("orphan")
            << QByteArray(
                   R"({"format":"gantry-conversation","messages":[{"id":2,"parent":1,"role":"user","content":"x"}]})")
            << "names parent 1";
        QTest::newRow("bad role")
            << QByteArray(R"({"format":"gantry-conversation","messages":[{"id":1,"role":"robot","content":"x"}]})")
            << "role 'robot'";
    }
    void importRejectsBadDocumentsWithAMessage()
    {
        QFETCH(QByteArray, document);
        QFETCH(QString, message);
        ConversationStore store;
        QString storeError;
        QVERIFY2(store.open(freshDatabase(QStringLiteral("import-bad")), &storeError), qPrintable(storeError));
        QString error;
        QVERIFY(!store.importJson(document, &error));
        QVERIFY2(error.contains(message), qPrintable(error));
        QVERIFY(store.conversations().isEmpty()); // nothing half-imported
    }
};

QTEST_GUILESS_MAIN(TestChatStore)
#include "test_chat_store.moc"
