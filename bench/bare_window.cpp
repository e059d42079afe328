// The limit for gantry's start: a bare Qt Widgets window (QMainWindow + QLabel), built by the
// same CMake with the same flags, measured by bench_gui the same way (`--startup-probe`).

#include "app/common/StartupProbe.h"

#include <QApplication>
#include <QLabel>
#include <QMainWindow>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QMainWindow window;
    window.setCentralWidget(new QLabel(QStringLiteral("Gantry"), &window));
    window.resize(1280, 820);
    new gantry::app::StartupProbe(&window);
    window.show();
    return app.exec();
}
