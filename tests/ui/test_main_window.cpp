// Drives the real main window the way a user does, on the real local backend and a real
// llama-server: open examples/local-tiny, break the YAML and see the diagnostic on the right
// line, fix it, Plan, sort by price, Deploy, wait for ready, chat "hello" from the run, and
// Stop the run. A second backend with scripted cloud offers makes the offers table a
// multi-offer one, so that sorting by price has an order to flip.

#include "core/backends/BackendFactory.h"
#include "core/chat/ChatSession.h"
#include "core/models/LogModel.h"
#include "core/models/MessageListModel.h"
#include "core/models/OffersModel.h"
#include "core/models/RunsModel.h"
#include "tests/support/LlamaServer.h"
#include "tests/support/ScriptedBackend.h"
#include "tests/support/TestEnvironment.h"
#include "ui/DeferredIconStyle.h"
#include "ui/MainWindow.h"
#include "ui/Settings.h"
#include "ui/chat/ChatInput.h"
#include "ui/chat/ChatPanel.h"
#include "ui/editor/EditorPanel.h"
#include "ui/editor/YamlEditor.h"
#include "ui/offers/OffersPanel.h"
#include "ui/runs/LogView.h"
#include "ui/runs/RunsPanel.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QHeaderView>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QProcess>
#include <QProxyStyle>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStyle>
#include <QStyleOptionFrame>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QToolButton>

using namespace gantry;
using namespace gantry::ui;

namespace {

Offer cloudOffer(const QString &instance, double price)
{
    Offer o;
    o.backend = QStringLiteral("aws");
    o.region = QStringLiteral("us-east-1");
    o.instanceName = instance;
    o.price = price;
    o.resources.cpus = 8;
    o.resources.memoryMib = 32768;
    o.resources.gpus.append({QStringLiteral("A10G"), 24576, QStringLiteral("nvidia")});
    return o;
}

// examples/local-tiny copied into a fresh folder, on a free port (8088 may be taken).
QString copyExample()
{
    const QString dir = test::freshDir(QStringLiteral("local-tiny"));
    QFile in(test::sourceDir() + QStringLiteral("/examples/local-tiny/serve.dstack.yml"));
    if (!in.open(QIODevice::ReadOnly))
        return {};
    QByteArray text = in.readAll();
    text.replace("8088", QByteArray::number(test::freePort()));
    QFile out(dir + QStringLiteral("/serve.dstack.yml"));
    if (!out.open(QIODevice::WriteOnly))
        return {};
    out.write(text);
    return dir;
}

// The window at the size the tests use, on screen.
bool showOnScreen(MainWindow &window)
{
    window.resize(1280, 820);
    window.show();
    return QTest::qWaitForWindowExposed(&window);
}

// The font files a process has open (FreeType maps each face it opened), from /proc/self/maps.
QStringList mappedFontFiles(const QByteArray &maps)
{
    QStringList fonts;
    for (const QByteArray &line : maps.split('\n')) {
        const qsizetype slash = line.indexOf('/');
        if (slash < 0)
            continue;
        const QByteArray path = line.mid(slash);
        const QByteArray lower = path.toLower();
        if (lower.endsWith(".ttf") || lower.endsWith(".otf") || lower.endsWith(".ttc") || lower.endsWith(".pfb"))
            fonts << QString::fromUtf8(path);
    }
    fonts.removeDuplicates();
    return fonts;
}

// What examples/local-tiny needs to deploy: LLAMA_SERVER and TINY_MODEL, set as ./scripts/run
// sets them. False, with *why, when llama-server or the tiny model is missing.
bool useTinyModel(QString *why)
{
    const QString server = test::llamaServerPath();
    const QString model = test::tinyModelPath(why);
    if (server.isEmpty() || model.isEmpty()) {
        *why = QStringLiteral("needs llama-server and the tiny model (scripts/setup): ") + *why;
        return false;
    }
    qputenv("LLAMA_SERVER", QFile::encodeName(server));
    qputenv("TINY_MODEL", QFile::encodeName(model));
    return true;
}

int lineOf(const QString &text, const QString &prefix)
{
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size(); ++i)
        if (lines[i].startsWith(prefix))
            return i;
    return -1;
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("gantry"));
        QCoreApplication::setApplicationName(QStringLiteral("gantry-test"));
        useDeferredIconStyle(); // as main() does
    }

    void startLoadsNoModuleItDoesNotShow(); // first: no test before it may have loaded one
    void deferredStandardIconsStillHaveTheirPixels();
    void editorShowsDiagnosticsAsYouType();
    void hostileConfigurationOpensAndListsItsFirstProblems();
    void userJourney();
    void readyRunFromAnEarlierSessionIsInThePicker();
    void projectIsRememberedOnceItsFirstFrameIsOnScreen();

    void cleanup()
    {
        if (m_local && !m_run.isEmpty())
            m_local->stop(m_run, true);
        m_run.clear();
    }

private:
    std::unique_ptr<Backend> m_local;
    QString m_run;
};

// A start on a local project, first frame and the work after it included, loads none of the
// libraries kept in Gantry's modules (lib/gantry): QtSql and SQLite (the chat history),
// QtCharts (the Metrics tab), qtkeychain and libsecret (a token), libarchive (a dstack `files:`
// archive). Nor QtSvg (the window icon is drawn in code: GantryIcon), nor, until the Chat tab,
// any image-format plugin (standard icons are decoded when drawn: DeferredIconStyle). The Chat
// tab then loads the chat store's module, and only that one.
void TestMainWindow::startLoadsNoModuleItDoesNotShow()
{
    Settings::instance().setValue(Settings::Key::RecentProjects, QStringList());
    Settings::instance().setValue(Settings::Key::CurrentTab, int(MainWindow::EditorTab)); // a first start's
    const QString project = copyExample();
    QVERIFY(!project.isEmpty());
    MainWindow window;
    window.resize(1280, 820);
    QVERIFY(window.openProject(project));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY(!Settings::instance().recentProjects().isEmpty()); // the after-first-paint work ran
    QVERIFY(!window.runs()->isBuilt()); // the Runs tab's widgets wait until it is shown
    const QByteArray firstMapped = test::memoryMap();
    QVERIFY(firstMapped.contains("/platforms/libq")); // plugins are seen: the offscreen platform's
    QVERIFY2(!firstMapped.contains("/imageformats/"), "an image-format plugin was loaded for the first frame");
    // Two faces: the text's and the editor's fixed-pitch one (no bold headings: ui/Look.h).
    const QStringList fonts = mappedFontFiles(firstMapped);
    QVERIFY2(!fonts.isEmpty() && fonts.size() <= 2, qPrintable(fonts.join(u", ")));
    for (const char *library :
         {"libQt6Sql", "libsqlite3", "libQt6Charts", "libqt6keychain", "libsecret", "libarchive", "libgantry_"})
        QVERIFY2(!firstMapped.contains(library), library);
    window.showTab(MainWindow::ChatTab);
    QTRY_VERIFY(window.chat()->isVisible());
    const QByteArray mapped = test::memoryMap();
    QVERIFY(mapped.contains("libQt6Widgets")); // the check reads the right file
    QVERIFY(mapped.contains("libgantry_sql.so")); // the chat's history
    for (const char *library : {"libQt6Charts", "libqt6keychain", "libsecret", "libarchive", "libgantry_network",
                                "libgantry_charts", "libgantry_keychain", "libgantry_archive", "libQt6Svg"})
        QVERIFY2(!mapped.contains(library), library);
}

namespace {

// Some pixel of the icon at 16×16 is not transparent.
bool hasPixels(const QIcon &icon)
{
    const QImage image = icon.pixmap(16, 16).toImage();
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            if (qAlpha(image.pixel(x, y)) > 0)
                return true;
    return false;
}

} // namespace

// Standard icons are decoded when first drawn (DeferredIconStyle), and then are the style's own:
// the menu bar's overflow button once the menus do not fit, a search field's clear button once
// something is typed.
void TestMainWindow::deferredStandardIconsStillHaveTheirPixels()
{
    MainWindow window;
    QVERIFY(showOnScreen(window));
    auto *overflow = window.menuBar()->findChild<QToolButton *>(QStringLiteral("qt_menubar_ext_button"));
    QVERIFY(overflow);
    QVERIFY(!overflow->isVisible()); // everything fits
    window.menuBar()->setFixedWidth(60);
    QTRY_VERIFY(overflow->isVisible());
    QVERIFY(hasPixels(overflow->icon()));
    QStyle *base = qobject_cast<QProxyStyle *>(QApplication::style())->baseStyle();
    QCOMPARE(overflow->icon().availableSizes(),
             base->standardIcon(QStyle::SP_ToolBarHorizontalExtensionButton).availableSizes());

    QLineEdit search;
    search.setClearButtonEnabled(true);
    search.show();
    QTest::keyClicks(&search, QStringLiteral("abc"));
    auto *clear = search.findChild<QAction *>(QStringLiteral("_q_qlineeditclearaction"));
    QVERIFY(clear);
    QVERIFY(hasPixels(clear->icon()));
    QStyleOptionFrame option;
    option.initFrom(&search);
    QCOMPARE(clear->icon().pixmap(16, 16).toImage(),
             base->standardIcon(QStyle::SP_LineEditClearButton, &option, &search).pixmap(16, 16).toImage());
}

// 60,000 unknown keys, then a command using 100,000 undefined names on one 800 KB line. The
// editor read that line again for each of its problems and listed every problem, on the GUI
// thread: the window froze for minutes. It is now parsed off the GUI thread, the first 1,000
// problems are listed and marked, and the last row says how many more there are.
void TestMainWindow::hostileConfigurationOpensAndListsItsFirstProblems()
{
    const QString dir = test::freshDir(QStringLiteral("hostile-editor"));
    QByteArray yaml = "type: task\n";
    for (int i = 0; i < 60000; ++i)
        yaml += "unknown_" + QByteArray::number(i) + ": 1\n";
    yaml += "commands:\n  - echo";
    for (int i = 0; i < 100000; ++i)
        yaml += " $U" + QByteArray::number(i);
    QFile out(dir + QStringLiteral("/serve.dstack.yml"));
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(yaml + "\n");
    out.close();
    MainWindow window;
    QVERIFY(showOnScreen(window));
    QVERIFY(window.openProject(dir));
    EditorPanel *editor = window.editor();
    // 60,000 unknown keys, the first 1,000 undefined uses and one line for the other 99,000.
    QTRY_VERIFY_WITH_TIMEOUT(editor->parseResult().diagnostics.size() == 61001, 60000);
    QCOMPARE(editor->problems()->count(), 1001);
    QCOMPARE(editor->problems()->item(1000)->text(), QStringLiteral("… and 60001 more: fix these first"));
    QVERIFY(editor->problems()->item(999)->text().startsWith(QStringLiteral("1001:1  unknown key 'unknown_999'")));
    QVERIFY(editor->editor()->markersAtLine(1000) != 0); // the thousandth problem's line is marked
    QCOMPARE(editor->editor()->markersAtLine(1001), 0); // the next is only counted
}

void TestMainWindow::editorShowsDiagnosticsAsYouType()
{
    const QString project = copyExample();
    QVERIFY(!project.isEmpty());
    MainWindow window;
    QVERIFY(showOnScreen(window));
    QVERIFY(window.openProject(project));
    EditorPanel *editor = window.editor();
    QCOMPARE(editor->filePath(), project + QStringLiteral("/serve.dstack.yml"));
    QTRY_VERIFY(editor->parseResult().valid());
    const int baseline = editor->problems()->count(); // warnings the example may carry

    // Type a letter after the port number: "port: 1234x" is not a port.
    YamlEditor *yaml = editor->editor();
    const int portLine = lineOf(yaml->text(), QStringLiteral("port:"));
    QVERIFY(portLine >= 0);
    yaml->setCursorPosition(portLine, int(yaml->text(portLine).trimmed().size()));
    yaml->setFocus();
    QTest::keyClick(yaml, Qt::Key_X);
    QVERIFY(yaml->text(portLine).contains(QLatin1Char('x')));
    QVERIFY(editor->isModified());
    QTRY_VERIFY_WITH_TIMEOUT(hasErrors(editor->parseResult().diagnostics), 5000); // after the 250 ms debounce
    Diagnostic d;
    for (const Diagnostic &each : editor->parseResult().diagnostics)
        if (each.severity == Severity::Error)
            d = each;
    QCOMPARE(d.line, portLine + 1);
    QVERIFY(yaml->hasIndicatorAt(d.line, std::max(1, d.column)));
    QVERIFY(!yaml->diagnosticText(portLine + 1).isEmpty());
    QCOMPARE(editor->problems()->count(), baseline + 1);
    QListWidgetItem *problem = nullptr;
    for (int i = 0; i < editor->problems()->count(); ++i)
        if (editor->problems()->item(i)->text().startsWith(QString::number(portLine + 1) + QLatin1Char(':')))
            problem = editor->problems()->item(i);
    QVERIFY(problem);

    // The problems list jumps to the spot.
    yaml->setCursorPosition(0, 0);
    QTest::mouseClick(editor->problems()->viewport(), Qt::LeftButton, {},
                      editor->problems()->visualItemRect(problem).center());
    int line = -1, index = -1;
    yaml->getCursorPosition(&line, &index);
    QCOMPARE(line, portLine);

    // Fix it: the diagnostic goes away; undo brings it back, redo fixes it again.
    yaml->setCursorPosition(portLine, int(yaml->text(portLine).trimmed().size()));
    QTest::keyClick(yaml, Qt::Key_Backspace);
    QTRY_COMPARE_WITH_TIMEOUT(editor->problems()->count(), baseline, 5000);
    QVERIFY(editor->parseResult().valid());

    // Completion offers the schema's keys at the cursor's path.
    const int modelLine = lineOf(yaml->text(), QStringLiteral("model:"));
    yaml->setCursorPosition(modelLine + 1, 2);
    QVERIFY(yaml->completionsAtCursor().contains(QStringLiteral("format")));

    // Save writes the file; no backup is left behind.
    QVERIFY(editor->save());
    QVERIFY(!editor->isModified());
    QVERIFY(!QFile::exists(EditorPanel::backupPathFor(editor->filePath())));

    // Unsaved text is backed up and offered back by the next window (after a crash).
    QTest::keyClick(yaml, Qt::Key_Home);
    QTest::keyClicks(yaml, QStringLiteral("# unsaved"));
    QTest::keyClick(yaml, Qt::Key_Return);
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(EditorPanel::backupPathFor(editor->filePath())), 10000);
    MainWindow second;
    second.openProject(project);
    QVERIFY(second.editor()->hasBackupOffer());
    second.editor()->restoreBackup();
    QVERIFY(second.editor()->editor()->text().contains(QStringLiteral("# unsaved")));
    QVERIFY(second.editor()->isModified());
    second.editor()->discardBackup();
}

// One long test on purpose: the README's journey as a user takes it (open, edit, plan, deploy,
// watch, chat, stop) on the real local backend, step after step; splitting it would hide the order.
void TestMainWindow::userJourney()
{
    QString error;
    if (!useTinyModel(&error))
        GANTRY_SKIP_OR_FAIL(error);
    const QString project = copyExample();
    QVERIFY(!project.isEmpty());

    m_local = createLocalBackend();
    test::ScriptedBackend cloud(QStringLiteral("aws"), {cloudOffer(QStringLiteral("g5.xlarge"), 1.006),
                                                        cloudOffer(QStringLiteral("g5.12xlarge"), 5.672)});
    MainWindow window({m_local.get(), &cloud});
    QVERIFY(showOnScreen(window));
    QVERIFY(window.openProject(project));
    QTRY_VERIFY(window.editor()->parseResult().valid());

    // Plan (Ctrl+P): both backends answer; the table has the local offer and the cloud ones.
    QTest::keyClick(&window, Qt::Key_P, Qt::ControlModifier);
    QCOMPARE(window.tabs()->currentIndex(), int(MainWindow::OffersTab));
    OffersPanel *offers = window.offers();
    QTRY_VERIFY_WITH_TIMEOUT(!offers->isPlanning(), 60000);
    OffersModel *table = offers->model();
    QCOMPARE(table->rowCount(), 3);
    int localRows = 0;
    for (int r = 0; r < table->rowCount(); ++r)
        localRows += table->offerAt(r).backend == QLatin1String("local");
    QCOMPARE(localRows, 1);

    // Sort by price (header clicks): the order flips.
    QHeaderView *header = offers->table()->horizontalHeader();
    const QPoint price(header->sectionViewportPosition(OffersModel::Price) + 8, header->height() / 2);
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, price);
    const QString firstInstance = table->offerAt(0).instanceName;
    const QString lastInstance = table->offerAt(2).instanceName;
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, price);
    QCOMPARE(table->offerAt(0).instanceName, lastInstance);
    QCOMPARE(table->offerAt(2).instanceName, firstInstance);
    QVERIFY(table->offerAt(0).price >= table->offerAt(2).price);

    // Select the local offer and Deploy.
    int localRow = -1;
    for (int r = 0; r < table->rowCount(); ++r)
        if (table->offerAt(r).backend == QLatin1String("local"))
            localRow = r;
    offers->table()->selectRow(localRow);
    QSignalSpy deployed(offers, &OffersPanel::deployed);
    QTest::mouseClick(offers->deployButton(), Qt::LeftButton);
    QVERIFY2(deployed.wait(60000) || !deployed.isEmpty(), qPrintable(offers->messageText()));
    m_run = deployed.first().at(0).toString();
    QVERIFY(!m_run.isEmpty());
    QCOMPARE(deployed.first().at(1).toString(), QStringLiteral("local"));
    QVERIFY(cloud.applied.isEmpty());
    QCOMPARE(window.tabs()->currentIndex(), int(MainWindow::RunsTab));

    // Wait for ready; the run monitor shows it, the banner says so, the log has lines.
    RunsPanel *runs = window.runs();
    QTRY_VERIFY_WITH_TIMEOUT(
        runs->model()->rowOfRun(m_run) >= 0 && runs->model()->runAt(runs->model()->rowOfRun(m_run)).ready, 120000);
    QCOMPARE(runs->selectedRun(), m_run);
    QTRY_VERIFY_WITH_TIMEOUT(window.bannerText().contains(m_run), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(runs->logView()->model()->rowCount() > 0, 20000);
    QVERIFY(runs->stopButton()->isEnabled());

    // Chat with this model: the Chat tab opens on the run's endpoint.
    QTRY_VERIFY(runs->chatButton()->isEnabled());
    QTest::mouseClick(runs->chatButton(), Qt::LeftButton);
    QCOMPARE(window.tabs()->currentIndex(), int(MainWindow::ChatTab));
    ChatPanel *chat = window.chat();
    QCOMPARE(chat->currentEndpoint().name, QStringLiteral("tiny"));
    chat->maxTokens()->setValue(16); // the tiny model never stops on its own
    QSignalSpy finished(chat->session(), &ChatSession::replyFinished);
    QSignalSpy deltas(chat->session(), &ChatSession::messageDelta);
    chat->input()->setFocus();
    QTest::keyClicks(chat->input(), QStringLiteral("hello"));
    QTest::keyClick(chat->input(), Qt::Key_Return);
    QVERIFY2(finished.wait(60000) || !finished.isEmpty(), qPrintable(chat->errorText()));
    QCOMPARE(finished.first().at(1).value<ReplyStatus>(), ReplyStatus::Complete);
    QVERIFY(!deltas.isEmpty()); // it streamed
    MessageListModel *messages = chat->messages();
    QTRY_COMPARE(messages->rowCount(), 2);
    QCOMPARE(messages->index(0).data(MessageListModel::ContentRole).toString(), QStringLiteral("hello"));
    QVERIFY(!messages->index(1).data(MessageListModel::ContentRole).toString().isEmpty());
    const QString metrics = messages->index(1).data(MessageListModel::MetricsTextRole).toString();
    QVERIFY2(metrics.contains(QStringLiteral("TTFT")) && metrics.contains(QStringLiteral("tok/s")),
             qPrintable(metrics));
    QVERIFY(chat->input()->toPlainText().isEmpty());

    // Stop the run from the monitor.
    window.showTab(MainWindow::RunsTab);
    runs->selectRun(m_run);
    QTest::mouseClick(runs->stopButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(isFinal(runs->model()->runAt(runs->model()->rowOfRun(m_run)).status), 60000);
    // The endpoint field says the run ended, not that it is still waiting to become ready;
    // the chat picker no longer offers it.
    QTRY_VERIFY(runs->endpointField()->placeholderText().contains(QLatin1String("ended")));
    QVERIFY(runs->endpointField()->text().isEmpty());
    QTRY_COMPARE(chat->endpointPicker()->findText(m_run, Qt::MatchContains), -1);
    m_run.clear();
}

// The GUI was closed (or killed) while a run stayed ready; at the next start the run is
// reattached and the chat picker offers it at once, before anyone visits the Runs tab.
void TestMainWindow::readyRunFromAnEarlierSessionIsInThePicker()
{
    QString error;
    if (!useTinyModel(&error))
        GANTRY_SKIP_OR_FAIL(error);
    const QString project = copyExample();
    QVERIFY(!project.isEmpty());

    // An earlier session deployed it: gantry-cli, as any other process would.
    QProcess apply;
    apply.setWorkingDirectory(project);
    apply.start(test::cliPath(), {QStringLiteral("apply"), QStringLiteral("-y"), QStringLiteral("--detach")});
    QVERIFY(apply.waitForFinished(60000));
    QVERIFY2(apply.exitCode() == 0, apply.readAllStandardError().constData());
    m_local = createLocalBackend();
    QTRY_VERIFY_WITH_TIMEOUT(!m_local->runs().isEmpty() && m_local->runs().constFirst().ready, 120000);
    m_run = m_local->runs().constFirst().name;

    // Now the GUI starts.
    MainWindow window({m_local.get()});
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    ChatPanel *chat = window.chat();
    QVERIFY2(chat->endpointPicker()->findText(m_run, Qt::MatchContains) >= 0,
             qPrintable(QStringLiteral("picker: ") + chat->endpointPicker()->currentText() + QStringLiteral(" / ") +
                        chat->endpointPicker()->placeholderText()));
    QCOMPARE(chat->currentEndpoint().name, QStringLiteral("tiny"));

    // And it answers.
    window.showTab(MainWindow::ChatTab);
    chat->maxTokens()->setValue(8);
    QSignalSpy finished(chat->session(), &ChatSession::replyFinished);
    chat->input()->setPlainText(QStringLiteral("hello"));
    chat->sendInput();
    QVERIFY2(finished.wait(60000) || !finished.isEmpty(), qPrintable(chat->errorText()));
    QCOMPARE(finished.first().at(1).value<ReplyStatus>(), ReplyStatus::Complete);
}

QTEST_MAIN(TestMainWindow)
// At start the project is remembered only after the first frame (writing the settings file
// syncs it to disk, on the GUI thread) and after it opened, never for a project that took the
// process down; a project opened later is remembered at once.
void TestMainWindow::projectIsRememberedOnceItsFirstFrameIsOnScreen()
{
    Settings &settings = Settings::instance();
    settings.setValue(Settings::Key::RecentProjects, QStringList());
    const QString project = copyExample();
    QVERIFY(!project.isEmpty());
    MainWindow window;
    window.resize(1280, 820);
    QVERIFY(window.openProject(project)); // as main() does: before the window is shown
    QVERIFY(settings.recentProjects().isEmpty());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_COMPARE(settings.recentProjects().value(0), QDir::cleanPath(project));

    const QString other = test::freshDir(QStringLiteral("second-project"));
    QVERIFY(QFile::copy(project + QStringLiteral("/serve.dstack.yml"), other + QStringLiteral("/serve.dstack.yml")));
    QVERIFY(window.openProject(other));
    QCOMPARE(settings.recentProjects(), QStringList({QDir::cleanPath(other), QDir::cleanPath(project)}));
}

#include "test_main_window.moc"
