// gantry: the desktop app. Thin: parse arguments, make the backends, build the main window, run.

#include "app/common/StartupProbe.h"
#include "app/gantry/ScreenshotTour.h"
#include "core/backends/BackendRegistry.h"
#include "core/secrets/KeychainCheck.h"
#include "core/secrets/TokenStore.h"
#include "ui/AfterFirstPaint.h"
#include "ui/DeferredIconStyle.h"
#include "ui/MainWindow.h"
#include "ui/Settings.h"
#include "ui/chat/ChatPanel.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFile>
#include <QTextStream>
#include <QTimer>

#include <memory>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("gantry"));
    QApplication::setOrganizationName(QStringLiteral("gantry"));
    QApplication::setApplicationDisplayName(QStringLiteral("Gantry"));
    QApplication::setApplicationVersion(QStringLiteral(GANTRY_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("io.gantry.Gantry"));
    gantry::ui::useDeferredIconStyle();

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Deploy an LLM as a service and chat with it."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("project"),
                                 QStringLiteral("Project folder (or configuration file) to open."));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QStringLiteral("Write a PNG of each panel (editor, offers, runs, chat) into DIR, then quit."),
        QStringLiteral("DIR"));
    const QCommandLineOption deploy(
        QStringLiteral("deploy"),
        QStringLiteral("With --screenshot: also deploy the first offer, chat with it, and stop it."));
    const QCommandLineOption startupProbe(
        QStringLiteral("startup-probe"),
        QStringLiteral(
            "Print the milliseconds to the first painted window and the idle memory, then quit (benchmarks)."));
    parser.addOption(screenshot);
    parser.addOption(deploy);
    parser.addOption(startupProbe);
    parser.process(app);

    // This machine and every dstack project the dstack CLI's ~/.dstack/config.yml names (so that
    // a dstack user is connected at first start). Every view works on all of them.
    gantry::BackendRegistry backends;
    backends.loadLocalAndDstackConfig();
    if (!backends.configError().isEmpty())
        qWarning("%s", qPrintable(backends.configError()));
    gantry::ui::MainWindow window;
    window.setRegistry(&backends);
    // The keychain is asked once the first frame is on screen: whether there is one (in a child
    // process, so that this one loads no keychain library unless a token is needed), and the
    // tokens of the dstack servers saved in Gantry.
    gantry::ui::afterFirstPaint(&window, [&window, &backends] {
        // Say at start, not only in the token dialogs, when there is no keychain: tokens typed in
        // this session then live in memory only.
        gantry::checkKeychain(&window, [&window](const QString &unavailable) {
            if (!unavailable.isEmpty())
                window.notify(QObject::tr("No keychain"), unavailable, true);
        });
        backends.loadSavedServers(new gantry::TokenStore(&window));
    });
    const QStringList args = parser.positionalArguments();
    if (!args.isEmpty())
        window.openProject(args.constFirst());
    else if (!parser.isSet(screenshot) && !parser.isSet(startupProbe)) {
        const QStringList recent = gantry::ui::Settings::instance().recentProjects();
        if (!recent.isEmpty())
            window.openProject(recent.constFirst());
    }
    if (parser.isSet(startupProbe)) {
        // "painted" at the first paint, then idle a second with the newest conversation open
        // and report memory (bench_gui, against the bare window of bench/bare_window.cpp).
        new gantry::app::StartupProbe(&window, [&window] { window.chat()->openConversation(0); });
    }
    window.show();

    std::unique_ptr<gantry::app::ScreenshotTour> tour;
    if (parser.isSet(screenshot)) {
        tour = std::make_unique<gantry::app::ScreenshotTour>(&window, parser.value(screenshot), parser.isSet(deploy));
        QObject::connect(tour.get(), &gantry::app::ScreenshotTour::finished, &app,
                         [](int code) { QApplication::exit(code); });
        tour->start();
    }
    return app.exec();
}