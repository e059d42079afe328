#include "core/common/UnifiedDiff.h"

#include <QList>

#include <algorithm>
#include <vector>

namespace gantry {

namespace {

struct Lines {
    QList<QByteArray> lines;
    bool finalNewline = true;
};

Lines splitLines(const QByteArray &text)
{
    Lines out;
    if (text.isEmpty())
        return out;
    out.lines = text.split('\n');
    if (text.endsWith('\n'))
        out.lines.removeLast();
    else
        out.finalNewline = false;
    return out;
}

enum class Op { Same, Removed, Added };
struct Step {
    Op op;
    qsizetype a, b; // indexes into before/after (the one that applies)
};

// The edit script from the LCS table, common prefix and suffix trimmed first.
std::vector<Step> script(const Lines &a, const Lines &b)
{
    const qsizetype n = a.lines.size(), m = b.lines.size();
    qsizetype prefix = 0;
    while (prefix < n && prefix < m && a.lines[prefix] == b.lines[prefix])
        ++prefix;
    qsizetype suffix = 0;
    while (suffix < n - prefix && suffix < m - prefix && a.lines[n - 1 - suffix] == b.lines[m - 1 - suffix])
        ++suffix;
    const qsizetype rows = n - prefix - suffix, cols = m - prefix - suffix;
    std::vector<int> lcs(size_t((rows + 1) * (cols + 1)), 0);
    const auto at = [&](qsizetype i, qsizetype j) -> int & { return lcs[size_t(i * (cols + 1) + j)]; };
    for (qsizetype i = rows - 1; i >= 0; --i) {
        for (qsizetype j = cols - 1; j >= 0; --j)
            at(i, j) = a.lines[prefix + i] == b.lines[prefix + j] ? at(i + 1, j + 1) + 1
                                                                  : std::max(at(i + 1, j), at(i, j + 1));
    }
    std::vector<Step> steps;
    for (qsizetype k = 0; k < prefix; ++k)
        steps.push_back({Op::Same, k, k});
    qsizetype i = 0, j = 0;
    while (i < rows || j < cols) {
        if (i < rows && j < cols && a.lines[prefix + i] == b.lines[prefix + j]) {
            steps.push_back({Op::Same, prefix + i, prefix + j});
            ++i, ++j;
        } else if (i < rows && (j == cols || at(i + 1, j) >= at(i, j + 1))) {
            steps.push_back({Op::Removed, prefix + i, prefix + j}); // removals first, as diff prints them
            ++i;
        } else {
            steps.push_back({Op::Added, prefix + i, prefix + j});
            ++j;
        }
    }
    for (qsizetype k = 0; k < suffix; ++k)
        steps.push_back({Op::Same, n - suffix + k, m - suffix + k});
    return steps;
}

} // namespace

QByteArray unifiedDiff(const QByteArray &before, const QByteArray &after, const QString &path, int context)
{
    if (before == after)
        return {};
    const Lines a = splitLines(before), b = splitLines(after);
    std::vector<Step> steps = script(a, b);
    // The last line of a file without a final newline differs from the same line with one.
    const auto emitLine = [&](QByteArray &out, char mark, const Lines &side, qsizetype index) {
        out += mark + side.lines[index] + '\n';
        if (index == side.lines.size() - 1 && !side.finalNewline)
            out += "\\ No newline at end of file\n";
    };
    if (a.finalNewline != b.finalNewline && !steps.empty() && steps.back().op == Op::Same) {
        const Step last = steps.back();
        steps.back() = {Op::Removed, last.a, last.b};
        steps.push_back({Op::Added, last.a + 1, last.b});
    }
    const bool absolute = path.startsWith(QLatin1Char('/'));
    QByteArray out =
        (absolute ? "--- " : "--- a/") + path.toUtf8() + (absolute ? "\n+++ " : "\n+++ b/") + path.toUtf8() + "\n";
    const qsizetype total = qsizetype(steps.size());
    qsizetype k = 0;
    while (k < total) {
        while (k < total && steps[size_t(k)].op == Op::Same)
            ++k;
        if (k == total)
            break;
        // A hunk: from `context` lines before this change to `context` after the last change
        // that is no more than 2*context unchanged lines from the previous one.
        const qsizetype start = std::max<qsizetype>(0, k - context);
        qsizetype end = k;
        while (end < total) {
            qsizetype same = end;
            while (same < total && steps[size_t(same)].op == Op::Same)
                ++same;
            if (same == total || same - end > 2 * context) {
                end = std::min(total, end + context);
                break;
            }
            end = same + 1;
            while (end < total && steps[size_t(end)].op != Op::Same)
                ++end;
        }
        qsizetype aCount = 0, bCount = 0;
        for (qsizetype s = start; s < end; ++s) {
            aCount += steps[size_t(s)].op != Op::Added;
            bCount += steps[size_t(s)].op != Op::Removed;
        }
        const Step &first = steps[size_t(start)];
        const auto range = [](qsizetype from, qsizetype count) {
            return QByteArray::number(count == 0 ? from : from + 1) +
                   (count == 1 ? QByteArray() : "," + QByteArray::number(count));
        };
        out += "@@ -" + range(first.a, aCount) + " +" + range(first.b, bCount) + " @@\n";
        for (qsizetype s = start; s < end; ++s) {
            const Step &st = steps[size_t(s)];
            if (st.op == Op::Same)
                emitLine(out, ' ', a, st.a);
            else if (st.op == Op::Removed)
                emitLine(out, '-', a, st.a);
            else
                emitLine(out, '+', b, st.b);
        }
        k = end;
    }
    return out;
}

} // namespace gantry
