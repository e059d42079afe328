// The no-fleet path in the GUI, offscreen, against the dstack-shaped fake (a new project: no
// fleet): Plan → the offers carry the note "deploying needs a fleet" → Create a fleet writes
// fleet.dstack.yml (nodes 0..1, the run's resources) and opens it → Apply in the confirmation
// → back on the run's file, Plan again → offers from the fleet, no note. Then the offers
// grouped by GPU, and the Fleets tab: the fleet listed, deleted after a confirmation that names
// it. Every request body was judged by dstack's own schemas.

#include "tests/support/DstackOracle.h"
#include "tests/support/FakeDstackServer.h"
#include "tests/support/TestEnvironment.h"
#include "ui/MainWindow.h"

#include "core/backends/dstack/DstackBackend.h"
#include "core/models/FleetsModel.h"
#include "core/models/GpuGroupsModel.h"
#include "core/models/OffersModel.h"
#include "ui/editor/EditorPanel.h"
#include "ui/offers/FleetApplier.h"
#include "ui/offers/FleetNote.h"
#include "ui/offers/OffersPanel.h"
#include "ui/runs/FleetsPanel.h"

#include <QCheckBox>
#include <QFile>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QTreeView>

using namespace gantry;
using namespace gantry::ui;
using gantry::test::FakeDstackServer;

class TestGuiFleets : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void noFleetToOffers()
    {
        GANTRY_REQUIRE_ORACLE(python);
        Q_UNUSED(python);
        const QString dir = test::freshDir(QStringLiteral("gui-fleets"));
        QDir().mkpath(dir + QStringLiteral("/server"));
        FakeDstackServer server(dir + QStringLiteral("/server"));
        QString error;
        QVERIFY2(server.start(&error, {QStringLiteral("--no-fleets")}), qPrintable(error));
        server.hook(QStringLiteral("timing"),
                    {{"provisioning_after", 0.2}, {"running_after", 0.4}, {"ready_after", 0.6}, {"stop_after", 0.2}});

        const QString project = dir + QStringLiteral("/project");
        QDir().mkpath(project);
        QFile serve(project + QStringLiteral("/serve.dstack.yml"));
        QVERIFY(serve.open(QIODevice::WriteOnly));
        serve.write("type: service\nname: serve\ncommands:\n  - llama-server --port 8000\nport: 8000\nmodel: tiny\n"
                    "spot_policy: auto\nresources:\n  gpu: 24GB..\n");
        serve.close();

        DstackBackend backend(DstackProject{QStringLiteral("main"), server.url(), FakeDstackServer::token(), true});
        MainWindow window({&backend});
        window.resize(1200, 800);
        window.show();
        QVERIFY(window.openProject(project));
        OffersPanel *offers = window.offers();
        auto runReady = [&] {
            const ParseResult &r = window.editor()->parseResult();
            return window.editor()->filePath().endsWith(QLatin1String("serve.dstack.yml")) && r.valid() &&
                   !r.configuration->isFleet();
        };
        QTRY_VERIFY_WITH_TIMEOUT(runReady(), 10000);

        // Plan: the cloud's offers, and the note.
        window.showTab(MainWindow::OffersTab);
        QSignalSpy planned(offers, &OffersPanel::planFinished);
        offers->plan();
        QVERIFY(planned.wait(20000));
        QVERIFY(offers->model()->rowCount() > 0);
        QVERIFY2(offers->footerText().startsWith(QLatin1String("Shown")), qPrintable(offers->footerText()));
        QVERIFY(offers->fleetNote()->isVisible());
        QVERIFY2(offers->fleetNote()->text().contains(QLatin1String("Deploying needs a fleet")),
                 qPrintable(offers->fleetNote()->text()));
        // Deploying is refused in words, before anything is sent.
        offers->table()->selectRow(0);
        offers->deploySelected();
        QVERIFY(offers->messageText().contains(QLatin1String("Deploying needs a fleet")));

        // Group by GPU: one row per GPU.
        offers->groupByGpuBox()->setChecked(true);
        QVERIFY(offers->groupTable()->isVisible());
        QVERIFY(offers->groupsModel()->rowCount() > 0);
        QVERIFY(offers->groupsModel()->rowCount() < offers->model()->rowCount());
        offers->groupByGpuBox()->setChecked(false);

        // Create a fleet: the file is written and opened, the plan is shown for confirmation.
        QTest::mouseClick(offers->fleetNote()->createButton(), Qt::LeftButton);
        const QString fleetFile = project + QStringLiteral("/fleet.dstack.yml");
        QVERIFY(QFile::exists(fleetFile));
        QCOMPARE(window.editor()->filePath(), fleetFile);
        QFile written(fleetFile);
        QVERIFY(written.open(QIODevice::ReadOnly));
        const QByteArray text = written.readAll();
        QVERIFY2(text.contains("nodes: 0..1") && text.contains("gpu: \"24GB..:1..\"") &&
                     text.contains("spot_policy: auto"),
                 text.constData());
        QTRY_VERIFY_WITH_TIMEOUT(offers->fleetApplier()->confirmation() != nullptr, 20000);
        QMessageBox *confirm = offers->fleetApplier()->confirmation();
        QVERIFY2(confirm->text().contains(QLatin1String("serve-fleet")), qPrintable(confirm->text()));
        QVERIFY(confirm->informativeText().contains(QLatin1String("0..1")));
        QSignalSpy applied(offers, &OffersPanel::fleetApplied);
        QPushButton *apply = nullptr;
        for (QAbstractButton *b : confirm->buttons())
            if (b->text() == QLatin1String("Apply"))
                apply = qobject_cast<QPushButton *>(b);
        QVERIFY(apply);
        apply->click();
        QVERIFY2(applied.wait(20000), qPrintable(offers->messageText()));
        QCOMPARE(applied.first().at(0).toString(), QStringLiteral("serve-fleet"));

        // Back on the run's file: Plan again, and the offers now come from the fleet.
        QTRY_VERIFY_WITH_TIMEOUT(runReady(), 10000);
        window.showTab(MainWindow::OffersTab);
        planned.clear();
        offers->plan();
        QVERIFY(planned.wait(20000));
        QVERIFY(offers->model()->rowCount() > 0);
        QVERIFY(!offers->fleetNote()->isVisible());
        QVERIFY(
            !server.lastRequest(QStringLiteral("/api/project/main/runs/get_plan"))["body"].contains("for_offers_only"));

        // The Fleets tab lists it; deleting asks first, naming the fleet.
        window.showTab(MainWindow::FleetsTab);
        FleetsPanel *fleets = window.fleets();
        QTRY_COMPARE_WITH_TIMEOUT(fleets->model()->fleetCount(), 1, 10000);
        QCOMPARE(fleets->model()->data(fleets->model()->index(0, FleetsModel::Name)).toString(),
                 QStringLiteral("serve-fleet"));
        fleets->tree()->selectionModel()->select(fleets->model()->index(0, 0),
                                                 QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        fleets->deleteSelected();
        QVERIFY(fleets->deleteQuestion());
        QVERIFY(fleets->deleteQuestion()->windowTitle().contains(QLatin1String("serve-fleet")));
        for (QAbstractButton *b : fleets->deleteQuestion()->buttons())
            if (b->text() == QLatin1String("Delete"))
                b->click();
        QTRY_COMPARE_WITH_TIMEOUT(fleets->model()->fleetCount(), 0, 15000);

        QStringList judged;
        const QStringList problems = server.refusedOrUnjudged(&judged);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
        for (const char *endpoint :
             {"runs/get_plan", "fleets/get_plan", "fleets/apply", "fleets/list", "fleets/delete"})
            QVERIFY2(judged.contains(QLatin1String(endpoint)), endpoint);
    }
};

QTEST_MAIN(TestGuiFleets)
#include "test_gui_fleets.moc"
