// gantry-cli validate: checks a configuration the way dstack would, plus Gantry's lints;
// --fix applies their remedies (ConfigFixes) and prints the change as a unified diff.

#include "app/cli/Verbs.h"

#include "app/cli/CliSupport.h"

#include "core/common/StatePaths.h"
#include "core/common/UnifiedDiff.h"
#include "core/config/ConfigFixes.h"
#include "core/config/ConfigParser.h"

#include <QDir>
#include <QFile>
#include <QTextStream>

namespace gantry::cli {

namespace {

const QCommandLineOption kFix(
    QStringLiteral("fix"),
    QStringLiteral("apply the preferred fix of each problem that has one, print the unified diff,\n"
                   "then what is left"));
const QCommandLineOption kDryRun(QStringLiteral("dry-run"),
                                 QStringLiteral("with --fix: print the diff, leave the file as it is"));
const QCommandLineOption kJson(
    QStringLiteral("json"),
    QStringLiteral("print {\"valid\", \"diagnostics\", \"configuration\"} instead of one line per problem"));

nlohmann::json toJson(const Diagnostic &d)
{
    nlohmann::json j = {{"file", d.file.toStdString()},
                        {"line", d.line},
                        {"column", d.column},
                        {"severity", d.severityName().toStdString()},
                        {"message", d.message.toStdString()}};
    if (!d.code.isEmpty())
        j["code"] = d.code.toStdString();
    if (!d.fixes.isEmpty()) {
        nlohmann::json fixes = nlohmann::json::array();
        for (const Fix &f : d.fixes) {
            nlohmann::json edits = nlohmann::json::array();
            for (const TextEdit &e : f.edits)
                edits.push_back({{"line", e.line},
                                 {"column", e.column},
                                 {"end_line", e.endLine},
                                 {"end_column", e.endColumn},
                                 {"new_text", e.newText.toStdString()}});
            fixes.push_back({{"title", f.title.toStdString()}, {"edits", edits}});
        }
        j["fixes"] = fixes;
    }
    return j;
}

int runValidate(const QCommandLineParser &arguments)
{
    const bool json = arguments.isSet(kJson), fix = arguments.isSet(kFix), dryRun = arguments.isSet(kDryRun);
    if (dryRun && !fix)
        return usageError(validateVerb().declaration, QStringLiteral("--dry-run goes with --fix"));
    QString problem;
    const auto path = configurationPath(ConfigurationChoice::from(arguments), &problem);
    if (!path)
        return usageError(validateVerb().declaration, problem);
    const QString file = *path;

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
            if (QString error; !writeFileAtomically(file, text, &error)) {
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

} // namespace

Verb validateVerb()
{
    return {{QStringLiteral("validate"),
             QStringLiteral("check a configuration (dstack's rules plus Gantry's lints)"),
             {fileOption(), kJson, kFix, kDryRun},
             {directoryPositional()},
             QStringLiteral("Exit 0 without errors (warnings allowed), 1 with errors, 2 on misuse; with --fix, of the "
                            "file as fixed.")},
            runValidate};
}

} // namespace gantry::cli
