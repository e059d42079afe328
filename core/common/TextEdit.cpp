#include "core/common/TextEdit.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace gantry {

std::optional<qsizetype> offsetOf(const QByteArray &text, int line, int column)
{
    if (line < 1 || column < 1)
        return std::nullopt;
    qsizetype start = 0;
    for (int l = 1; l < line; ++l) {
        const qsizetype nl = text.indexOf('\n', start);
        if (nl < 0)
            return std::nullopt;
        start = nl + 1;
    }
    qsizetype end = text.indexOf('\n', start);
    if (end < 0)
        end = text.size();
    const qsizetype at = start + column - 1;
    if (at > end) // the line end itself is a valid position (insert at end of line)
        return std::nullopt;
    return at;
}

std::optional<QByteArray> applyEdits(const QByteArray &text, const QList<TextEdit> &edits)
{
    struct Span {
        qsizetype start, end;
        QByteArray replacement;
    };
    std::vector<Span> spans;
    for (const TextEdit &e : edits) {
        const auto start = offsetOf(text, e.line, e.column);
        const auto end = offsetOf(text, e.endLine, e.endColumn);
        if (!start || !end || *end < *start)
            return std::nullopt;
        spans.push_back({*start, *end, e.newText.toUtf8()});
    }
    // Last first, so earlier offsets stay valid; an insertion right after a replaced range
    // sorts after it (it starts where the other ends) and touches nothing it changed.
    std::stable_sort(spans.begin(), spans.end(), [](const Span &a, const Span &b) {
        return a.start != b.start ? a.start > b.start : a.end > b.end;
    });
    for (size_t i = 1; i < spans.size(); ++i) {
        const Span &later = spans[i - 1], &earlier = spans[i];
        const bool twoInsertsAtOneSpot =
            earlier.start == earlier.end && later.start == later.end && earlier.start == later.start;
        if (earlier.end > later.start || twoInsertsAtOneSpot)
            return std::nullopt; // overlap, or two insertions at one spot (order would be a guess)
    }
    QByteArray out = text;
    for (const Span &s : spans)
        out.replace(s.start, s.end - s.start, s.replacement);
    return out;
}

} // namespace gantry
