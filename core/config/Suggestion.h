#pragma once

// "Did you mean …?" for misspelt keys, enum values and variable names.

#include <QString>
#include <QStringList>

namespace gantry {

// Edit distance counting a swap of neighbours as one edit, case-insensitive (a key typed in
// the wrong case is still a typo).
int editDistance(const QString &a, const QString &b);

// The candidate closest to `word`, or an empty string when none is plausibly what was meant
// (distance above a third of the longer word, at least 1). A candidate that starts with, or
// is contained in, `word` (or the other way round) counts as close: `$MODEL` → `MODEL_ID`.
// Words longer than 64 characters get none (no one mistypes a key that long).
QString closestMatch(const QString &word, const QStringList &candidates);

// "; did you mean 'port'?" or "" — ready to append to a message.
QString didYouMean(const QString &word, const QStringList &candidates);

} // namespace gantry
