// The bare window (bare_window.cpp) drawing the text of gantry's first frame: the project's
// configuration with line numbers in the editor's fixed-pitch face, and the words of the menus,
// tabs, sidebar and status bar in the window's face, in two QLabels. Gantry's first frame draws
// ~270 glyphs (each hinted and rasterized once per face and sub-pixel position); the bare
// window's "Gantry" draws 6. Timed beside both by bench/scripts/start-wall, it says how much of
// gantry's start is the text itself and how much the widgets and libraries that show it
// (bench/RESULTS.md, "Start, tenth round"). Takes gantry's arguments: [--startup-probe] DIR.

#include "app/common/StartupProbe.h"
#include "bench/common/FirstFrameText.h"

#include <QApplication>
#include <QLabel>
#include <QMainWindow>

namespace {

// The project's configuration, numbered as the editor numbers it.
QString numberedConfiguration(const QString &dir)
{
    const QByteArray configuration = gantry::bench::firstConfiguration(dir);
    if (configuration.isEmpty())
        return {};
    QString text;
    int line = 0;
    for (const QByteArray &bytes : configuration.split('\n'))
        text += QString::number(++line).rightJustified(4) + QStringLiteral("  ") + QString::fromUtf8(bytes) +
                QLatin1Char('\n');
    return text;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QMainWindow window;
    auto *code = new QLabel(numberedConfiguration(gantry::bench::projectArgument()));
    code->setFont(gantry::bench::editorFont());
    gantry::bench::firstFrameLayout(&window)->addWidget(code, 1);
    new gantry::app::StartupProbe(&window);
    window.show();
    return app.exec();
}
