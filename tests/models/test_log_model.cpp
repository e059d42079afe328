// LogModel over a real, file-backed LogStore: rows follow appends (also by another writer),
// only requested blocks are read, search/highlight, timestamps on/off, copy and save.

#include "core/models/LogModel.h"
#include "core/runs/LogLevel.h"
#include "core/runs/LogStore.h"
#include "tests/support/TestEnvironment.h"

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
            store.appendLine(QStringLiteral("line %1").arg(i), i % 10 == 0 ? LogSource::Stderr : LogSource::Stdout,
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
        store.appendLine(QStringLiteral("late line"), LogSource::Gantry);
        QTRY_COMPARE(model.rowCount(), 1001);
        QVERIFY(!inserted.isEmpty());
        // The last block was cached before the append; the new line must still be read.
        QCOMPARE(model.index(1000).data(LogModel::TextRole).toString(), QStringLiteral("late line"));

        // Another writer (a supervisor process) appends to the same file; refresh() indexes it.
        {
            LogStore writer(dir + QStringLiteral("/run.log"));
            writer.appendLine(QStringLiteral("from another writer"), LogSource::Stdout);
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
            store.appendLine(i % 700 == 5 ? QStringLiteral("ERROR disk full %1").arg(i)
                                          : QStringLiteral("ok %1").arg(i),
                             LogSource::Stdout);
        LogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setStore(&store);
        model.setHighlight(QStringLiteral("error"));
        QCOMPARE(model.index(5).data(LogModel::HighlightRole).toBool(), true);
        QCOMPARE(model.index(6).data(LogModel::HighlightRole).toBool(), false);
        QCOMPARE(model.findNext(-1, true), 5);
        QCOMPARE(model.findNext(5, true), 705);
        QCOMPARE(model.findNext(705, false), 5);
        QCOMPARE(model.findNext(2805, true), 5); // wraps around
        QCOMPARE(model.findNext(5, false), 2805); // and backwards
        model.setHighlight(QStringLiteral("nowhere"));
        QCOMPARE(model.findNext(0, true), -1);

        model.setShowTimestamps(false);
        QCOMPARE(model.index(7).data().toString(), QStringLiteral("ok 7"));
        QCOMPARE(model.text(6, 7), QStringLiteral("ok 6\nok 7\n"));

        const QString out = dir + QStringLiteral("/saved.log");
        QString error;
        QVERIFY2(model.saveTo(out, &error), qPrintable(error));
        QFile saved(out);
        QVERIFY(saved.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = saved.readAll().split('\n');
        QCOMPARE(lines.size(), 3001); // 3000 lines and the final newline
        QCOMPARE(lines[5], QByteArray("ERROR disk full 5"));
        QVERIFY(!model.saveTo(dir + QStringLiteral("/no/such/dir/x.log"), &error));
        QVERIFY2(error.contains(QLatin1String("x.log")), qPrintable(error));
    }

    // The level a line states, whatever stream it came on: real lines from the servers Gantry runs.
    void levelComesFromTheLineText_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<int>("level");
        const int none = int(LogLevel::None), debug = int(LogLevel::Debug), info = int(LogLevel::Info),
                  warning = int(LogLevel::Warning), error = int(LogLevel::Error);
        // llama.cpp (everything on stderr), as the llama-server scripts/setup builds writes it
        QTest::newRow("llama I") << QStringLiteral(
                                        "0.00.013.620 I srv    load_model: loading model '/models/tiny.gguf'")
                                 << info;
        QTest::newRow("llama W")
            << QStringLiteral(
                   "0.00.010.549 W srv  llama_server: CORS is set to allow all origins ('*') and no API key is set")
            << warning;
        QTest::newRow("llama E") << QStringLiteral(
                                        "0.00.120.001 E srv  llama_server: exiting due to model loading error")
                                 << error;
        QTest::newRow("llama untimed") << QStringLiteral("W load: special_eos_id is not in special_eog_ids") << warning;
        QTest::newRow("llama plain")
            << QStringLiteral("main: server is listening on http://127.0.0.1:8080 - starting the main loop") << none;
        // vLLM, uvicorn, Python logging
        QTest::newRow("vllm info") << QStringLiteral(
                                          "INFO 04-10 12:00:00 [api_server.py:1024] Starting vLLM API server")
                                   << info;
        QTest::newRow("vllm warn")
            << QStringLiteral("(APIServer pid=1) WARNING 10-03 01:02:03 [config.py:55] Casting torch.bfloat16")
            << warning;
        QTest::newRow("uvicorn") << QStringLiteral("INFO:     Uvicorn running on http://0.0.0.0:8000") << info;
        QTest::newRow("python error") << QStringLiteral("ERROR:root:CUDA out of memory") << error;
        QTest::newRow("traceback") << QStringLiteral("Traceback (most recent call last):") << none;
        // TGI (tracing), glog, logfmt, brackets
        QTest::newRow("tgi") << QStringLiteral(
                                    "2024-05-01T12:00:00.000000Z  WARN text_generation_launcher: no GPU found")
                             << warning;
        QTest::newRow("tgi debug") << QStringLiteral("2024-05-01T12:00:00.000000Z DEBUG text_generation_router: batch")
                                   << debug;
        QTest::newRow("glog") << QStringLiteral("E1129 12:00:00.123456  4242 server.cc:42] bind failed") << error;
        QTest::newRow("logfmt") << QStringLiteral("time=2026-11-29T08:00:00Z level=warning msg=\"slow\"") << warning;
        QTest::newRow("bracket") << QStringLiteral("[error] upstream closed the connection") << error;
        // Words that are not levels
        QTest::newRow("lower case word") << QStringLiteral("no error so far, loading info from disk") << none;
        QTest::newRow("late mention") << QStringLiteral(
                                             "srv  log_server_r: request: GET /v1/chat/completions 127.0.0.1 200, a "
                                             "long message body that names ERROR only after the head of the line")
                                      << none;
        QTest::newRow("starts with E word") << QStringLiteral("Every slot is idle") << none;
    }

    void levelComesFromTheLineText()
    {
        QFETCH(QString, line);
        QFETCH(int, level);
        QCOMPARE(int(logLevelOf(line)), level);

        // The model hands it to the view, for either stream.
        const QString dir = test::freshDir(QStringLiteral("log-model-level"));
        LogStore store(dir + QStringLiteral("/run.log"));
        store.appendLine(line, LogSource::Stderr);
        store.appendLine(line, LogSource::Stdout);
        LogModel model;
        model.setStore(&store);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0).data(LogModel::LevelRole).toInt(), level);
        QCOMPARE(model.index(1).data(LogModel::LevelRole).toInt(), level);
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
