// LogModel over a real, file-backed LogStore: rows follow appends (also by another writer),
// only requested blocks are read, search/highlight, timestamps on/off, copy and save.

#include "common/TestEnvironment.h"
#include "models/LogModel.h"
#include "runs/LogStore.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QSignalSpy>
#include <QTest>

using namespace gantry;

class TestLogModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void followsTheStore()
    {
        const QString dir = test::freshDir(QStringLiteral("log-model-follow"));
        LogStore store(dir + QStringLiteral("/run.log"));
        const QDateTime t0 = QDateTime::fromString(QStringLiteral("2026-11-27T06:00:00.000Z"), Qt::ISODateWithMs);
        for (int i = 0; i < 1000; ++i)
            store.appendLine(QStringLiteral("line %1").arg(i), i % 10 == 0 ? QStringLiteral("stderr") : QStringLiteral("stdout"),
                             t0.addSecs(i));
        LogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setStore(&store);
        QCOMPARE(model.rowCount(), 1000);
        QCOMPARE(model.index(999).data(LogModel::TextRole).toString(), QStringLiteral("line 999"));
        QCOMPARE(model.index(10).data(LogModel::SourceRole).toString(), QStringLiteral("stderr"));
        QCOMPARE(model.index(0).data().toString(), QStringLiteral("2026-11-27 06:00:00.000  line 0"));
        QCOMPARE(model.index(0).data(LogModel::TimestampRole).toDateTime(), t0);

        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        store.appendLine(QStringLiteral("late line"), QStringLiteral("gantry"));
        QTRY_COMPARE(model.rowCount(), 1001);
        QVERIFY(!inserted.isEmpty());
        // The last block was cached before the append; the new line must still be read.
        QCOMPARE(model.index(1000).data(LogModel::TextRole).toString(), QStringLiteral("late line"));

        // Another writer (a supervisor process) appends to the same file; refresh() indexes it.
        {
            LogStore writer(dir + QStringLiteral("/run.log"));
            writer.appendLine(QStringLiteral("from another writer"), QStringLiteral("stdout"));
        }
        store.refresh();
        QTRY_COMPARE(model.rowCount(), 1002);
        QCOMPARE(model.index(1001).data(LogModel::TextRole).toString(), QStringLiteral("from another writer"));
    }

    void searchesHighlightsAndFormats()
    {
        const QString dir = test::freshDir(QStringLiteral("log-model-search"));
        LogStore store(dir + QStringLiteral("/run.log"));
        for (int i = 0; i < 3000; ++i)
            store.appendLine(i % 700 == 5 ? QStringLiteral("ERROR disk full %1").arg(i) : QStringLiteral("ok %1").arg(i),
                             QStringLiteral("stdout"));
        LogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setStore(&store);
        model.setHighlight(QStringLiteral("error"));
        QCOMPARE(model.index(5).data(LogModel::HighlightRole).toBool(), true);
        QCOMPARE(model.index(6).data(LogModel::HighlightRole).toBool(), false);
        QCOMPARE(model.findNext(-1, true), 5);
        QCOMPARE(model.findNext(5, true), 705);
        QCOMPARE(model.findNext(705, false), 5);
        QCOMPARE(model.findNext(2805, true), 5);   // wraps around
        QCOMPARE(model.findNext(5, false), 2805);  // and backwards
        model.setHighlight(QStringLiteral("nowhere"));
        QCOMPARE(model.findNext(0, true), -1);

        model.setShowTimestamps(false);
        QCOMPARE(model.index(7).data().toString(), QStringLiteral("ok 7"));
        QCOMPARE(model.text(6, 7), QStringLiteral("ok 6\nok 7\n"));

        const QString out = dir + QStringLiteral("/saved.log");
        QCOMPARE(model.saveTo(out), QString());
        QFile saved(out);
        QVERIFY(saved.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = saved.readAll().split('\n');
        QCOMPARE(lines.size(), 3001);  // 3000 lines and the final newline
        QCOMPARE(lines[5], QByteArray("ERROR disk full 5"));
        QVERIFY(!model.saveTo(dir + QStringLiteral("/no/such/dir/x.log")).isEmpty());
    }

    void noStoreIsEmpty()
    {
        LogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setStore(nullptr);
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.findNext(0, true), -1);
        QCOMPARE(model.text(0, 10), QString());
    }
};

QTEST_GUILESS_MAIN(TestLogModel)
#include "test_log_model.moc"
