#pragma once

#include <QList>
#include <QString>

namespace gantry {

enum class Severity { Error, Warning };

// One problem a user can act on, anchored to a place in a file.
// Lines and columns are 1-based; 0 means "unknown" (e.g. a file that cannot be read).
struct Diagnostic {
    QString file;
    int line = 0;
    int column = 0;
    Severity severity = Severity::Error;
    QString message;

    // "file:line:col: error: message", the format compilers and editors understand.
    QString toString() const;
    QString severityName() const { return severity == Severity::Error ? QStringLiteral("error") : QStringLiteral("warning"); }

    friend bool operator==(const Diagnostic &, const Diagnostic &) = default;
};

using Diagnostics = QList<Diagnostic>;

bool hasErrors(const Diagnostics &diagnostics);

} // namespace gantry
