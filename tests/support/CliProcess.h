#pragma once

// Runs gantry-cli as a user does, as a separate process, and collects what it printed.
// The one copy of this for every suite that drives the CLI.

#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

namespace gantry::test {

struct CliResult {
    int exitCode = -1; // -1 when it timed out or crashed
    QProcess::ExitStatus status = QProcess::CrashExit;
    QString out;
    QString err; // ends with "timed out" when it did
    nlohmann::json json() const; // stdout as JSON (discarded on a parse error)
};

struct CliOptions {
    QString workingDir; // empty: this process's
    int timeoutMs = 60000;
    qint64 addressSpaceMb = 0; // > 0: run under that RLIMIT_AS (like `ulimit -v`)
    bool discardOutput = false; // stdout to /dev/null (huge outputs)
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
};

CliResult runCli(const QStringList &args, const CliOptions &options = {});

} // namespace gantry::test
