#pragma once

// One declaration per gantry-cli verb (name, summary, options, positional arguments), from
// which its parsing, its --help and its usage errors all come, so the three cannot drift
// apart. A verb's run() gets the arguments already parsed and turns them into its own typed
// options once; nothing downstream sees the raw argument list.

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QList>
#include <QString>

namespace gantry::cli {

struct Positional {
    QString name; // as shown in usage: RUN, MESSAGE, DIR
    QString description;
    bool optional = false; // shown as [NAME]
    bool repeatable = false; // shown as NAME…; takes every remaining argument
};

struct VerbDeclaration {
    QString name;
    QString summary;
    QList<QCommandLineOption> options;
    QList<Positional> positionals;
    QString notes; // a closing paragraph of --help (modes, exit codes), may be empty
};

// A verb: its declaration and what runs it. Exit codes: 0 success, 1 failure (invalid
// configuration, failed run…), 2 usage error.
struct Verb {
    VerbDeclaration declaration;
    int (*run)(const QCommandLineParser &arguments);
};

// "usage: gantry-cli offer [-f FILE] [--json] … [DIR]"
QString usageLine(const VerbDeclaration &verb);
// The whole --help text: usage, summary, every option and positional with its description.
QString helpText(const VerbDeclaration &verb);

// Parses args (without the verb) by the declaration, then runs the verb. --help prints the
// help (exit 0); an unknown option, a missing value or a wrong number of positional
// arguments prints the problem and the usage line (exit 2).
int runVerb(const Verb &verb, const QStringList &args);

// A usage error found by the verb itself (a bad value): prints it with the usage line; 2.
int usageError(const VerbDeclaration &verb, const QString &message);

} // namespace gantry::cli
