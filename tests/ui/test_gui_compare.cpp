// Chat → Compare, offscreen: two endpoints (one priced run, one manual) answer one prompt in
// two columns with their metrics and cost, kept as one comparison and exported as Markdown.

#include "tests/support/ScriptedHttpServer.h"

#include "core/chat/ConversationStore.h"
#include "ui/chat/ChatPanel.h"
#include "ui/chat/CompareDialog.h"

#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace gantry;
using namespace gantry::ui;
using namespace gantry::test;

class TestGuiCompare : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("gantry-test"));
        QCoreApplication::setApplicationName(QStringLiteral("test_gui_compare"));
    }

    void twoColumnsStoredAndExported()
    {
        ScriptedHttpServer a, b;
        QVERIFY(a.listen());
        QVERIFY(b.listen());
        a.expect("/v1/chat/completions", ScriptedResponse::eventStream()
                                             .sse(contentChunk("Alpha"))
                                             .pause(50)
                                             .sse(contentChunk(" one"))
                                             .sse("[DONE]")
                                             .end());
        b.expect("/v1/chat/completions", ScriptedResponse::eventStream().sse(contentChunk("Beta")).sse("[DONE]").end());

        ChatPanel panel;
        RunInfo run;
        run.name = QStringLiteral("priced-run");
        run.status = RunStatus::Running;
        run.ready = true;
        run.price = 3.6;
        run.model = ModelEndpoint{a.baseUrl(), QStringLiteral("model-a"), QStringLiteral("openai"), false};
        panel.setRunEndpoints({run});
        panel.addManualEndpoint(b.baseUrl(), QStringLiteral("model-b"), QString());
        const QList<CompareTarget> targets = panel.compareTargets();
        QCOMPARE(targets.size(), 2);
        QCOMPARE(targets[0].pricePerHour, 3.6);

        CompareDialog *dialog = panel.openCompare();
        QVERIFY(dialog);
        QVERIFY(!dialog->compareButton()->isEnabled());
        dialog->endpointList()->item(0)->setCheckState(Qt::Checked);
        dialog->endpointList()->item(1)->setCheckState(Qt::Checked);
        dialog->prompt()->setPlainText(QStringLiteral("Which is it?"));
        QVERIFY(dialog->compareButton()->isEnabled());
        QSignalSpy finished(dialog, &CompareDialog::comparisonFinished);
        QTest::mouseClick(dialog->compareButton(), Qt::LeftButton);
        QVERIFY(finished.wait(20000));
        QVERIFY2(finished[0][0].toLongLong() > 0, qPrintable(dialog->errorText()));
        QCOMPARE(dialog->columnCount(), 2);
        QCOMPARE(dialog->columnText(0), QStringLiteral("Alpha one"));
        QCOMPARE(dialog->columnText(1), QStringLiteral("Beta"));
        QVERIFY2(dialog->columnMetrics(0).contains(QStringLiteral("· $")), qPrintable(dialog->columnMetrics(0)));
        QVERIFY2(dialog->columnMetrics(1).endsWith(QStringLiteral("free")), qPrintable(dialog->columnMetrics(1)));
        QVERIFY(dialog->exportButton()->isEnabled());
        const QString md = dialog->markdown();
        QVERIFY2(md.startsWith(QStringLiteral("# Comparison: Which is it?\n")), qPrintable(md));
        QVERIFY(md.contains(QStringLiteral("\n## model-b")));
        QVERIFY(md.contains(QStringLiteral("Alpha one\n")));
        // Each column is also an ordinary conversation in the chat list.
        QVERIFY(panel.store()->conversations().size() >= 2);
        dialog->close();
    }
};

QTEST_MAIN(TestGuiCompare)
#include "test_gui_compare.moc"
