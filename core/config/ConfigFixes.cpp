#include "core/config/ConfigFixes.h"

#include "core/config/YamlTree.h"

#include <QRegularExpression>

#include <algorithm>
#include <optional>
#include <unordered_map>

namespace gantry {

namespace {

// The file's lines, for turning a line:column into a token and for copying indentation.
class SourceLines
{
public:
    explicit SourceLines(const QByteArray &source)
        : m_source(source)
    {
        m_eol = source.contains("\r\n") ? QStringLiteral("\r\n") : QStringLiteral("\n");
        qsizetype start = 0;
        while (start <= source.size()) {
            m_starts.push_back(start);
            const qsizetype nl = source.indexOf('\n', start);
            if (nl < 0)
                break;
            start = nl + 1;
        }
    }
    int count() const { return int(m_starts.size()); }
    // Line text without its line end, a view into the source (no copy: a hostile file's one
    // line may hold thousands of diagnostics); empty when out of range.
    QByteArrayView line(int n) const
    {
        if (n < 1 || n > count())
            return {};
        const qsizetype start = m_starts[n - 1];
        // The next line's start is past this line's '\n' (no search along a long line).
        qsizetype end = n < count() ? m_starts[size_t(n)] - 1 : m_source.size();
        if (end > start && m_source[end - 1] == '\r')
            --end;
        return QByteArrayView(m_source).sliced(start, end - start);
    }
    // Column just past the last character of line n (where an appended text goes).
    int endColumn(int n) const { return int(line(n).size()) + 1; }
    const QString &eol() const { return m_eol; }

private:
    const QByteArray &m_source;
    std::vector<qsizetype> m_starts;
    QString m_eol;
};

// QByteArray::mid's clamping for a view (Qt 6.4's QByteArrayView has only the unchecked sliced()).
QByteArrayView midOf(QByteArrayView v, qsizetype pos, qsizetype n = -1)
{
    pos = qBound<qsizetype>(0, pos, v.size());
    n = n < 0 ? v.size() - pos : qMin(n, v.size() - pos);
    return v.sliced(pos, qMax<qsizetype>(0, n));
}

bool isWordEnd(char c)
{
    return c == ' ' || c == '\t' || c == '"' || c == '\'' || c == ';' || c == '|' || c == '&';
}

// The shell word starting at a 0-based index of `line`: its end index (exclusive).
int wordEnd(QByteArrayView line, int start)
{
    int i = start;
    while (i < line.size() && !isWordEnd(line[i]))
        ++i;
    return i;
}

// A value that can be put in a command without quoting (in the shell and in any YAML scalar).
bool isBareWord(const QString &s)
{
    static const QRegularExpression bare(QStringLiteral("^[A-Za-z0-9._/:@+-]+$"));
    return bare.match(s).hasMatch();
}

TextEdit replace(int line, int column, int endColumn, const QString &text)
{
    return {line, column, line, endColumn, text};
}
TextEdit insert(int line, int column, const QString &text)
{
    return {line, column, line, column, text};
}

class Fixer
{
public:
    Fixer(const QByteArray &source, const ParseResult &result)
        : m_lines(source)
        , m_result(result)
    {
        yaml::parse(source, m_doc);
        m_root = m_doc.root && m_doc.root->isMap() ? m_doc.root : nullptr;
        if (m_root)
            indexRoot();
    }

    QList<Fix> fixesFor(const Diagnostic &d) const
    {
        if (!m_root)
            return {};
        if (d.code == QLatin1String("undefined-variable"))
            return undefinedVariable(d);
        if (d.code == QLatin1String("port-mismatch"))
            return portMismatch(d);
        if (d.code == QLatin1String("served-model-argument"))
            return servedModelArgument(d);
        if (d.code == QLatin1String("served-model-flag"))
            return servedModelFlag(d);
        if (d.severity == Severity::Error)
            return pythonWithImage(d);
        return {};
    }

private:
    // What the fixes look up, found once: per diagnostic, a file of 100,000 keys or commands
    // made this quadratic (70 s for 2.9 MB of unknown keys).
    void indexRoot()
    {
        for (size_t i = 0; i < m_root->mapSize(); ++i) {
            const yaml::Node &key = m_root->key(i);
            const yaml::Node &value = m_root->value(i);
            if (key.text == "env") { // the last one, as yaml-cpp keeps it
                m_envKey = &key;
                m_env = &value;
            } else if (key.text == "commands") {
                m_commandsKey = &key;
                if (!m_commands)
                    m_commands = &value;
            } else if (key.text == "model" && !m_model) {
                m_model = &value;
            }
            if (key.text == "python" && value.line == key.line)
                m_pythonKey = &key;
            else if (key.text == "image" && value.line == key.line)
                m_imageKey = &key;
        }
        if (m_commands && m_commands->isSequence()) {
            for (const yaml::Node *item : m_commands->children) {
                if (item->isScalar() && item->text.find('\n') == std::string::npos)
                    m_commandOnLine.try_emplace(item->line, OneLineCommand{item, columnsAreExact(item)});
            }
        }
    }

    // True when the diagnostic sits in a command written on one line, where columns are exact
    // (the same rule the checks use to point inside a command).
    bool inOneLineCommand(const Diagnostic &d) const
    {
        const auto found = m_commandOnLine.find(d.line);
        return found != m_commandOnLine.end() && found->second.exact && d.column > found->second.item->column;
    }

    // Whether columns inside this one-line command are exact: plain or simply quoted, without
    // escapes (decided once per command; a command may be megabytes long).
    bool columnsAreExact(const yaml::Node *item) const
    {
        const QByteArrayView line = m_lines.line(item->line);
        const int at = item->column - 1;
        if (at < 0 || at >= line.size())
            return false;
        const char c = line[at];
        const QString text = item->string();
        return (item->plain || c == '"' || c == '\'') && !text.contains(QLatin1Char('\\')) &&
               !text.contains(QLatin1String("''"));
    }

    QList<Fix> undefinedVariable(const Diagnostic &d) const
    {
        QList<Fix> fixes;
        static const QRegularExpression use(QStringLiteral(R"(^\$(\{)?([A-Za-z_][A-Za-z0-9_]*)(\})?)"));
        // The use's own text only, not the rest of a line that may be megabytes long. A name that
        // reaches the window's end may be longer than it: no fix for it.
        constexpr qsizetype kWindow = 256;
        const QByteArrayView line = m_lines.line(d.line);
        if (d.column < 1 || d.column > line.size())
            return fixes;
        const QByteArrayView window = line.sliced(d.column - 1).first(qMin(kWindow, line.size() - (d.column - 1)));
        const QRegularExpressionMatch m = use.match(QString::fromUtf8(window));
        if (!m.hasMatch() || (window.size() == kWindow && m.capturedLength() >= kWindow - 1) || !inOneLineCommand(d))
            return fixes;
        const bool braces = !m.captured(1).isEmpty();
        const QString name = m.captured(2);
        static const QRegularExpression didYouMean(QStringLiteral(R"(did you mean \$([A-Za-z_][A-Za-z0-9_]*)\?)"));
        const QRegularExpressionMatch suggestion = didYouMean.match(d.message);
        if (suggestion.hasMatch()) {
            const QString other = suggestion.captured(1);
            const int nameColumn = d.column + (braces ? 2 : 1);
            fixes.push_back({QStringLiteral("Use $%1").arg(other),
                             {replace(d.line, nameColumn, nameColumn + int(name.size()), other)}});
        }
        if (auto edit = addToEnv(name))
            fixes.push_back(
                {QStringLiteral("Add %1 to env (its value then comes from your environment at deploy)").arg(name),
                 {*edit}});
        return fixes;
    }

    // A new `env` entry for `name`, after the last one and indented like it; a new `env`
    // list before `commands` when there is none.
    std::optional<TextEdit> addToEnv(const QString &name) const
    {
        const QString eol = m_lines.eol();
        const yaml::Node *env = m_env;
        const yaml::Node *envKey = m_envKey;
        if (!env) {
            const yaml::Node *commandsKey = m_commandsKey;
            if (!commandsKey || commandsKey->column != 1)
                return std::nullopt;
            return insert(commandsKey->line, 1, QStringLiteral("env:") + eol + QStringLiteral("  - ") + name + eol);
        }
        if (env->children.empty() || env->line == envKey->line) // empty, or a flow collection on the key's line
            return std::nullopt;
        const yaml::Node *last = env->isSequence() ? env->children.back()
                                                   : (env->isMap() ? env->children[env->children.size() - 2] : nullptr);
        if (!last || !last->isScalar() || last->text.find('\n') != std::string::npos)
            return std::nullopt;
        if (env->isMap() && env->children.back()->line != last->line)
            return std::nullopt;
        const QString prefix = QString::fromUtf8(midOf(m_lines.line(last->line), 0, last->column - 1));
        const QString entry = env->isSequence() ? name : name + QStringLiteral(": \"\"");
        return insert(last->line, m_lines.endColumn(last->line), eol + prefix + entry);
    }

    QList<Fix> portMismatch(const Diagnostic &d) const
    {
        if (!m_result.configuration || !m_result.configuration->containerPort || !inOneLineCommand(d))
            return {};
        const QByteArrayView line = m_lines.line(d.line);
        int end = d.column - 1;
        while (end < line.size() && line[end] >= '0' && line[end] <= '9')
            ++end;
        if (end == d.column - 1)
            return {};
        const QString port = QString::number(*m_result.configuration->containerPort);
        return {{QStringLiteral("Listen on port %1, as `port` says").arg(port),
                 {replace(d.line, d.column, end + 1, port)}}};
    }

    // model.name's value as written: its line, first and past-the-end columns.
    struct Span {
        int line = 0, column = 0, endColumn = 0;
    };
    std::optional<Span> modelNameSpan() const
    {
        const yaml::Node *model = m_model;
        const yaml::Node *name = model && model->isMap() ? model->find("name") : model;
        if (!name || !name->isScalar() || name->text.find('\n') != std::string::npos)
            return std::nullopt;
        const QByteArrayView line = m_lines.line(name->line);
        const int at = name->column - 1;
        if (at < 0 || at >= line.size())
            return std::nullopt;
        if (name->plain)
            return Span{name->line, name->column, name->column + int(name->text.size())};
        const char quote = line[at];
        const qsizetype close = line.indexOf(quote, at + 1);
        if ((quote != '"' && quote != '\'') || close < 0 ||
            midOf(line, at + 1, close - at - 1) != QByteArray::fromStdString(name->text))
            return std::nullopt;
        return Span{name->line, name->column, int(close) + 2};
    }

    std::optional<Fix> renameModel(const QString &served) const
    {
        const auto span = modelNameSpan();
        if (!span || !isBareWord(served) || served.startsWith(QLatin1Char('$')))
            return std::nullopt;
        return Fix{QStringLiteral("Set model.name to %1").arg(served),
                   {replace(span->line, span->column, span->endColumn, served)}};
    }

    QString wantedName() const
    {
        return m_result.configuration && m_result.configuration->model ? m_result.configuration->model->name
                                                                       : QString();
    }

    QList<Fix> servedModelArgument(const Diagnostic &d) const
    {
        const QString wanted = wantedName();
        if (wanted.isEmpty() || !inOneLineCommand(d))
            return {};
        QList<Fix> fixes;
        const int end = wordEnd(m_lines.line(d.line), d.column - 1);
        if (isBareWord(wanted))
            fixes.push_back({QStringLiteral("Add --served-model-name %1").arg(wanted),
                             {insert(d.line, end + 1, QStringLiteral(" --served-model-name ") + wanted)}});
        static const QRegularExpression servedAs(QStringLiteral("serves the model as '([^']*)'"));
        if (auto rename = renameModel(servedAs.match(d.message).captured(1)))
            fixes.push_back(*rename);
        return fixes;
    }

    QList<Fix> servedModelFlag(const Diagnostic &d) const
    {
        const QString wanted = wantedName();
        if (wanted.isEmpty() || !isBareWord(wanted) || !inOneLineCommand(d))
            return {};
        const QByteArrayView line = m_lines.line(d.line);
        const int flagEnd = wordEnd(line, d.column - 1);
        const QByteArrayView flag = midOf(line, d.column - 1, flagEnd - d.column + 1);
        int start = 0;
        if (const qsizetype eq = flag.indexOf('='); eq >= 0) {
            start = d.column - 1 + int(eq) + 1;
        } else {
            start = flagEnd;
            while (start < line.size() && line[start] == ' ')
                ++start;
        }
        const int end = wordEnd(line, start);
        if (end == start)
            return {};
        QList<Fix> fixes{{QStringLiteral("Serve it as %1").arg(wanted), {replace(d.line, start + 1, end + 1, wanted)}}};
        if (auto rename = renameModel(QString::fromUtf8(midOf(line, start, end - start))))
            fixes.push_back(*rename);
        return fixes;
    }

    // dstack refuses `python` next to `image`; the error sits on the `python` key.
    QList<Fix> pythonWithImage(const Diagnostic &d) const
    {
        const yaml::Node *pythonKey = m_pythonKey, *imageKey = m_imageKey;
        if (!pythonKey || !imageKey || d.line != pythonKey->line || d.column != pythonKey->column ||
            !d.message.contains(QLatin1String("`image`")))
            return {};
        const auto removeLine = [this](int line) {
            return line < m_lines.count() ? TextEdit{line, 1, line + 1, 1, {}}
                                          : TextEdit{line, 1, line, m_lines.endColumn(line), {}};
        };
        return {
            {QStringLiteral("Remove python (the image brings its own)"), {removeLine(pythonKey->line)}},
            {QStringLiteral("Remove image (run on dstack's image with this Python)"), {removeLine(imageKey->line)}}};
    }

    SourceLines m_lines;
    const ParseResult &m_result;
    yaml::Document m_doc;
    const yaml::Node *m_root = nullptr;
    const yaml::Node *m_env = nullptr, *m_envKey = nullptr, *m_commands = nullptr, *m_commandsKey = nullptr;
    const yaml::Node *m_model = nullptr, *m_pythonKey = nullptr, *m_imageKey = nullptr;
    struct OneLineCommand {
        const yaml::Node *item;
        bool exact;
    };
    std::unordered_map<int, OneLineCommand> m_commandOnLine; // the first one-line command on a line
};

bool overlaps(const TextEdit &a, const TextEdit &b)
{
    const auto before = [](int l1, int c1, int l2, int c2) { return l1 < l2 || (l1 == l2 && c1 < c2); };
    const auto atOrBefore = [&](int l1, int c1, int l2, int c2) { return !before(l2, c2, l1, c1); };
    const bool aInsert = a.line == a.endLine && a.column == a.endColumn;
    const bool bInsert = b.line == b.endLine && b.column == b.endColumn;
    if (aInsert && bInsert)
        return a.line == b.line && a.column == b.column;
    // Disjoint when one ends at or before the other starts.
    return !(atOrBefore(a.endLine, a.endColumn, b.line, b.column) ||
             atOrBefore(b.endLine, b.endColumn, a.line, a.column));
}

} // namespace

void attachFixes(const QByteArray &source, ParseResult &result)
{
    const bool any = std::any_of(result.diagnostics.begin(), result.diagnostics.end(), [](const Diagnostic &d) {
        return !d.code.isEmpty() || d.severity == Severity::Error;
    });
    if (!any)
        return;
    const Fixer fixer(source, result);
    for (Diagnostic &d : result.diagnostics)
        d.fixes = fixer.fixesFor(d);
}

QList<TextEdit> preferredEdits(const Diagnostics &diagnostics)
{
    QList<TextEdit> taken;
    for (const Diagnostic &d : diagnostics) {
        if (d.fixes.isEmpty())
            continue;
        const QList<TextEdit> &edits = d.fixes.first().edits;
        const bool clash = std::any_of(edits.begin(), edits.end(), [&](const TextEdit &e) {
            return std::any_of(taken.begin(), taken.end(), [&](const TextEdit &t) { return overlaps(e, t); });
        });
        if (!clash)
            taken += edits;
    }
    return taken;
}

} // namespace gantry
