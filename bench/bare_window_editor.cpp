// The floor under issue 14's two open rows: the bare window (bare_window.cpp) doing only what the
// project's chosen libraries must do for gantry's first frame and its idle second. It shows the
// words of gantry's menus, tabs, sidebar and status bar in a QLabel, and the project's
// configuration in a QsciScintilla set up as gantry's editor is (its face, the YAML lexer, line
// numbers, markers and folding: ui/editor/YamlEditor.cpp). After the first paint it reads the
// newest conversation from GANTRY_HOME/chat.sqlite through QtSql, as the idle second of
// `gantry --startup-probe` does. No gantry code, no other widget. Timed beside gantry by
// bench/scripts/start-wall and bench_gui (`editor_ms`, `editor_rss_MB`): what is left between it
// and gantry is what gantry itself adds. Takes gantry's arguments: [--startup-probe] DIR.

#include "app/common/StartupProbe.h"
#include "bench/common/FirstFrameText.h"

#include <Qsci/qscilexeryaml.h>
#include <Qsci/qsciscintilla.h>

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QMainWindow>
#include <QSqlDatabase>
#include <QSqlQuery>

#include <cstdio>

namespace {

// The newest conversation's messages, read as the chat view reads them (one query, every row).
int readNewestConversation()
{
    const QString path = QDir(qEnvironmentVariable("GANTRY_HOME")).filePath(QStringLiteral("chat.sqlite"));
    if (!QFile::exists(path))
        return 0;
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("chat"));
    db.setDatabaseName(path);
    if (!db.open())
        return 0;
    QSqlQuery query(db);
    query.exec(QStringLiteral("SELECT id, parent, role, content FROM messages WHERE conversation = "
                              "(SELECT id FROM conversations ORDER BY updated DESC LIMIT 1) ORDER BY id"));
    int rows = 0;
    while (query.next())
        rows += query.value(3).toString().isEmpty() ? 0 : 1;
    return rows;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QMainWindow window;
    auto *editor = new QsciScintilla;
    const QFont mono = gantry::bench::editorFont();
    auto *lexer = new QsciLexerYAML(editor);
    lexer->setDefaultFont(mono);
    lexer->setFont(mono);
    editor->setLexer(lexer);
    editor->setUtf8(true);
    editor->SendScintilla(QsciScintillaBase::SCI_SETSCROLLWIDTH, 1);
    editor->SendScintilla(QsciScintillaBase::SCI_SETSCROLLWIDTHTRACKING, 1);
    editor->setMarginType(0, QsciScintilla::NumberMargin);
    editor->setMarginLineNumbers(0, true);
    editor->setMarginsFont(mono);
    editor->setMarginWidth(0, QStringLiteral("0000"));
    editor->setMarginType(1, QsciScintilla::SymbolMargin);
    editor->setMarginWidth(1, 16);
    editor->setFolding(QsciScintilla::BoxedTreeFoldStyle, 2);
    editor->setText(QString::fromUtf8(gantry::bench::firstConfiguration(gantry::bench::projectArgument())));
    gantry::bench::firstFrameLayout(&window)->addWidget(editor, 1);
    // The rows read, so that a run shows the chat was read (start-wall and bench_gui skip the line).
    new gantry::app::StartupProbe(&window, [] { std::printf("chat-rows %d\n", readNewestConversation()); });
    window.show();
    return app.exec();
}
