#pragma once

#include "core/common/TextEdit.h"

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
    QString code; // which check found it, for those with remedies ("port-mismatch"); else empty
    QList<Fix> fixes; // remedies, the preferred first; empty when none is clear (ConfigFixes)

    // "file:line:col: error: message", the format compilers and editors understand.
    QString toString() const;
    QString severityName() const
    {
        return severity == Severity::Error ? QStringLiteral("error") : QStringLiteral("warning");
    }

    // The same problem at the same place, whichever remedies are offered for it.
    friend bool operator==(const Diagnostic &a, const Diagnostic &b)
    {
        return a.file == b.file && a.line == b.line && a.column == b.column && a.severity == b.severity &&
               a.message == b.message;
    }
};

using Diagnostics = QList<Diagnostic>;

bool hasErrors(const Diagnostics &diagnostics);

} // namespace gantry
