#include "core/chat/MarkdownSegments.h"

namespace gantry {

bool markdownIsBlank(QStringView text)
{
    for (QChar c : text)
        if (!c.isSpace())
            return false;
    return true;
}

QChar markdownFenceOf(QStringView line)
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

MarkdownOpenFence markdownOpenFence(QStringView text)
{
    MarkdownOpenFence open;
    qsizetype start = 0;
    while (start < text.size()) {
        const qsizetype newline = text.indexOf(QLatin1Char('\n'), start);
        if (newline < 0)
            break; // a partial last line decides nothing
        const QChar fence = markdownFenceOf(text.mid(start, newline - start));
        if (open.fence.isNull() && !fence.isNull())
            open = {fence, newline + 1};
        else if (!open.fence.isNull() && fence == open.fence)
            open = {};
        start = newline + 1;
    }
    return open;
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
            if (markdownFenceOf(line) == openFence)
                openFence = QChar();
        } else if (markdownIsBlank(line)) {
            if (sawContent)
                blankEnd = next;
        } else {
            if (blankEnd >= 0 && !line.front().isSpace()) {
                ends.append(blankEnd);
                sawContent = false;
            }
            blankEnd = -1;
            sawContent = true;
            openFence = markdownFenceOf(line);
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
