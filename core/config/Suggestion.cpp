#include "core/config/Suggestion.h"

#include <QVarLengthArray>

#include <algorithm>
#include <cstdlib>
#include <limits>

namespace gantry {

namespace {

// Optimal string alignment over already case-folded text: insertions, deletions, substitutions
// and swaps of two neighbours ("ulr" → "url") each cost 1. Three rows are enough. Returns
// `limit + 1` as soon as a whole row is above `limit`: a row's smallest cell never shrinks
// further down (a swap's cell is the row two above plus one, and the row above is at most that).
int foldedDistance(QStringView a, QStringView b, int limit)
{
    const qsizetype n = b.size();
    // Three rows in one buffer; the pointers rotate, the rows are never copied.
    QVarLengthArray<int, 3 * 72> rows(3 * (n + 1));
    int *before = rows.data(), *previous = before + n + 1, *current = previous + n + 1;
    for (qsizetype j = 0; j <= n; ++j)
        previous[j] = int(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        current[0] = int(i);
        int currentMin = current[0];
        const QChar ca = a[i - 1];
        for (qsizetype j = 1; j <= n; ++j) {
            const QChar cb = b[j - 1];
            int d = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca == cb ? 0 : 1)});
            if (i > 1 && j > 1 && ca == b[j - 2] && a[i - 2] == cb)
                d = std::min(d, before[j - 2] + 1);
            current[j] = d;
            currentMin = std::min(currentMin, d);
        }
        if (currentMin > limit)
            return limit + 1;
        std::swap(before, previous); // before ← previous, previous ← current, current ← free row
        std::swap(previous, current);
    }
    return std::min(previous[n], limit + 1);
}

} // namespace

int editDistance(const QString &a, const QString &b)
{
    return foldedDistance(a.toCaseFolded(), b.toCaseFolded(), std::numeric_limits<int>::max() - 1);
}

QString closestMatch(const QString &word, const QStringList &candidates)
{
    // Nobody mistypes a 65-character key: longer words get no suggestion, so a hostile file full
    // of huge keys costs a scan, not an edit distance per key and candidate (O(n·m) each).
    constexpr qsizetype kLongestTypo = 64;
    if (word.size() > kLongestTypo)
        return {};
    const QString folded = word.toCaseFolded();
    QString best;
    int bestScore = 1 << 30;
    for (const QString &c : candidates) {
        const qsizetype longer = std::max(word.size(), c.size());
        const int limit = std::max(1, int(longer / 3));
        const bool related = word.size() >= 3 && c.size() >= 3 &&
                             (c.contains(word, Qt::CaseInsensitive) || word.contains(c, Qt::CaseInsensitive));
        // The edit distance is at least the difference in length: skip what cannot be close.
        if (!related && std::abs(word.size() - c.size()) > limit)
            continue;
        const int score = related ? (word.compare(c, Qt::CaseInsensitive) == 0 ? 0 : 1)
                                  : foldedDistance(folded, c.toCaseFolded(), limit);
        if (score > limit && !related)
            continue;
        if (score < bestScore) {
            bestScore = score;
            best = c;
        }
    }
    return best;
}

QString didYouMean(const QString &word, const QStringList &candidates)
{
    const QString match = closestMatch(word, candidates);
    return match.isEmpty() ? QString() : QStringLiteral("; did you mean '%1'?").arg(match);
}

} // namespace gantry
