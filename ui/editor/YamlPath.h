#pragma once

// Where the cursor is in a YAML document, for completion: the chain of mapping keys that
// encloses it, and whether it sits where a key or a value goes. Indentation-based, so it
// works on half-typed, invalid documents (the usual state while typing).

#include <QString>
#include <QStringList>

namespace gantry::ui {

struct YamlCursorContext {
    QStringList path; // enclosing keys, outermost first: {"resources", "gpu"}
    bool atValue = false; // after "key:" on this line: complete the values of path + key
    QString key; // the key on this line when atValue
    QString prefix; // what is typed of the word being completed
};

// lines: the document; line/column: 0-based cursor position (column in characters).
YamlCursorContext yamlContextAt(const QStringList &lines, int line, int column);

} // namespace gantry::ui
