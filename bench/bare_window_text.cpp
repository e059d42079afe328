// The bare window (bare_window.cpp) drawing the text of gantry's first frame: the project's
// configuration with line numbers in the editor's fixed-pitch face, and the words of the menus,
// tabs, sidebar and status bar in the window's face, in two QLabels. Gantry's first frame draws
// ~270 glyphs (each hinted and rasterized once per face and sub-pixel position); the bare
// window's "Gantry" draws 6. Timed beside both by bench/scripts/start-wall, it says how much of
// gantry's start is the text itself and how much the widgets and libraries that show it
// (bench/RESULTS.md, "Start, tenth round"). Takes gantry's arguments: [--startup-probe] DIR.

#include "app/common/StartupProbe.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFontDatabase>
#include <QLabel>
#include <QMainWindow>
#include <QVBoxLayout>

namespace {

// DIR's first *.dstack.yml, numbered as the editor numbers it.
QString numberedConfiguration(const QString &dir)
{
    const QStringList files = QDir(dir).entryList({QStringLiteral("*.dstack.yml")}, QDir::Files, QDir::Name);
    QFile file(QDir(dir).filePath(files.value(0)));
    if (files.isEmpty() || !file.open(QIODevice::ReadOnly))
        return {};
    QString text;
    int line = 0;
    for (const QByteArray &bytes : file.readAll().split('\n'))
        text += QString::number(++line).rightJustified(4) + QStringLiteral("  ") + QString::fromUtf8(bytes) +
                QLatin1Char('\n');
    return text;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    const QStringList arguments = QApplication::arguments();
    const QString project =
        arguments.size() > 1 && !arguments.last().startsWith(QLatin1Char('-')) ? arguments.last() : QStringLiteral(".");
    QMainWindow window;
    auto *central = new QWidget(&window);
    auto *layout = new QVBoxLayout(central);
    layout->addWidget(new QLabel(QStringLiteral("File Run View Configurations serve.dstack.yml Runs Editor Offers "
                                                "Runs Chat Fleets\nserve.dstack.yml ✓ valid service Save Fix Backend: "
                                                "This machine (vm) ● ready 0 active run(s) · $0/h today $0"),
                                 central));
    auto *code = new QLabel(numberedConfiguration(project), central);
    QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    fixed.setPointSize(10); // the editor's (ui/editor/YamlEditor.cpp)
    code->setFont(fixed);
    layout->addWidget(code, 1);
    window.setCentralWidget(central);
    window.resize(1280, 820);
    new gantry::app::StartupProbe(&window);
    window.show();
    return app.exec();
}
