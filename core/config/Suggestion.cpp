#include "config/Suggestion.h"

#include <algorithm>
#include <vector>

namespace gantry {

int editDistance(const QString &a, const QString &b)
{
    const qsizetype n = b.size();
    std::vector<int> row(size_t(n) + 1);
    for (qsizetype j = 0; j <= n; ++j)
        row[size_t(j)] = int(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        int diagonal = row[0];
        row[0] = int(i);
        const QChar ca = a[i - 1].toCaseFolded();
        for (qsizetype j = 1; j <= n; ++j) {
            const int above = row[size_t(j)];
            const int cost = ca == b[j - 1].toCaseFolded() ? 0 : 1;
            row[size_t(j)] = std::min({above + 1, row[size_t(j - 1)] + 1, diagonal + cost});
            diagonal = above;
        }
    }
    return row[size_t(n)];
}

QString closestMatch(const QString &word, const QStringList &candidates)
{
    QString best;
    int bestScore = 1 << 30;
    for (const QString &c : candidates) {
        int score = editDistance(word, c);
        const qsizetype longer = std::max(word.size(), c.size());
        const int limit = std::max(2, int(longer / 3));
        const bool related = word.size() >= 3 && c.size() >= 3
                             && (c.contains(word, Qt::CaseInsensitive) || word.contains(c, Qt::CaseInsensitive));
        if (score > limit && !related)
            continue;
        if (related)
            score = std::min(score, 1);
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
