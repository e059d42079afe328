#pragma once

// A unified diff of two texts, line by line, as `diff -u` prints it (3 lines of context), so
// `gantry-cli validate --fix --dry-run` can show what a fix would change without an external
// tool. Texts are a few hundred lines: a longest-common-subsequence table is plenty.

#include <QByteArray>
#include <QString>

namespace gantry {

// Empty when the texts are equal. Headers "--- a/<path>" and "+++ b/<path>" for a relative
// path (git's style, for patch -p1), the path itself when absolute; a file that does
// not end with a newline gets "\ No newline at end of file", as diff does.
QByteArray unifiedDiff(const QByteArray &before, const QByteArray &after, const QString &path, int context = 3);

} // namespace gantry
