// One-click fixes in the editor, offscreen: the margin marks fixable lines, Ctrl+. and the
// problems list's Fix button offer the remedies, a fix clears its warning, and undo restores
// the file byte for byte, one step per fix.

#include "tests/support/TestEnvironment.h"
#include "ui/editor/EditorPanel.h"
#include "ui/editor/YamlEditor.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QVBoxLayout>

using namespace gantry;
using namespace gantry::ui;
using namespace gantry::test;

namespace {

// A copy of a seed file, opened in a fresh panel.
QString seedCopy(const QString &name, const QString &dirName)
{
    const QString path = QDir(freshDir(dirName)).filePath(name);
    QFile::copy(dataPath(QStringLiteral("config/seed/") + name), path);
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
    return path;
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

int rowWithCode(const EditorPanel &panel, const QString &code)
{
    const Diagnostics &ds = panel.parseResult().diagnostics;
    for (qsizetype i = 0; i < ds.size(); ++i) {
        if (ds[i].code == code)
            return int(i);
    }
    return -1;
}

QStringList actionTitles(const QMenu *menu)
{
    QStringList titles;
    for (const QAction *a : menu->actions())
        titles << a->text();
    return titles;
}

} // namespace

class TestGuiFixes : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("gantry-test"));
        QCoreApplication::setApplicationName(QStringLiteral("test_gui_fixes"));
    }

    void ctrlDotFixesAndUndoRestores()
    {
        const QString path = seedCopy(QStringLiteral("vllm.serve.dstack.yml"), QStringLiteral("ctrl-dot"));
        const QByteArray original = readFile(path);
        EditorPanel panel;
        QVERIFY(panel.openFile(path));
        panel.show();
        panel.reparseNow();
        YamlEditor *editor = panel.editor();
        QVERIFY(editor->hasFixMarker(12));
        QVERIFY(!editor->hasFixMarker(11));
        QCOMPARE(editor->text().toUtf8(), original);

        editor->goTo(12, 60);
        QTest::keyClick(editor, Qt::Key_Period, Qt::ControlModifier);
        auto *menu = editor->findChild<QMenu *>();
        QVERIFY(menu);
        QCOMPARE(actionTitles(menu),
                 (QStringList{QStringLiteral("Use $MODEL_ID"),
                              QStringLiteral("Add MODEL to env (its value then comes from your environment at deploy)"),
                              QStringLiteral("Add --served-model-name mistral-7b-it")}));
        menu->actions().first()->trigger();
        panel.reparseNow();
        QVERIFY(editor->text().contains(QStringLiteral("--model $MODEL_ID --port")));
        QCOMPARE(rowWithCode(panel, QStringLiteral("undefined-variable")), -1);
        QVERIFY(rowWithCode(panel, QStringLiteral("served-model-argument")) >= 0);

        // The second fix, through Ctrl+. again: now the file is clean.
        editor->goTo(12, 60);
        QTest::keyClick(editor, Qt::Key_Period, Qt::ControlModifier);
        menu = editor->findChild<QMenu *>();
        QVERIFY(menu);
        QCOMPARE(actionTitles(menu),
                 (QStringList{QStringLiteral("Add --served-model-name mistral-7b-it"),
                              QStringLiteral("Set model.name to mistralai/Mistral-7B-Instruct-v0.2")}));
        menu->actions().first()->trigger();
        panel.reparseNow();
        QVERIFY2(panel.parseResult().diagnostics.isEmpty(),
                 qPrintable(panel.parseResult().diagnostics.value(0).toString()));
        QVERIFY(!editor->hasFixMarker(12));

        // Each undo takes back one whole fix.
        editor->undo();
        QVERIFY(editor->text().contains(QStringLiteral("--model $MODEL_ID --port")));
        editor->undo();
        QCOMPARE(editor->text().toUtf8(), original);
        QVERIFY(panel.save());
        QCOMPARE(readFile(path), original);
    }

    // In the main window Ctrl+. is Stop Run; in the editor it must offer fixes, not stop a run.
    void ctrlDotInTheEditorIsNotTheWindowShortcut()
    {
        const QString path = seedCopy(QStringLiteral("tgi.serve.dstack.yml"), QStringLiteral("shortcut"));
        QWidget window;
        auto *layout = new QVBoxLayout(&window);
        auto *panel = new EditorPanel(&window);
        auto *other = new QLineEdit(&window);
        layout->addWidget(panel);
        layout->addWidget(other);
        QAction stopRun(&window);
        stopRun.setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
        window.addAction(&stopRun);
        QSignalSpy stops(&stopRun, &QAction::triggered);
        window.show();
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        QVERIFY(panel->openFile(path));
        panel->reparseNow();

        other->setFocus();
        QTest::keyClick(other, Qt::Key_Period, Qt::ControlModifier);
        QCOMPARE(stops.size(), 1); // elsewhere the window's shortcut works

        panel->editor()->goTo(11, 39);
        QTest::keyClick(panel->editor(), Qt::Key_Period, Qt::ControlModifier);
        QCOMPARE(stops.size(), 1);
        auto *menu = panel->editor()->findChild<QMenu *>();
        QVERIFY(menu);
        QCOMPARE(actionTitles(menu), QStringList{QStringLiteral("Listen on port 8000, as `port` says")});
    }

    void problemsListFixButton()
    {
        const QString path = seedCopy(QStringLiteral("tgi.serve.dstack.yml"), QStringLiteral("button"));
        const QByteArray original = readFile(path);
        EditorPanel panel;
        QVERIFY(panel.openFile(path));
        panel.show();
        panel.reparseNow();
        const int row = rowWithCode(panel, QStringLiteral("port-mismatch"));
        QVERIFY(row >= 0);
        QVERIFY(!panel.fixButton()->isEnabled());
        panel.problems()->setCurrentRow(row);
        QVERIFY(panel.fixButton()->isEnabled());
        QTest::mouseClick(panel.fixButton(), Qt::LeftButton); // one fix: applied at once
        QVERIFY(panel.parseResult().diagnostics.isEmpty());
        QVERIFY(panel.editor()->text().contains(QStringLiteral("--port 8000 --trust-remote-code")));
        QVERIFY(panel.isModified());
        panel.editor()->undo();
        QCOMPARE(panel.editor()->text().toUtf8(), original);
    }

    void fixButtonOffersAMenuForSeveralFixes()
    {
        const QString path = QDir(freshDir(QStringLiteral("menu"))).filePath(QStringLiteral("both.dstack.yml"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        const QByteArray original =
            "type: service\npython: \"3.11\"\nimage: ghcr.io/x/y:1\nport: 8000\ncommands:\n  - serve\n";
        f.write(original);
        f.close();
        EditorPanel panel;
        QVERIFY(panel.openFile(path));
        panel.show();
        panel.reparseNow();
        QVERIFY(panel.editor()->hasFixMarker(2));
        panel.problems()->setCurrentRow(0);
        QTest::mouseClick(panel.fixButton(), Qt::LeftButton);
        auto *menu = panel.findChild<QMenu *>();
        QVERIFY(menu);
        QCOMPARE(menu->actions().size(), 2);
        menu->actions().at(1)->trigger(); // remove image
        QVERIFY2(panel.parseResult().valid(), qPrintable(panel.parseResult().diagnostics.value(0).toString()));
        QCOMPARE(panel.editor()->text().toUtf8(),
                 QByteArray("type: service\npython: \"3.11\"\nport: 8000\ncommands:\n  - serve\n"));
        panel.editor()->undo();
        QCOMPARE(panel.editor()->text().toUtf8(), original);
    }
};

QTEST_MAIN(TestGuiFixes)
#include "test_gui_fixes.moc"
