// gantry-cli validate [-f FILE] [DIR] [--json] [--fix [--dry-run]]: check a configuration the
// way dstack would, plus Gantry's lints; --fix applies their remedies (ConfigFixes) and prints
// the change as a unified diff. Exit 0 without errors (warnings allowed), 1 with errors, 2 on
// misuse; with --fix, of the file as fixed.

#include "CliCommand.h"

#include "common/StatePaths.h"
#include "common/UnifiedDiff.h"
#include "config/ConfigFixes.h"
#include "config/ConfigParser.h"

#include <QFile>

#include <QDir>
#include <QTextStream>

namespace gantry::cli {

namespace {

const char *const kUsage =
    "usage: gantry-cli validate [-f FILE] [DIR] [--json] [--fix [--dry-run]]\n"
    "  -f, --file FILE  the configuration to check (default: DIR/.dstack.yml, then DIR/*.dstack.yml)\n"
    "  DIR              where to look for a configuration (default: .)\n"
    "  --json           print {\"valid\", \"diagnostics\", \"configuration\"} instead of one line per problem\n"
    "  --fix            apply the preferred fix of each problem that has one, print the unified diff,\n"
    "                   then what is left\n"
    "  --dry-run        with --fix: print the diff, leave the file as it is\n";

int usageError(const QString &message)
{
    QTextStream err(stderr);
    err << "gantry-cli validate: " << message << '\n' << kUsage;
    return 2;
}

nlohmann::json toJson(const Diagnostic &d)
{
    nlohmann::json j = {{"file", d.file.toStdString()}, {"line", d.line}, {"column", d.column},
                        {"severity", d.severityName().toStdString()}, {"message", d.message.toStdString()}};
    if (!d.code.isEmpty())
        j["code"] = d.code.toStdString();
    if (!d.fixes.isEmpty()) {
        nlohmann::json fixes = nlohmann::json::array();
        for (const Fix &f : d.fixes) {
            nlohmann::json edits = nlohmann::json::array();
            for (const TextEdit &e : f.edits)
                edits.push_back({{"line", e.line}, {"column", e.column}, {"end_line", e.endLine}, {"end_column", e.endColumn},
                                 {"new_text", e.newText.toStdString()}});
            fixes.push_back({{"title", f.title.toStdString()}, {"edits", edits}});
        }
        j["fixes"] = fixes;
    }
    return j;
}

} // namespace

int validateCommand(const QStringList &args)
{
    QString file, dir;
    bool json = false, fix = false, dryRun = false;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == QLatin1String("-h") || a == QLatin1String("--help")) {
            QTextStream(stdout) << kUsage;
            return 0;
        }
        if (a == QLatin1String("--json")) {
            json = true;
        } else if (a == QLatin1String("--fix")) {
            fix = true;
        } else if (a == QLatin1String("--dry-run")) {
            dryRun = true;
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

    if (dryRun && !fix)
        return usageError(QStringLiteral("--dry-run goes with --fix"));

    QByteArray diff;
    ParseResult result = loadConfiguration(file);
    if (fix && !result.diagnostics.isEmpty() && result.diagnostics.first().line > 0) {
        QFile in(file);
        const QByteArray before = in.open(QIODevice::ReadOnly) ? in.readAll() : QByteArray();
        QByteArray text = before;
        // A fix can reveal the next problem's remedy (or clash with another's edits): a few rounds.
        for (int round = 0; round < 4; ++round) {
            const QList<TextEdit> edits = preferredEdits(result.diagnostics);
            const auto next = edits.isEmpty() ? std::nullopt : applyEdits(text, edits);
            if (!next || *next == text)
                break;
            text = *next;
            result = parseConfiguration(text, file);
        }
        diff = unifiedDiff(before, text, QDir::fromNativeSeparators(file));
        if (!diff.isEmpty() && !dryRun) {
            const QString error = writeFileAtomically(file, text);
            if (!error.isEmpty()) {
                QTextStream(stderr) << "gantry-cli validate: cannot write the fixed file: " << error << '\n';
                return 1;
            }
        }
    }
    const bool valid = result.valid();
    QTextStream out(stdout);
    if (!json && fix) {
        out << diff;
        if (diff.isEmpty())
            out << "nothing to fix\n";
    }
    if (json) {
        nlohmann::json diagnostics = nlohmann::json::array();
        for (const Diagnostic &d : result.diagnostics)
            diagnostics.push_back(toJson(d));
        nlohmann::json doc = {{"valid", valid},
                                    {"diagnostics", diagnostics},
                                    {"configuration", valid ? result.configuration->canonical : nlohmann::json(nullptr)}};
        if (fix)
            doc["diff"] = diff.toStdString();
        out << QString::fromStdString(doc.dump(2)) << '\n';
    } else {
        for (const Diagnostic &d : result.diagnostics)
            out << d.toString() << '\n';
        if (fix && dryRun && !diff.isEmpty())
            out << "(dry run: " << file << " left as it is)\n";
        else if (valid && result.diagnostics.isEmpty())
            out << file << ": valid " << result.configuration->typeName << " configuration\n";
    }
    return hasErrors(result.diagnostics) || !result.configuration ? 1 : 0;
}

} // namespace gantry::cli
