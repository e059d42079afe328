// gantry-cli: Gantry's core, headless — dstack's verbs against the local or dstack backend.

#include "ApplyCommand.h"
#include "CliCommand.h"
#include "EventCommand.h"
#include "FleetCommand.h"
#include "LogsCommand.h"
#include "OfferCommand.h"
#include "PsCommand.h"
#include "StopCommand.h"
#include "SuperviseCommand.h"

#include <QCoreApplication>
#include <QTextStream>

#include <array>
#include <cstring>

using namespace gantry::cli;

namespace {

constexpr std::array kCommands = {
    Command{"chat", "send a message to a run's model and stream the answer", chatCommand},
    Command{"validate", "check a configuration (dstack's rules plus Gantry's lints)", validateCommand},
    Command{"version", "print the version", [](const QStringList &) { QTextStream(stdout) << "gantry-cli " << GANTRY_VERSION << '\n'; return 0; }},
    Command{"offer", "show the offers for a configuration", runOffer},
    Command{"apply", "plan, confirm and run a configuration", runApply},
    Command{"ps", "list runs", runPs},
    Command{"logs", "print a run's log (--diagnose: its provisioning log)", runLogs},
    Command{"event", "print a run's events (provisioning steps, status changes)", runEvent},
    Command{"stop", "stop a run", runStop},
    Command{"fleet", "list a dstack project's fleets; fleet delete NAME [-i N]", runFleet},
    Command{"supervise", "(internal) own a local run", runSupervise},
};

int usage(QTextStream &out)
{
    out << "usage: gantry-cli <command> [options]\n\ncommands:\n";
    for (const Command &c : kCommands)
        out << "  " << QString::fromLatin1(c.name).leftJustified(10) << c.summary << '\n';
    out << "\nRun 'gantry-cli <command> --help' for a command's options.\n";
    return 2;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("gantry"));
    QCoreApplication::setApplicationVersion(QStringLiteral(GANTRY_VERSION));

    QStringList args = QCoreApplication::arguments().mid(1);
    QTextStream err(stderr);
    if (args.isEmpty())
        return usage(err);
    const QString verb = args.takeFirst();
    if (verb == QLatin1String("--version")) {
        QTextStream(stdout) << "gantry-cli " << GANTRY_VERSION << '\n';
        return 0;
    }
    if (verb == QLatin1String("--help") || verb == QLatin1String("-h")) {
        QTextStream out(stdout);
        usage(out);
        return 0;
    }
    for (const Command &c : kCommands) {
        if (verb == QLatin1String(c.name))
            return c.run(args);
    }
    err << "gantry-cli: unknown command '" << verb << "'\n";
    return usage(err);
}
