// The cost guard (core/cost/CostGuard): the price outlook, the deploy check against a budget,
// and the watch that announces 80% and 100% once and names the runs to stop. Time is passed
// in, so nothing here waits.

#include "core/cost/CostGuard.h"

#include <QTest>

using namespace gantry;

namespace {

const QDateTime kNoon(QDate(2026, 3, 2), QTime(12, 0), Qt::UTC);

RunInfo run(const QString &name, double price, const QDateTime &submitted, RunStatus status = RunStatus::Running)
{
    RunInfo r;
    r.name = name;
    r.backend = QStringLiteral("scripted");
    r.price = price;
    r.submittedAt = submitted;
    r.status = status;
    return r;
}

} // namespace

class TestCostGuard : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void outlook()
    {
        QCOMPARE(priceOutlook(1.2, 8 * 3600).text(),
                 QStringLiteral("$1.2/h · $28.8/day · at most $9.6 (max_duration 8h)"));
        QCOMPARE(priceOutlook(0.5, std::nullopt).text(),
                 QStringLiteral("$0.5/h · $12/day · no max_duration: it costs until stopped"));
        QCOMPARE(priceOutlook(0, 3600).text(), QStringLiteral("free (price $0)"));
        QCOMPARE(formatMoney(1234.4), QStringLiteral("$1234"));
        QCOMPARE(formatDuration(5400), QStringLiteral("1h30m"));
    }

    void spend()
    {
        // Two hours at $1.5/h; a run that ended an hour ago stops counting then.
        QCOMPARE(runSpend(run(QStringLiteral("a"), 1.5, kNoon.addSecs(-7200)), kNoon), 3.0);
        RunInfo done = run(QStringLiteral("b"), 2.0, kNoon.addSecs(-3 * 3600), RunStatus::Terminated);
        done.finishedAt = kNoon.addSecs(-3600);
        QCOMPARE(runSpend(done, kNoon), 4.0);
        // Today only: a run since 22:00 yesterday counts 12 hours of today.
        QCOMPARE(spendToday({run(QStringLiteral("c"), 1.0, kNoon.addSecs(-14 * 3600)), done}, kNoon), 12.0 + 4.0);
        // The backend's own figure wins when it is higher (dstack bills whole minutes).
        RunInfo billed = run(QStringLiteral("d"), 1.0, kNoon.addSecs(-60));
        billed.cost = 0.5;
        QCOMPARE(runSpend(billed, kNoon), 0.5);
    }

    void deployCheck()
    {
        Budget b;
        QVERIFY(checkDeploy(b, 10, std::nullopt, 0, kNoon).withinBudget); // no budget: nothing to ask
        b.perRun = 5.0;
        QVERIFY(checkDeploy(b, 1.0, 4 * 3600, 0, kNoon).withinBudget);
        DeployCheck c = checkDeploy(b, 1.0, 8 * 3600, 0, kNoon);
        QVERIFY(!c.withinBudget);
        QCOMPARE(c.message,
                 QStringLiteral(
                     "At $1/h, with max_duration 8h it may cost $8, over the per-run budget of $5. Set max_duration, "
                     "or turn on \"stop runs at the budget\" in Settings, or deploy anyway."));
        c = checkDeploy(b, 1.0, std::nullopt, 0, kNoon);
        QVERIFY(!c.withinBudget);
        QVERIFY(c.message.contains(QStringLiteral("passes the per-run budget of $5 after 5h and nothing stops it")));
        b.stopAtBudget = true; // then the guard stops it: no question
        QVERIFY(checkDeploy(b, 1.0, std::nullopt, 0, kNoon).withinBudget);

        Budget day;
        day.perDay = 20.0;
        // 12 hours left today at $1/h on top of $9 spent: $21 > $20.
        c = checkDeploy(day, 1.0, std::nullopt, 9.0, kNoon);
        QVERIFY(!c.withinBudget);
        QVERIFY2(c.message.contains(QStringLiteral(
                     "running 12h today would bring today's spend to $21, over the daily budget of $20")),
                 qPrintable(c.message));
        QVERIFY(checkDeploy(day, 1.0, 3600, 9.0, kNoon).withinBudget);
        day.stopAtBudget = true;
        c = checkDeploy(day, 1.0, 3600, 20.0, kNoon);
        QVERIFY(!c.withinBudget);
        QVERIFY(c.message.contains(QStringLiteral("today's budget of $20 is already spent ($20)")));
    }

    void watchAnnouncesOnceAndStops()
    {
        Budget b;
        b.perRun = 10.0;
        BudgetWatch watch;
        const QDateTime start = kNoon.addSecs(-3600);
        QList<RunInfo> runs{run(QStringLiteral("r1"), 4.0, start)};
        QVERIFY(watch.update(runs, b, start.addSecs(3600)).isEmpty()); // $4 of $10
        QList<BudgetEvent> e = watch.update(runs, b, start.addSecs(2 * 3600 + 60)); // $8.07
        QCOMPARE(e.size(), 1);
        QCOMPARE(e[0].percent, 80);
        QCOMPARE(e[0].message, QStringLiteral("r1 has cost $8.07, 80% of its budget of $10"));
        QVERIFY(e[0].stop.isEmpty());
        QVERIFY(watch.update(runs, b, start.addSecs(2 * 3600 + 120)).isEmpty()); // told once
        e = watch.update(runs, b, start.addSecs(3 * 3600)); // $12: 100%, but stopping is off
        QCOMPARE(e.size(), 1);
        QCOMPARE(e[0].percent, 100);
        QVERIFY(e[0].stop.isEmpty());

        BudgetWatch stopping;
        b.stopAtBudget = true;
        e = stopping.update(runs, b, start.addSecs(3 * 3600)); // straight to 100%: no 80% after it
        QCOMPARE(e.size(), 1);
        QCOMPARE(e[0].stop, QStringList{QStringLiteral("r1")});
        QCOMPARE(e[0].message, QStringLiteral("r1 has cost $12, its budget of $10: stopped at the budget"));
        QVERIFY(stopping.update(runs, b, start.addSecs(4 * 3600)).isEmpty());
    }

    void dayBudgetStopsEveryPaidRun()
    {
        Budget b;
        b.perDay = 6.0;
        b.stopAtBudget = true;
        const QList<RunInfo> runs{run(QStringLiteral("a"), 1.0, kNoon.addSecs(-3 * 3600)),
                                  run(QStringLiteral("b"), 2.0, kNoon.addSecs(-3600)),
                                  run(QStringLiteral("free"), 0.0, kNoon.addSecs(-3600))};
        BudgetWatch watch;
        const QList<BudgetEvent> e = watch.update(runs, b, kNoon.addSecs(1800)); // 3.5 + 3 = $6.5
        QCOMPARE(e.size(), 1);
        QCOMPARE(e[0].scope, BudgetEvent::Scope::Day);
        QCOMPARE(e[0].stop, (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
        QCOMPARE(e[0].message, QStringLiteral("Today's spend is $6.5, the daily budget of $6: stopped a, b"));
        // The next day starts over.
        QVERIFY(watch.update({}, b, kNoon.addDays(1)).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCostGuard)
#include "test_cost_guard.moc"
