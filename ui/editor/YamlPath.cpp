#include "ui/editor/YamlPath.h"

namespace gantry::ui {

namespace {

int indentOf(const QString &line)
{
    int i = 0;
    while (i < line.size() && line[i] == QLatin1Char(' '))
        ++i;
    return i;
}

// "  - name: x" → indent 4 (the key's column), key "name"; "" when the line holds no key.
QString keyOf(const QString &line, int *indent)
{
    int i = indentOf(line);
    while (i + 1 < line.size() && line[i] == QLatin1Char('-') && line[i + 1] == QLatin1Char(' ')) {
        i += 2;
        while (i < line.size() && line[i] == QLatin1Char(' '))
            ++i;
    }
    *indent = i;
    const int colon = line.indexOf(QLatin1Char(':'), i);
    if (colon <= i)
        return {};
    const QString key = line.mid(i, colon - i).trimmed();
    if (key.startsWith(QLatin1Char('#')) || key.contains(QLatin1Char(' ')))
        return {};
    return key;
}

} // namespace

YamlCursorContext yamlContextAt(const QStringList &lines, int line, int column)
{
    YamlCursorContext ctx;
    if (line < 0 || line >= lines.size())
        return ctx;
    const QString current = lines[line].left(std::max(0, column));

    // The word being typed.
    int start = int(current.size());
    while (start > 0 && (current[start - 1].isLetterOrNumber() || current[start - 1] == QLatin1Char('_') ||
                         current[start - 1] == QLatin1Char('-')))
        --start;
    ctx.prefix = current.mid(start);

    int keyIndent = 0;
    const QString keyHere = keyOf(current, &keyIndent);
    const int colon = current.indexOf(QLatin1Char(':'), keyIndent);
    if (!keyHere.isEmpty() && colon >= 0 && colon < start) {
        ctx.atValue = true;
        ctx.key = keyHere;
    } else {
        keyIndent = start;
        // "- " list markers before the word: the key's column is where the word starts.
    }

    // Walk up: each line with a key at a smaller indentation encloses the cursor.
    int limit = keyIndent;
    for (int l = line - 1; l >= 0 && limit > 0; --l) {
        const QString &text = lines[l];
        if (text.trimmed().isEmpty() || text.trimmed().startsWith(QLatin1Char('#')))
            continue;
        int indent = 0;
        const QString key = keyOf(text, &indent);
        const int lineIndent = indentOf(text);
        if (lineIndent < limit) {
            if (!key.isEmpty() && indent < limit)
                ctx.path.prepend(key);
            limit = lineIndent;
        }
    }
    return ctx;
}

} // namespace gantry::ui
