// LogStore: the file format, partial lines and UTF-8 split across chunks, a second reader
// indexing what a writer appended, ranges, tail, search and the linesAppended signal.

#include "core/runs/LogStore.h"
#include "tests/support/TestEnvironment.h"

#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTest>

using namespace gantry;

class TestLogStore : public QObject
{
    Q_OBJECT

    QString freshLog(const QString &name) { return test::freshDir(name) + QStringLiteral("/log"); }

    static QByteArray fileBytes(const QString &path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

private Q_SLOTS:
    void writesOneTimestampedLinePerLogLine()
    {
        const QString path = freshLog(QStringLiteral("format"));
        LogStore store(path);
        const QDateTime at = QDateTime::fromString(QStringLiteral("2026-11-27T06:00:00.123Z"), Qt::ISODateWithMs);
        store.appendChunk("listening on http://127.0.0.1:8000\r\nsecond\n", LogSource::Stdout, at);
        store.appendLine(QStringLiteral("Run started"), LogSource::Gantry, at);
        QCOMPARE(fileBytes(path), QByteArray("2026-11-27T06:00:00.123Z stdout listening on http://127.0.0.1:8000\n"
                                             "2026-11-27T06:00:00.123Z stdout second\n"
                                             "2026-11-27T06:00:00.123Z gantry Run started\n"));
        QCOMPARE(store.lineCount(), 3);
        const LogLine first = store.line(0);
        QCOMPARE(first.timestamp, at);
        QCOMPARE(first.timestamp.timeSpec(), Qt::UTC);
        QCOMPARE(first.source, LogSource::Stdout);
        QCOMPARE(first.text, QStringLiteral("listening on http://127.0.0.1:8000"));
        QCOMPARE(store.line(2).source, LogSource::Gantry);
        QCOMPARE(store.line(3).text, QString()); // out of range: empty, no crash
        QCOMPARE(store.line(-1).text, QString());
    }

    void keepsPartialLinesPerSourceUntilTheirNewline()
    {
        LogStore store(freshLog(QStringLiteral("partial")));
        QSignalSpy appended(&store, &LogStore::linesAppended);
        store.appendChunk("hel", LogSource::Stdout);
        store.appendChunk("warn", LogSource::Stderr);
        QCOMPARE(store.lineCount(), 0);
        QCOMPARE(appended.count(), 0);
        store.appendChunk("lo\nwor", LogSource::Stdout);
        QCOMPARE(store.lineCount(), 1);
        QCOMPARE(store.line(0).text, QStringLiteral("hello"));
        store.appendChunk("ing\n", LogSource::Stderr);
        QCOMPARE(store.line(1).text, QStringLiteral("warning"));
        QCOMPARE(store.line(1).source, LogSource::Stderr);
        store.flushPartial();
        QCOMPARE(store.lineCount(), 3);
        QCOMPARE(store.line(2).text, QStringLiteral("wor"));
        QCOMPARE(appended.count(), 3);
        QCOMPARE(appended.at(0).at(0).toLongLong(), 0);
        QCOMPARE(appended.at(0).at(1).toLongLong(), 1);
    }

    void joinsUtf8SequencesSplitAcrossChunks()
    {
        LogStore store(freshLog(QStringLiteral("utf8")));
        const QByteArray text = QStringLiteral("température 25 °C — ok ✓").toUtf8();
        // Split inside every multi-byte sequence in turn.
        for (qsizetype cut = 1; cut < text.size(); ++cut) {
            store.appendChunk(text.left(cut), LogSource::Stdout);
            store.appendChunk(text.mid(cut) + '\n', LogSource::Stdout);
        }
        QCOMPARE(store.lineCount(), text.size() - 1);
        for (qint64 i = 0; i < store.lineCount(); ++i)
            QCOMPARE(store.line(i).text, QStringLiteral("température 25 °C — ok ✓"));
    }

    void replacesInvalidUtf8()
    {
        const QString path = freshLog(QStringLiteral("invalid"));
        LogStore store(path);
        store.appendChunk(QByteArray("bad \xff\xfe bytes\n"), LogSource::Stdout);
        QVERIFY(fileBytes(path).isValidUtf8());
        QCOMPARE(store.line(0).text, QStringLiteral("bad \uFFFD\uFFFD bytes"));
    }

    void secondInstanceIndexesWhatAnotherAppended()
    {
        const QString path = freshLog(QStringLiteral("refresh"));
        LogStore writer(path);
        writer.appendLine(QStringLiteral("one"), LogSource::Stdout);
        LogStore reader(path);
        QCOMPARE(reader.lineCount(), 1);
        QSignalSpy appended(&reader, &LogStore::linesAppended);
        writer.appendChunk("two\nthree\n", LogSource::Stdout);
        QCOMPARE(reader.lineCount(), 1); // not until it looks
        reader.refresh();
        QCOMPARE(reader.lineCount(), 3);
        QCOMPARE(appended.count(), 1);
        QCOMPARE(appended.at(0).at(0).toLongLong(), 1);
        QCOMPARE(appended.at(0).at(1).toLongLong(), 2);
        QCOMPARE(reader.line(2).text, QStringLiteral("three"));
        reader.refresh();
        QCOMPARE(appended.count(), 1); // nothing new, no signal

        // A half-written line (another process mid-write) stays unindexed until complete.
        QFile raw(path);
        QVERIFY(raw.open(QIODevice::Append));
        raw.write("2026-11-27T06:00:00.000Z stdout fou");
        raw.flush();
        reader.refresh();
        QCOMPARE(reader.lineCount(), 3);
        raw.write("r\n");
        raw.flush();
        reader.refresh();
        QCOMPARE(reader.lineCount(), 4);
        QCOMPARE(reader.line(3).text, QStringLiteral("four"));
    }

    void readsRangesAndTail()
    {
        LogStore store(freshLog(QStringLiteral("ranges")));
        QByteArray chunk;
        for (int i = 0; i < 1000; ++i)
            chunk += "line " + QByteArray::number(i) + '\n';
        store.appendChunk(chunk, LogSource::Stdout);
        QCOMPARE(store.lineCount(), 1000);
        const QList<LogLine> range = store.lines(10, 3);
        QCOMPARE(range.size(), 3);
        QCOMPARE(range.at(0).text, QStringLiteral("line 10"));
        QCOMPARE(range.at(2).text, QStringLiteral("line 12"));
        QCOMPARE(store.lines(998, 10).size(), 2); // clipped at the end
        QCOMPARE(store.lines(2000, 10).size(), 0);
        const QList<LogLine> tail = store.tail(2);
        QCOMPARE(tail.size(), 2);
        QCOMPARE(tail.at(1).text, QStringLiteral("line 999"));
        QCOMPARE(store.tail(5000).size(), 1000);
    }

    void findsTextCaseInsensitivelyBothWays()
    {
        LogStore store(freshLog(QStringLiteral("find")));
        store.appendChunk("starting\nloading model\nERROR: out of memory\nretrying\nerror again\nÉtat: prêt\n",
                          LogSource::Stdout);
        QCOMPARE(store.find(QStringLiteral("error"), 0), 2);
        QCOMPARE(store.find(QStringLiteral("error"), 3), 4);
        QCOMPARE(store.find(QStringLiteral("error"), 5), -1);
        QCOMPARE(store.find(QStringLiteral("error"), 5, false), 4);
        QCOMPARE(store.find(QStringLiteral("error"), 3, false), 2);
        QCOMPARE(store.find(QStringLiteral("ÉTAT"), 0), 5);
        // The timestamp and source are not part of the text.
        QCOMPARE(store.find(QStringLiteral("stdout"), 0), -1);
        QCOMPARE(store.find(QStringLiteral("2026"), 0), -1);
        QCOMPARE(store.find(QString(), 0), -1);
        QCOMPARE(store.find(QStringLiteral("x"), 99), -1);
    }

    void findsAcrossReadBlocks()
    {
        // More than one 1 MiB read block, match near the far end.
        LogStore store(freshLog(QStringLiteral("find-blocks")));
        QByteArray chunk;
        const QByteArray filler(200, 'x');
        for (int i = 0; i < 12000; ++i)
            chunk += filler + '\n';
        chunk += "needle here\n";
        store.appendChunk(chunk, LogSource::Stdout);
        QCOMPARE(store.find(QStringLiteral("NEEDLE"), 0), 12000);
        QCOMPARE(store.find(QStringLiteral("needle"), 12000, false), 12000);
        QCOMPARE(store.find(QStringLiteral("needle"), 11999, false), -1);
    }

    // A dstack job's log is a cache that the next gantry process resumes from its cursor: a
    // line still open when one process ends must not be cut in two (stdout and stderr arrive
    // interleaved, each in pieces, as dstack's runner records them).
    void keptPartialLinesContinueInTheNextStore()
    {
        const QString path = freshLog(QStringLiteral("kept"));
        const QString kept = path + QStringLiteral(".partial");
        {
            LogStore store(path, LogStore::PartialLines::KeepForNextOpen);
            store.appendChunk("first\nllama-s", LogSource::Stdout);
            store.appendChunk("warni", LogSource::Stderr);
            store.appendChunk("erver startin", LogSource::Stdout);
            QCOMPARE(store.lineCount(), 1);
        } // this process ends; the stream goes on
        QVERIFY(QFile::exists(kept));
        QCOMPARE(QFileInfo(kept).permissions() & (QFileDevice::ReadOther | QFileDevice::ReadGroup),
                 QFileDevice::Permissions());
        {
            LogStore next(path, LogStore::PartialLines::KeepForNextOpen);
            QCOMPARE(next.lineCount(), 1);
            next.appendChunk("g\n", LogSource::Stdout);
            next.appendChunk("ng: no GPU\n", LogSource::Stderr);
            QCOMPARE(next.lineCount(), 3);
            QCOMPARE(next.line(1).text, QStringLiteral("llama-server starting"));
            QCOMPARE(next.line(1).source, LogSource::Stdout);
            QCOMPARE(next.line(2).text, QStringLiteral("warning: no GPU"));
            QCOMPARE(next.line(2).source, LogSource::Stderr);
        }
        QVERIFY(!QFile::exists(kept)); // nothing open any more

        // A replaced stream forgets what was kept for the old one.
        {
            LogStore store(path, LogStore::PartialLines::KeepForNextOpen);
            store.appendChunk("half", LogSource::Stdout);
        }
        LogStore::removeKeptPartialLines(path);
        LogStore fresh(path, LogStore::PartialLines::KeepForNextOpen);
        fresh.appendChunk("new\n", LogSource::Stdout);
        QCOMPARE(fresh.line(fresh.lineCount() - 1).text, QStringLiteral("new"));
    }

    void reopeningIndexesTheWholeFile()
    {
        const QString path = freshLog(QStringLiteral("reopen"));
        {
            LogStore store(path);
            store.appendChunk("a\nb\nunterminated", LogSource::Stdout);
        } // the destructor writes the partial line out
        LogStore again(path);
        QCOMPARE(again.lineCount(), 3);
        QCOMPARE(again.line(2).text, QStringLiteral("unterminated"));
    }
};

QTEST_GUILESS_MAIN(TestLogStore)
#include "test_logstore.moc"
