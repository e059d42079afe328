#pragma once

// Where a growing markdown reply can be cut into parts that render alone as they render
// together, so a streaming view parses only the part still being written: after a blank line
// that is outside a fenced code block and is followed by a line that starts at the margin (an
// indented line may continue a list item or be indented code), known as soon as that line's
// first character is. Text after the last cut is the open block. Pure and cheap (one pass over
// the characters); QtCore only.

#include <QList>
#include <QStringView>

namespace gantry {

// The ends (exclusive offsets) of the completed segments of text, in order. A segment ends just
// after the blank line(s) that close it; the text from the last end on is the open block.
QList<qsizetype> markdownSegmentEnds(QStringView text);

// Whether `text` is empty or only whitespace (a blank line).
bool markdownIsBlank(QStringView text);

// The fence character ('`' or '~') of a code fence line ("```lang", "~~~", up to three spaces
// before it), else null.
QChar markdownFenceOf(QStringView line);

// The fenced code block that `text` ends inside (its opening fence line complete), if any. A
// partial last line decides nothing.
struct MarkdownOpenFence {
    QChar fence; // '`' or '~'; null when `text` ends outside any fenced block
    qsizetype codeStart = -1; // where its code starts: just after its opening fence line
};
MarkdownOpenFence markdownOpenFence(QStringView text);

} // namespace gantry
