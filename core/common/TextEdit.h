#pragma once

// A remedy for a diagnostic, as text edits on the file rather than a rewritten document, so
// that comments, quoting and formatting everywhere else stay exactly as the user wrote them.
// The editor applies a Fix as one undo step; gantry-cli validate --fix writes it to disk.

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace gantry {

// Replace [line:column, endLine:endColumn) by newText. 1-based, like Diagnostic; columns count
// UTF-8 bytes of the line (what the YAML parser reports and QScintilla's line index uses).
// An insertion has end == start.
struct TextEdit {
    int line = 0;
    int column = 0;
    int endLine = 0;
    int endColumn = 0;
    QString newText;

    friend bool operator==(const TextEdit &, const TextEdit &) = default;
};

// One way to resolve a problem: a title for the menu ("Use $MODEL_ID") and its edits.
struct Fix {
    QString title;
    QList<TextEdit> edits;

    friend bool operator==(const Fix &, const Fix &) = default;
};

// Byte offset of a 1-based line:column in `text`; nullopt when it lies outside the text.
std::optional<qsizetype> offsetOf(const QByteArray &text, int line, int column);

// `text` with every edit applied (positions refer to the original text). nullopt when an edit
// falls outside the text or two edits overlap: the caller then applies fewer fixes.
std::optional<QByteArray> applyEdits(const QByteArray &text, const QList<TextEdit> &edits);

} // namespace gantry
