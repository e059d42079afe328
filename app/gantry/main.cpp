// gantry: the desktop app. Thin: parse arguments, build the main window, run.

#include "MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("gantry"));
    QApplication::setOrganizationName(QStringLiteral("gantry"));
    QApplication::setApplicationDisplayName(QStringLiteral("Gantry"));
    QApplication::setApplicationVersion(QStringLiteral(GANTRY_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("io.gantry.Gantry"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Deploy an LLM as a service and chat with it."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("project"), QStringLiteral("Project folder to open."));
    parser.process(app);

    gantry::ui::MainWindow window;
    if (!parser.positionalArguments().isEmpty())
        window.openProject(parser.positionalArguments().constFirst());
    window.show();
    return app.exec();
}
