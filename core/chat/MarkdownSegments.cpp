#include "core/chat/MarkdownSegments.h"

namespace gantry {

namespace {

bool isBlank(QStringView line)
{
    for (QChar c : line)
        if (!c.isSpace())
            return false;
    return true;
}

// "```lang" / "~~~" with up to three spaces before it: the fence character, else 0.
QChar fenceOf(QStringView line)
{
    qsizetype i = 0;
    while (i < line.size() && i < 3 && line[i] == QLatin1Char(' '))
        ++i;
    const QStringView rest = line.mid(i);
    if (rest.startsWith(QLatin1String("```")))
        return QLatin1Char('`');
    if (rest.startsWith(QLatin1String("~~~")))
        return QLatin1Char('~');
    return {};
}

} // namespace

QChar markdownFenceOf(QStringView line)
{
    return fenceOf(line);
}

qsizetype markdownOpenCodeStart(QStringView text)
{
    QChar open;
    qsizetype code = -1;
    qsizetype start = 0;
    while (start < text.size()) {
        const qsizetype newline = text.indexOf(QLatin1Char('\n'), start);
        if (newline < 0)
            break;
        const QChar fence = fenceOf(text.mid(start, newline - start));
        if (open.isNull() && !fence.isNull()) {
            open = fence;
            code = newline + 1;
        } else if (!open.isNull() && fence == open) {
            open = QChar();
            code = -1;
        }
        start = newline + 1;
    }
    return code;
}

QChar markdownOpenFenceAtEnd(QStringView text)
{
    const qsizetype code = markdownOpenCodeStart(text);
    return code < 0 ? QChar()
                    : fenceOf(text.left(code - 1).mid(text.left(code - 1).lastIndexOf(QLatin1Char('\n')) + 1));
}

QList<qsizetype> markdownSegmentEnds(QStringView text)
{
    QList<qsizetype> ends;
    QChar openFence; // the fence we are inside, or null
    bool sawContent = false; // the current segment has a non-blank line
    qsizetype blankEnd = -1; // after the blank line(s) that may close it
    qsizetype start = 0;
    while (start < text.size()) {
        const qsizetype newline = text.indexOf(QLatin1Char('\n'), start);
        if (newline < 0)
            break; // the last line is still being written: it decides nothing yet
        const QStringView line = text.mid(start, newline - start);
        const qsizetype next = newline + 1;
        if (!openFence.isNull()) {
            if (fenceOf(line) == openFence)
                openFence = QChar();
        } else if (isBlank(line)) {
            if (sawContent)
                blankEnd = next;
        } else {
            if (blankEnd >= 0 && !line.front().isSpace()) {
                ends.append(blankEnd);
                sawContent = false;
            }
            blankEnd = -1;
            sawContent = true;
            openFence = fenceOf(line);
        }
        start = next;
    }
    // A line being written at the margin after a blank line starts a new block already: its
    // first character decides (so a long code block is closed before the next paragraph ends).
    if (start < text.size() && openFence.isNull() && blankEnd >= 0 && !text[start].isSpace())
        ends.append(blankEnd);
    return ends;
}

} // namespace gantry
