#include "core/config/Suggestion.h"

#include <algorithm>
#include <cstdlib>
#include <vector>

namespace gantry {

int editDistance(const QString &a, const QString &b)
{
    // Optimal string alignment: insertions, deletions, substitutions and swaps of two
    // neighbours ("ulr" → "url") each cost 1. Three rows are enough.
    const qsizetype n = b.size();
    std::vector<int> before(size_t(n) + 1), previous(size_t(n) + 1), current(size_t(n) + 1);
    for (qsizetype j = 0; j <= n; ++j)
        previous[size_t(j)] = int(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        current[0] = int(i);
        const QChar ca = a[i - 1].toCaseFolded();
        for (qsizetype j = 1; j <= n; ++j) {
            const QChar cb = b[j - 1].toCaseFolded();
            int d = std::min(
                {previous[size_t(j)] + 1, current[size_t(j - 1)] + 1, previous[size_t(j - 1)] + (ca == cb ? 0 : 1)});
            if (i > 1 && j > 1 && ca == b[j - 2].toCaseFolded() && a[i - 2].toCaseFolded() == cb)
                d = std::min(d, before[size_t(j - 2)] + 1);
            current[size_t(j)] = d;
        }
        std::swap(before, previous);
        std::swap(previous, current);
    }
    return previous[size_t(n)];
}

QString closestMatch(const QString &word, const QStringList &candidates)
{
    // Nobody mistypes a 65-character key: longer words get no suggestion, so a hostile file full
    // of huge keys costs a scan, not an edit distance per key and candidate (O(n·m) each).
    constexpr qsizetype kLongestTypo = 64;
    if (word.size() > kLongestTypo)
        return {};
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
        const int score = related ? (word.compare(c, Qt::CaseInsensitive) == 0 ? 0 : 1) : editDistance(word, c);
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
