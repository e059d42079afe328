// RunsModel (diffing refreshes, ages, status roles) and ProjectModel (configurations in a
// real folder, kept current) under QAbstractItemModelTester.

#include "core/models/ProjectModel.h"
#include "core/models/RunsModel.h"
#include "tests/support/TestEnvironment.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

using namespace gantry;

namespace {

RunInfo run(const QString &name, RunStatus status, double price, const QDateTime &submitted)
{
    RunInfo r;
    r.name = name;
    r.backend = QStringLiteral("local");
    r.configurationPath = QStringLiteral("/p/serve.dstack.yml");
    r.status = status;
    r.price = price;
    r.cost = price / 2;
    r.submittedAt = submitted;
    return r;
}

void touch(const QString &path)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("type: service\n");
}

} // namespace

class TestRunsModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void showsRunsAndTotals()
    {
        RunsModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QDateTime now = QDateTime::fromString(QStringLiteral("2026-11-27T07:00:00Z"), Qt::ISODate);
        m.setNow(now);
        m.setRuns({run(u"a"_s, RunStatus::Running, 0.5, now.addSecs(-125)),
                   run(u"b"_s, RunStatus::Terminated, 2.0, now.addDays(-2))});
        QCOMPARE(m.rowCount(), 2);
        QCOMPARE(m.index(0, RunsModel::Configuration).data().toString(), QStringLiteral("serve.dstack.yml"));
        QCOMPARE(m.index(0, RunsModel::Status).data().toString(), QStringLiteral("running"));
        QCOMPARE(m.index(0, RunsModel::Age).data().toString(), QStringLiteral("2m"));
        QCOMPARE(m.index(1, RunsModel::Age).data().toString(), QStringLiteral("2d"));
        QCOMPARE(m.index(0, RunsModel::Price).data().toString(), QStringLiteral("$0.5"));
        QCOMPARE(m.index(0, RunsModel::Cost).data().toString(), QStringLiteral("$0.25"));
        QCOMPARE(m.index(1, RunsModel::Name).data(RunsModel::StatusRole).toInt(), int(RunStatus::Terminated));
        QCOMPARE(m.activeCount(), 1);
        QCOMPARE(m.activePricePerHour(), 0.5);
    }

    void refreshKeepsRowsOfRunsThatStay()
    {
        RunsModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        m.setRuns({run(u"a"_s, RunStatus::Provisioning, 1, now), run(u"b"_s, RunStatus::Running, 1, now),
                   run(u"c"_s, RunStatus::Running, 1, now)});
        QPersistentModelIndex c = m.index(2, 0);
        QSignalSpy removed(&m, &QAbstractItemModel::rowsRemoved);
        QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
        RunInfo ready = run(u"c"_s, RunStatus::Running, 1, now);
        ready.ready = true;
        m.setRuns({run(u"a"_s, RunStatus::Running, 1, now), ready, run(u"d"_s, RunStatus::Submitted, 1, now)});
        QCOMPARE(removed.size(), 1);
        QVERIFY(changed.size() >= 2);
        QCOMPARE(m.rowCount(), 3);
        QVERIFY(c.isValid());
        QCOMPARE(c.data().toString(), QStringLiteral("c"));
        QCOMPARE(c.sibling(c.row(), RunsModel::Status).data().toString(), QStringLiteral("running · ready"));
        QCOMPARE(m.rowOfRun(QStringLiteral("d")), 2);
        QCOMPARE(m.rowOfRun(QStringLiteral("b")), -1);
        m.setRuns({});
        QCOMPARE(m.rowCount(), 0);
    }

    // A project that kept 3,000 runs: a refresh where every third is gone and 1,000 are new.
    // Each gone block of neighbours leaves in one removal; the rest keep their rows in order.
    void refreshOfManyRunsRemovesBlocksAndKeepsOrder()
    {
        RunsModel m;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QList<RunInfo> before;
        for (int i = 0; i < 3000; ++i)
            before << run(QStringLiteral("r%1").arg(i), RunStatus::Running, 1, now);
        m.setRuns(before);
        QList<RunInfo> after;
        for (int i = 0; i < 3000; ++i)
            if (i % 3 != 0 && !(i >= 1000 && i < 1100))
                after << run(QStringLiteral("r%1").arg(i), RunStatus::Running, 1, now);
        for (int i = 3000; i < 4000; ++i)
            after << run(QStringLiteral("r%1").arg(i), RunStatus::Submitted, 1, now);
        QSignalSpy removed(&m, &QAbstractItemModel::rowsRemoved);
        m.setRuns(after);
        QCOMPARE(m.rowCount(), int(after.size()));
        for (int row = 0; row < m.rowCount(); row += 97)
            QCOMPARE(m.index(row, RunsModel::Name).data().toString(), after[row].name);
        QCOMPARE(m.rowOfRun(QStringLiteral("r3999")), m.rowCount() - 1);
        QCOMPARE(m.rowOfRun(QStringLiteral("r1050")), -1);
        // One removal per block of neighbours that left: every third run alone, and r1000–r1099
        // (with the thirds next to it) as one.
        int blocks = 0;
        for (int i = 0; i < 3000; ++i) {
            const bool gone = i % 3 == 0 || (i >= 1000 && i < 1100);
            const bool previousGone = i > 0 && ((i - 1) % 3 == 0 || (i - 1 >= 1000 && i - 1 < 1100));
            blocks += gone && !previousGone ? 1 : 0;
        }
        QCOMPARE(removed.size(), blocks);
    }

    // Sorting moves rows; an index a view holds (a selection) follows its run.
    void sortKeepsPersistentIndexesOnTheirRuns()
    {
        RunsModel m;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        m.setRuns({run(u"b"_s, RunStatus::Running, 1, now), run(u"c"_s, RunStatus::Running, 1, now),
                   run(u"a"_s, RunStatus::Running, 1, now)});
        const QPersistentModelIndex c(m.index(1, RunsModel::Name));
        const QPersistentModelIndex a(m.index(2, RunsModel::Status));
        m.sort(RunsModel::Name, Qt::AscendingOrder);
        QCOMPARE(m.index(0, RunsModel::Name).data().toString(), QStringLiteral("a"));
        QCOMPARE(c.row(), 2);
        QCOMPARE(c.data().toString(), QStringLiteral("c"));
        QCOMPARE(a.row(), 0);
        QCOMPARE(a.column(), int(RunsModel::Status));
        m.sort(RunsModel::Name, Qt::DescendingOrder);
        QCOMPARE(c.row(), 0);
        QCOMPARE(a.row(), 2);
    }

    void ageText_data()
    {
        QTest::addColumn<int>("seconds");
        QTest::addColumn<QString>("text");
        QTest::newRow("seconds") << 5 << "5s";
        QTest::newRow("minutes") << 3599 << "59m";
        QTest::newRow("hours") << 7200 << "2h";
        QTest::newRow("days") << 86400 * 3 << "3d";
        QTest::newRow("clock skew") << -10 << "0s";
    }
    void ageText()
    {
        QFETCH(int, seconds);
        QFETCH(QString, text);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QCOMPARE(RunsModel::ageText(now.addSecs(-seconds), now), text);
        QCOMPARE(RunsModel::ageText({}, now), QString());
    }

    void projectModelListsConfigurations()
    {
        const QString dir = test::freshDir(QStringLiteral("project-model"));
        touch(dir + u"/serve.dstack.yml"_s);
        touch(dir + u"/.dstack.yml"_s);
        touch(dir + u"/notes.yml"_s);
        QDir(dir).mkpath(u"sub"_s);
        touch(dir + u"/sub/task.dstack.yaml"_s);
        ProjectModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setRoot(dir);
        QStringList names;
        for (int r = 0; r < m.rowCount(); ++r)
            names << m.index(r).data().toString();
        QCOMPARE(names, QStringList({u".dstack.yml"_s, u"serve.dstack.yml"_s, u"sub/task.dstack.yaml"_s}));
        QCOMPARE(m.index(1).data(ProjectModel::PathRole).toString(), dir + u"/serve.dstack.yml"_s);

        QSignalSpy reset(&m, &QAbstractItemModel::modelReset);
        touch(dir + u"/train.dstack.yml"_s);
        QVERIFY(reset.wait(5000));
        QCOMPARE(m.rowCount(), 4);

        m.setRoot({});
        QCOMPARE(m.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestRunsModel)
#include "test_runs_model.moc"
