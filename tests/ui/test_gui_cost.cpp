// The cost guard and model sizing in the GUI, against scripted backends with a price: the
// selected offer's cost outlook, a deploy over budget that asks first, the watch that stops a
// run past its budget when "stop runs at the budget" is on, and offers too small for the
// model marked and hidden on request.

#include "core/config/ConfigParser.h"
#include "core/models/OffersModel.h"
#include "core/models/RunsModel.h"
#include "tests/support/ScriptedBackend.h"
#include "ui/BudgetGuard.h"
#include "ui/Settings.h"
#include "ui/offers/OffersPanel.h"
#include "ui/runs/RunsPanel.h"

#include <QCheckBox>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace gantry;
using namespace gantry::ui;

namespace {

Offer gpuOffer(const QString &instance, double price, int gpuGb, int gpus = 1)
{
    Offer o;
    o.backend = QStringLiteral("aws");
    o.region = QStringLiteral("us-east-1");
    o.instanceName = instance;
    o.price = price;
    o.resources.cpus = 8;
    o.resources.memoryMib = 65536;
    for (int i = 0; i < gpus; ++i)
        o.resources.gpus << GpuInfo{QStringLiteral("GPU"), gpuGb * 1024, QStringLiteral("nvidia")};
    return o;
}

// A scripted backend whose runs a test sets, and which records stops.
class PricedBackend : public test::ScriptedBackend
{
public:
    using ScriptedBackend::ScriptedBackend;
    QList<RunInfo> runs() const override { return scriptedRuns; }
    void stop(const QString &name, bool abort) override
    {
        stopped << QStringLiteral("%1%2").arg(name, abort ? QStringLiteral(" (abort)") : QString());
    }
    QList<RunInfo> scriptedRuns;
    QStringList stopped;
};

Configuration parsed(const QByteArray &yaml)
{
    const ParseResult r = parseConfiguration(yaml, QStringLiteral("cost.dstack.yml"));
    return r.configuration.value_or(Configuration());
}

const QByteArray kEightHours = "type: service\nimage: x\nport: 8000\nmax_duration: 8h\ncommands:\n  - serve\n";

void setBudget(double perRun, double perDay, bool stop)
{
    Settings::instance().setValue(Settings::Key::BudgetPerRun, perRun);
    Settings::instance().setValue(Settings::Key::BudgetPerDay, perDay);
    Settings::instance().setValue(Settings::Key::StopAtBudget, stop);
}

} // namespace

class TestGuiCost : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("gantry-test"));
        QCoreApplication::setApplicationName(QStringLiteral("test_gui_cost"));
    }
    void cleanup() { setBudget(0, 0, false); }

    void deployOverBudgetAsksFirst()
    {
        PricedBackend aws(QStringLiteral("aws"), {gpuOffer(QStringLiteral("g5.xlarge"), 2.0, 24)});
        OffersPanel panel;
        panel.resize(1000, 600);
        panel.show();
        panel.setBackends({&aws});
        panel.setConfiguration(parsed(kEightHours));
        QSignalSpy planned(&panel, &OffersPanel::planFinished);
        panel.plan();
        QVERIFY(planned.wait(5000));
        panel.table()->selectRow(0);
        QCOMPARE(panel.costText(), QStringLiteral("Cost: $2/h · $48/day · at most $16 (max_duration 8h)"));

        // Within budget: no question.
        setBudget(20, 0, false);
        QSignalSpy deployed(&panel, &OffersPanel::deployed);
        panel.deploySelected();
        QVERIFY(!panel.budgetQuestion());
        QVERIFY(deployed.wait(5000));
        QCOMPARE(aws.applied.size(), 1);

        // $16 for 8 hours is over a $10 run budget: it asks, and Cancel deploys nothing.
        setBudget(10, 0, false);
        panel.deploySelected();
        QMessageBox *question = panel.budgetQuestion();
        QVERIFY(question);
        QVERIFY2(question->text().contains(
                     QStringLiteral("with max_duration 8h it may cost $16, over the per-run budget of $10")),
                 qPrintable(question->text()));
        question->button(QMessageBox::Cancel)->click();
        QTRY_VERIFY(!panel.budgetQuestion());
        QCOMPARE(aws.applied.size(), 1);

        // "Deploy anyway" deploys.
        panel.deploySelected();
        question = panel.budgetQuestion();
        QVERIFY(question);
        QAbstractButton *anyway = nullptr;
        for (QAbstractButton *b : question->buttons())
            if (b->text() == QLatin1String("Deploy anyway"))
                anyway = b;
        QVERIFY(anyway);
        anyway->click();
        QVERIFY(deployed.wait(5000));
        QCOMPARE(aws.applied.size(), 2);
    }

    void runPastItsBudgetIsStoppedWhenTheOptionIsOn()
    {
        PricedBackend aws(QStringLiteral("aws"), {});
        RunInfo run;
        run.name = QStringLiteral("pricey-run-1");
        run.backend = QStringLiteral("aws");
        run.status = RunStatus::Running;
        run.price = 4.0;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        run.submittedAt = now.addSecs(-2 * 3600); // $8 so far
        aws.scriptedRuns = {run};

        BudgetGuard guard;
        guard.setBackends({&aws});
        QSignalSpy events(&guard, &BudgetGuard::budgetEvent);
        QSignalSpy stopped(&guard, &BudgetGuard::runStopped);

        setBudget(10, 0, true);
        guard.check(now); // $8 of $10: 80%, told, not stopped
        QCOMPARE(events.size(), 1);
        QCOMPARE(events[0][0].toString(), QStringLiteral("Budget at 80%"));
        QVERIFY(aws.stopped.isEmpty());
        QCOMPARE(guard.spentToday() > 0, true);

        guard.check(now.addSecs(3600)); // $12: stopped
        QCOMPARE(events.size(), 2);
        QCOMPARE(events[1][1].toString(),
                 QStringLiteral("pricey-run-1 has cost $12, its budget of $10: stopped at the budget"));
        QVERIFY(events[1][2].toBool());
        QCOMPARE(aws.stopped, QStringList{QStringLiteral("pricey-run-1")});
        QCOMPARE(stopped.size(), 1);

        // The run's timeline says why it stopped (as the main window wires it).
        RunsPanel runsPanel;
        runsPanel.setBackends({&aws});
        runsPanel.refreshNow();
        runsPanel.selectRun(QStringLiteral("pricey-run-1"));
        runsPanel.addTimelineNote(QStringLiteral("pricey-run-1"),
                                  {now, QStringLiteral("budget"), stopped[0][1].toString()});
        // Never shown: no widgets yet; the selection and the note wait for them.
        QVERIFY(!runsPanel.isBuilt());
        QCOMPARE(runsPanel.selectedRun(), QStringLiteral("pricey-run-1"));
        QVERIFY2(runsPanel.timelineText().contains(
                     QStringLiteral("budget: pricey-run-1 has cost $12, its budget of $10: stopped at the budget")),
                 qPrintable(runsPanel.timelineText().join(QLatin1Char('\n'))));
        QVERIFY(runsPanel.isBuilt());
        QCOMPARE(runsPanel.table()->selectionModel()->selectedRows().value(0).data(RunsModel::RunNameRole).toString(),
                 QStringLiteral("pricey-run-1"));

        // With the option off, the same run is only told about.
        BudgetGuard telling;
        telling.setBackends({&aws});
        setBudget(10, 0, false);
        aws.stopped.clear();
        QSignalSpy told(&telling, &BudgetGuard::budgetEvent);
        telling.check(now.addSecs(3600));
        QCOMPARE(told.size(), 1);
        QVERIFY(aws.stopped.isEmpty());
    }

    // A backend's runsChanged makes the guard look again at once (not at its 30 s timer): the
    // status bar's spend follows a run that starts.
    void spendFollowsTheBackendsAtOnce()
    {
        PricedBackend aws(QStringLiteral("aws"), {});
        BudgetGuard guard;
        guard.setBackends({&aws});
        guard.setBackends({&aws}); // again, as when another backend is added: still one connection
        QSignalSpy spend(&guard, &BudgetGuard::spentTodayChanged);
        RunInfo run;
        run.name = QStringLiteral("new-run-1");
        run.backend = QStringLiteral("aws");
        run.status = RunStatus::Running;
        run.price = 3600.0; // a dollar a second: spend is visible at once
        run.submittedAt = QDateTime::currentDateTimeUtc().addSecs(-10);
        aws.scriptedRuns = {run};
        Q_EMIT aws.runsChanged();
        QCOMPARE(spend.size(), 1);
        QVERIFY(spend[0][0].toDouble() > 0);
    }

    void runsListSortsByCost()
    {
        PricedBackend aws(QStringLiteral("aws"), {});
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const auto make = [&](const QString &name, double price, int hoursAgo) {
            RunInfo r;
            r.name = name;
            r.backend = QStringLiteral("aws");
            r.status = RunStatus::Running;
            r.price = price;
            r.submittedAt = now.addSecs(-hoursAgo * 3600);
            return r;
        };
        // Newest first by default: cheap (1 h at $1), dear (3 h at $5), middle (5 h at $2).
        aws.scriptedRuns = {make(QStringLiteral("cheap"), 1, 1), make(QStringLiteral("dear"), 5, 3),
                            make(QStringLiteral("middle"), 2, 5)};
        RunsPanel panel;
        panel.resize(900, 500);
        panel.show();
        panel.setBackends({&aws});
        panel.refreshNow();
        const auto order = [&] {
            QStringList names;
            for (int r = 0; r < panel.model()->rowCount(); ++r)
                names << panel.model()->runAt(r).name;
            return names;
        };
        QCOMPARE(order(), (QStringList{QStringLiteral("cheap"), QStringLiteral("dear"), QStringLiteral("middle")}));
        panel.selectRun(QStringLiteral("middle"));
        QHeaderView *header = panel.table()->horizontalHeader();
        const QPoint cost(header->sectionViewportPosition(RunsModel::Cost) + 5, 5);
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, cost); // dearest first: $15, $10, $1
        QCOMPARE(order(), (QStringList{QStringLiteral("dear"), QStringLiteral("middle"), QStringLiteral("cheap")}));
        QCOMPARE(panel.selectedRun(), QStringLiteral("middle")); // the selection follows its run
        panel.refreshNow(); // a refresh keeps the order
        QCOMPARE(order(), (QStringList{QStringLiteral("dear"), QStringLiteral("middle"), QStringLiteral("cheap")}));
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, cost);
        QCOMPARE(order(), (QStringList{QStringLiteral("cheap"), QStringLiteral("middle"), QStringLiteral("dear")}));
    }

    void offersTooSmallForTheModelAreMarkedAndHidden()
    {
        PricedBackend aws(QStringLiteral("aws"),
                          {gpuOffer(QStringLiteral("g4dn"), 0.5, 16), gpuOffer(QStringLiteral("g5"), 1.0, 24),
                           gpuOffer(QStringLiteral("2xT4"), 0.9, 16, 2)});
        OffersPanel panel;
        panel.resize(1000, 600);
        panel.show();
        panel.setBackends({&aws});
        // Mistral-7B in fp16 with 8k tokens: about 16.6 GB.
        panel.setConfiguration(
            parsed("type: service\nimage: vllm/vllm-openai\nport: 8000\nresources:\n  gpu: 16GB..\ncommands:\n"
                   "  - vllm serve mistralai/Mistral-7B-Instruct-v0.2 --max-model-len 8192 --served-model-name "
                   "m\nmodel: m\n"));
        QVERIFY(!panel.hideTooSmallBox()->isHidden());
        QSignalSpy planned(&panel, &OffersPanel::planFinished);
        panel.plan();
        QVERIFY(planned.wait(5000));
        QCOMPARE(panel.model()->rowCount(), 3);
        QStringList fits, marked;
        for (int r = 0; r < 3; ++r) {
            const QModelIndex i = panel.model()->index(r, OffersModel::Resources);
            (i.data(OffersModel::FitsModelRole).toBool() ? fits : marked) << panel.model()->offerAt(r).instanceName;
            QCOMPARE(i.data().toString().startsWith(QStringLiteral("⚠ ")),
                     !i.data(OffersModel::FitsModelRole).toBool());
        }
        fits.sort();
        QCOMPARE(fits, (QStringList{QStringLiteral("2xT4"), QStringLiteral("g5")})); // two 16 GB GPUs hold it together
        QCOMPARE(marked, QStringList{QStringLiteral("g4dn")});
        panel.hideTooSmallBox()->setChecked(true);
        QCOMPARE(panel.model()->rowCount(), 2);
        panel.hideTooSmallBox()->setChecked(false);
        QCOMPARE(panel.model()->rowCount(), 3);
    }
};

QTEST_MAIN(TestGuiCost)
#include "test_gui_cost.moc"
