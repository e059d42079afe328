// gantry-cli validate [-f FILE] [DIR] [--json]: check a configuration the way dstack would,
// plus Gantry's lints. Exit 0 without errors (warnings allowed), 1 with errors, 2 on misuse.

#include "CliCommand.h"

#include "config/ConfigParser.h"

#include <QDir>
#include <QTextStream>

namespace gantry::cli {

namespace {

const char *const kUsage =
    "usage: gantry-cli validate [-f FILE] [DIR] [--json]\n"
    "  -f, --file FILE  the configuration to check (default: DIR/.dstack.yml, then DIR/*.dstack.yml)\n"
    "  DIR              where to look for a configuration (default: .)\n"
    "  --json           print {\"valid\", \"diagnostics\", \"configuration\"} instead of one line per problem\n";

int usageError(const QString &message)
{
    QTextStream err(stderr);
    err << "gantry-cli validate: " << message << '\n' << kUsage;
    return 2;
}

nlohmann::json toJson(const Diagnostic &d)
{
    return {{"file", d.file.toStdString()}, {"line", d.line}, {"column", d.column},
            {"severity", d.severityName().toStdString()}, {"message", d.message.toStdString()}};
}

} // namespace

int validateCommand(const QStringList &args)
{
    QString file, dir;
    bool json = false;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == QLatin1String("-h") || a == QLatin1String("--help")) {
            QTextStream(stdout) << kUsage;
            return 0;
        }
        if (a == QLatin1String("--json")) {
            json = true;
        } else if (a == QLatin1String("-f") || a == QLatin1String("--file")) {
            if (i + 1 >= args.size())
                return usageError(QStringLiteral("%1 needs a file name").arg(a));
            file = args[++i];
        } else if (a.startsWith(QLatin1String("--file="))) {
            file = a.mid(7);
        } else if (a.startsWith(QLatin1Char('-')) && a != QLatin1String("-")) {
            return usageError(QStringLiteral("unknown option '%1'").arg(a));
        } else if (dir.isEmpty()) {
            dir = a;
        } else {
            return usageError(QStringLiteral("unexpected argument '%1' (one DIR at most)").arg(a));
        }
    }
    if (file.isEmpty()) {
        const QString where = dir.isEmpty() ? QStringLiteral(".") : dir;
        if (!QDir(where).exists())
            return usageError(QStringLiteral("no such directory: %1").arg(where));
        file = findConfiguration(where);
        if (file.isEmpty())
            return usageError(QStringLiteral("no configuration found in %1 (looked for .dstack.yml, .dstack.yaml, *.dstack.yml); "
                                             "name one with -f FILE")
                                  .arg(QDir::toNativeSeparators(where)));
    } else if (!dir.isEmpty()) {
        file = QDir(dir).filePath(file);
    }

    const ParseResult result = loadConfiguration(file);
    const bool valid = result.valid();
    QTextStream out(stdout);
    if (json) {
        nlohmann::json diagnostics = nlohmann::json::array();
        for (const Diagnostic &d : result.diagnostics)
            diagnostics.push_back(toJson(d));
        const nlohmann::json doc = {{"valid", valid},
                                    {"diagnostics", diagnostics},
                                    {"configuration", valid ? result.configuration->canonical : nlohmann::json(nullptr)}};
        out << QString::fromStdString(doc.dump(2)) << '\n';
    } else {
        for (const Diagnostic &d : result.diagnostics)
            out << d.toString() << '\n';
        if (valid && result.diagnostics.isEmpty())
            out << file << ": valid " << result.configuration->typeName << " configuration\n";
    }
    return hasErrors(result.diagnostics) || !result.configuration ? 1 : 0;
}

} // namespace gantry::cli
