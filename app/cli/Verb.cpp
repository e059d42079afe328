#include "app/cli/Verb.h"

#include <QTextStream>

#include <algorithm>

namespace gantry::cli {

namespace {

QString optionSyntax(const QCommandLineOption &option)
{
    QStringList spellings;
    for (const QString &name : option.names())
        spellings << (name.size() == 1 ? QStringLiteral("-") : QStringLiteral("--")) + name;
    QString text = spellings.join(QStringLiteral(", "));
    if (!option.valueName().isEmpty())
        text += QLatin1Char(' ') + option.valueName();
    return text;
}

QString positionalSyntax(const Positional &p)
{
    QString text = p.name;
    if (p.repeatable)
        text += QStringLiteral("…");
    return p.optional ? QStringLiteral("[%1]").arg(text) : text;
}

bool isHidden(const QCommandLineOption &option)
{
    return option.flags().testFlag(QCommandLineOption::HiddenFromHelp);
}

// Qt says "Unknown option 'frobnicate'."; name it as the user typed it.
QString parseError(const QCommandLineParser &parser, const QStringList &args)
{
    const QStringList unknown = parser.unknownOptionNames();
    if (unknown.isEmpty()) {
        QString text = parser.errorText();
        if (text.endsWith(QLatin1Char('.')))
            text.chop(1);
        return text.isEmpty() ? text : text.left(1).toLower() + text.mid(1);
    }
    for (const QString &arg : args) {
        const QString bare = arg.section(QLatin1Char('='), 0, 0);
        if (bare == QStringLiteral("--") + unknown.first() || bare == QStringLiteral("-") + unknown.first())
            return QStringLiteral("unknown option '%1'").arg(bare);
    }
    return QStringLiteral("unknown option '%1'").arg(unknown.first());
}

} // namespace

QString usageLine(const VerbDeclaration &verb)
{
    QStringList parts{QStringLiteral("usage: gantry-cli"), verb.name};
    if (std::any_of(verb.options.cbegin(), verb.options.cend(),
                    [](const QCommandLineOption &o) { return !isHidden(o); }))
        parts << QStringLiteral("[options]");
    for (const Positional &p : verb.positionals)
        parts << positionalSyntax(p);
    return parts.join(QLatin1Char(' '));
}

QString helpText(const VerbDeclaration &verb)
{
    QList<QPair<QString, QString>> rows;
    for (const Positional &p : verb.positionals)
        rows.append({p.name, p.description});
    for (const QCommandLineOption &option : verb.options) {
        if (!isHidden(option))
            rows.append({optionSyntax(option), option.description()});
    }
    rows.append({QStringLiteral("-h, --help"), QStringLiteral("this help")});
    qsizetype width = 0;
    for (const auto &[syntax, description] : rows)
        width = std::max(width, syntax.size());
    QString text;
    QTextStream out(&text);
    out << usageLine(verb) << "\n\n" << verb.summary << "\n\n";
    for (const auto &[syntax, description] : rows) {
        // Descriptions may hold line breaks: indent the continuation under the first line.
        QString indented = description;
        indented.replace(QLatin1Char('\n'), QLatin1Char('\n') + QString(width + 4, QLatin1Char(' ')));
        out << "  " << syntax.leftJustified(width) << "  " << indented << '\n';
    }
    if (!verb.notes.isEmpty())
        out << '\n' << verb.notes << '\n';
    return text;
}

int usageError(const VerbDeclaration &verb, const QString &message)
{
    QTextStream(stderr) << "gantry-cli " << verb.name << ": " << message << '\n'
                        << usageLine(verb) << "\n(gantry-cli " << verb.name << " --help tells more)\n";
    return 2;
}

int runVerb(const Verb &verb, const QStringList &args)
{
    const VerbDeclaration &d = verb.declaration;
    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsCompactedShortOptions);
    const QCommandLineOption help(QStringList{QStringLiteral("h"), QStringLiteral("help")});
    parser.addOption(help);
    parser.addOptions(d.options);
    if (!parser.parse(QStringList{QStringLiteral("gantry-cli")} + args))
        return usageError(d, parseError(parser, args));
    if (parser.isSet(help)) {
        QTextStream(stdout) << helpText(d);
        return 0;
    }
    qsizetype least = 0, most = 0;
    for (const Positional &p : d.positionals) {
        least += p.optional ? 0 : 1;
        most = p.repeatable || most < 0 ? -1 : most + 1;
    }
    const qsizetype given = parser.positionalArguments().size();
    if (given < least) {
        QStringList missing;
        for (const Positional &p : d.positionals)
            if (!p.optional)
                missing << p.name;
        return usageError(d, QStringLiteral("%1 needed").arg(missing.join(QStringLiteral(" and "))));
    }
    if (most >= 0 && given > most)
        return usageError(d, QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().at(most)));
    return verb.run(parser);
}

} // namespace gantry::cli
