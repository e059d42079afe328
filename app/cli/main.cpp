// gantry-cli: Gantry's core, headless — dstack's verbs against the local or dstack backend.

#include "app/cli/Verbs.h"

#include <QCoreApplication>
#include <QTextStream>

using namespace gantry::cli;

namespace {

QList<Verb> verbs()
{
    return {chatVerb(), validateVerb(), versionVerb(), offerVerb(), applyVerb(),    psVerb(),
            logsVerb(), eventVerb(),    stopVerb(),    fleetVerb(), keychainVerb(), superviseVerb()};
}

void usage(QTextStream &out, const QList<Verb> &all)
{
    out << "usage: gantry-cli <command> [options]\n\ncommands:\n";
    for (const Verb &v : all)
        out << "  " << v.declaration.name.leftJustified(10) << v.declaration.summary << '\n';
    out << "\nRun 'gantry-cli <command> --help' for a command's options.\n";
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    // The GUI's names: the same settings (saved servers) and state folders.
    QCoreApplication::setApplicationName(QStringLiteral("gantry"));
    QCoreApplication::setOrganizationName(QStringLiteral("gantry"));
    QCoreApplication::setApplicationVersion(QStringLiteral(GANTRY_VERSION));

    QStringList args = QCoreApplication::arguments().mid(1);
    const QList<Verb> all = verbs();
    QTextStream err(stderr);
    if (args.isEmpty()) {
        usage(err, all);
        return 2;
    }
    const QString name = args.takeFirst();
    if (name == QLatin1String("--version"))
        return versionVerb().run(QCommandLineParser());
    if (name == QLatin1String("--help") || name == QLatin1String("-h")) {
        QTextStream out(stdout);
        usage(out, all);
        return 0;
    }
    for (const Verb &v : all) {
        if (v.declaration.name == name)
            return runVerb(v, args);
    }
    err << "gantry-cli: unknown command '" << name << "'\n";
    usage(err, all);
    return 2;
}
