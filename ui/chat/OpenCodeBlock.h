#pragma once

// Growing the fenced code block that a streaming reply is still writing, in the document that
// shows it, instead of parsing the whole markdown segment again for every frame: a reply that
// writes a 4,000-line code block otherwise costs a parse and a layout of everything written so
// far, each frame (issue 14).

#include <QStringView>

class QTextDocument;

namespace gantry::ui {

// `doc` was built with QTextDocument::setMarkdown from `before` (and formatted as the chat's
// code blocks are); `added` continues `before`. When `before` ends inside a fenced code block
// that `doc` shows as its last block, and `added` is more code (no tab: the importer expands
// tabs), perhaps a closing fence, then only blank text, the code is appended to that block line
// by line with the block's own formats (or, after the fence has closed, only blank text follows
// and nothing changes): `doc` then shows what setMarkdown of `before` + `added` would, and true
// is returned. Otherwise `doc` is left as it was, and false says to parse the text again.
bool appendToOpenCodeBlock(QTextDocument *doc, QStringView before, QStringView added);

} // namespace gantry::ui
