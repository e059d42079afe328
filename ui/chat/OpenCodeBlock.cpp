#include "ui/chat/OpenCodeBlock.h"

#include "core/chat/MarkdownSegments.h"

#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>

namespace gantry::ui {

namespace {

// Whether `text` ends with a fence line that closed the code block before it, then blank text.
bool endsWithClosedFence(QStringView text)
{
    qsizetype end = text.size();
    while (end > 0) {
        const qsizetype start = text.lastIndexOf(QLatin1Char('\n'), end - 1) + 1;
        const QStringView line = text.mid(start, end - start);
        if (!markdownIsBlank(line)) {
            const QChar fence = markdownFenceOf(line);
            return !fence.isNull() && markdownOpenFence(text.left(start)).fence == fence;
        }
        end = start - 1;
    }
    return false;
}

} // namespace

bool appendToOpenCodeBlock(QTextDocument *doc, QStringView before, QStringView added)
{
    if (added.isEmpty())
        return true;
    const QTextBlock last = doc->lastBlock();
    if (!last.isValid() || !last.blockFormat().hasProperty(QTextFormat::BlockCodeFence))
        return false; // e.g. the fence's first line is not written yet: the importer shows no code block
    const MarkdownOpenFence open = markdownOpenFence(before);
    if (open.fence.isNull()) // closed already: blank text after it changes nothing the importer shows
        return markdownIsBlank(added) && endsWithClosedFence(before);
    if (open.codeStart == before.size())
        return false; // no code yet: the document's last block belongs to something before the fence

    // The importer shows each line of the code as a block, and no block for the empty text after
    // a final newline. So the document's last block is `before`'s partial last line when there is
    // one (then continued), else its last complete line (then left as it is).
    const qsizetype lineStart = before.lastIndexOf(QLatin1Char('\n')) + 1;
    const bool continuesLine = lineStart < before.size();
    const QString touched = (continuesLine ? before.mid(lineStart).toString() : QString()) + added.toString();
    if (touched.contains(QLatin1Char('\t')))
        return false; // the importer expands tabs
    if (continuesLine && last.text() != before.mid(lineStart))
        return false; // not the document this text made
    QList<QStringView> lines = QStringView(touched).split(QLatin1Char('\n'));
    // Code up to a line that closes the block; after it only blank text (more is another block).
    qsizetype code = lines.size();
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QChar fence = markdownFenceOf(lines[i]);
        if (fence.isNull())
            continue;
        if (fence != open.fence)
            return false;
        for (qsizetype j = i + 1; j < lines.size(); ++j)
            if (!markdownIsBlank(lines[j]))
                return false;
        code = i;
        break;
    }
    if (code == lines.size() && touched.endsWith(QLatin1Char('\n')))
        --code; // the empty text after the final newline
    lines.resize(code);
    // The partial line was the start of the closing fence: it is not code after all, and its block
    // goes (when a code block stays: an empty one the importer shows otherwise).
    const bool dropPartial = continuesLine && lines.isEmpty();
    if (dropPartial && !last.previous().blockFormat().hasProperty(QTextFormat::BlockCodeFence))
        return false;

    const QTextBlockFormat blockFormat = last.blockFormat();
    QTextCursor cursor(doc);
    cursor.movePosition(QTextCursor::End);
    const QTextCharFormat charFormat = last.length() > 1 ? cursor.charFormat() : last.charFormat();
    cursor.beginEditBlock(); // one change: the layout is redone once, from this block on
    qsizetype next = 0;
    if (continuesLine) {
        cursor.movePosition(QTextCursor::StartOfBlock, QTextCursor::KeepAnchor);
        if (dropPartial) {
            cursor.movePosition(QTextCursor::PreviousCharacter, QTextCursor::KeepAnchor);
            cursor.removeSelectedText();
        } else {
            cursor.insertText(lines.first().toString(), charFormat);
            next = 1;
        }
    }
    for (qsizetype i = next; i < lines.size(); ++i) {
        cursor.insertBlock(blockFormat, charFormat);
        cursor.insertText(lines[i].toString(), charFormat);
    }
    cursor.endEditBlock();
    return true;
}

} // namespace gantry::ui
