// A fast reader for the everyday subset of YAML that configurations are written in: block
// mappings and sequences, plain and quoted one-line scalars, one-line flow collections,
// comments. yaml-cpp's regex-driven scanner costs ~3 µs per line, the whole budget of a
// debounced re-validation; this reader builds the same located tree in a fraction of that.
//
// It gives up (returns false) on anything outside the subset — anchors, tags, block scalars,
// multi-line scalars or flow collections, odd indentation, any syntax error —
// and the caller then parses with yaml-cpp, which stays the authority on every error message.
// tests/config checks that both produce identical trees (kinds, text, lines and columns).

#include "core/config/YamlTree.h"

#include <cctype>
#include <string_view>
#include <vector>

namespace gantry::yaml {

namespace {

struct Line {
    int number = 0; // 1-based
    int indent = 0; // column of the first content character, 0-based
    std::string_view text; // from the first content character; trailing blanks removed
};

bool isSpace(char c)
{
    return c == ' ';
}

class FastParser
{
public:
    FastParser(const QByteArray &data, Document &doc)
        : m_data(data)
        , m_doc(doc)
    {}

    bool run()
    {
        if (!splitLines())
            return false;
        if (m_lines.empty())
            return true; // nothing but comments: no document, like yaml-cpp
        const Node *root = block(m_lines[0].indent);
        if (!root || m_pos != m_lines.size())
            return false;
        m_doc.root = root;
        return true;
    }

private:
    bool splitLines()
    {
        const char *p = m_data.constData();
        const qsizetype size = m_data.size();
        if (size >= 3 && uchar(p[0]) == 0xEF && uchar(p[1]) == 0xBB && uchar(p[2]) == 0xBF)
            return false; // a BOM shifts yaml-cpp's columns; let it handle the file
        int number = 0;
        for (qsizetype start = 0; start < size;) {
            qsizetype end = start;
            while (end < size && p[end] != '\n')
                ++end;
            ++number;
            std::string_view line(p + start, size_t(end - start));
            start = end + 1;
            while (!line.empty() && (line.back() == ' ' || line.back() == '\t'))
                line.remove_suffix(1);
            size_t indent = 0;
            while (indent < line.size() && line[indent] == ' ')
                ++indent;
            if (indent == line.size() || line[indent] == '#')
                continue;
            if (line[indent] == '\t' || line.find('\r') != std::string_view::npos)
                return false; // a lone CR is a line break to YAML; not this reader's business
            if (indent == 0 && (line.substr(0, 3) == "---" || line.substr(0, 3) == "..." || line[0] == '%'))
                return false;
            m_lines.push_back({number, int(indent), line.substr(indent)});
        }
        return true;
    }

    Node *make(Kind kind, int line, int column0)
    {
        Node &n = m_doc.arena.emplace_back();
        n.kind = kind;
        n.line = line;
        n.column = column0 + 1;
        return &n;
    }

    static bool isSequenceEntry(std::string_view t)
    {
        return t == "-" || (t.size() >= 2 && t[0] == '-' && t[1] == ' ');
    }

    // Nesting deeper than any configuration is handed to yaml-cpp, whose depth guard refuses
    // it with a diagnostic: this reader recurses once per level and must not run out of stack.
    static constexpr int kMaxDepth = 64;
    struct DepthGuard {
        explicit DepthGuard(int &depth)
            : m_depth(++depth)
        {}
        ~DepthGuard() { --m_depth; }
        bool tooDeep() const { return m_depth > kMaxDepth; }
        int &m_depth;
    };

    const Node *block(int indent)
    {
        const DepthGuard guard(m_depth);
        if (guard.tooDeep() || m_pos >= m_lines.size() || m_lines[m_pos].indent != indent)
            return nullptr;
        return isSequenceEntry(m_lines[m_pos].text) ? sequence(indent) : mapping(indent);
    }

    // The value of a key or an item whose text ends its line: a nested block (more indented,
    // or a sequence at the key's own indentation), else an implicit null. yaml-cpp places
    // such a null at the next token: the next content line, or the end of the input.
    const Node *nestedBlock(int parentIndent, bool sameIndentSequenceAllowed)
    {
        if (m_pos >= m_lines.size()) {
            if (!m_data.endsWith('\n'))
                return nullptr; // the end mark is yaml-cpp's business then
            return make(Kind::Null, int(m_data.count('\n')) + 1, 0);
        }
        const Line &next = m_lines[m_pos];
        if (next.indent > parentIndent)
            return block(next.indent);
        if (sameIndentSequenceAllowed && next.indent == parentIndent && isSequenceEntry(next.text))
            return sequence(parentIndent);
        return make(Kind::Null, next.number, next.indent);
    }

    const Node *mapping(int indent)
    {
        Node *map = nullptr;
        while (m_pos < m_lines.size() && m_lines[m_pos].indent == indent && !isSequenceEntry(m_lines[m_pos].text)) {
            const Line line = m_lines[m_pos];
            size_t i = 0;
            Node *key = scalar(line, i, Context::Key);
            if (!key || i >= line.text.size() || line.text[i] != ':')
                return nullptr;
            ++i;
            if (i < line.text.size() && !isSpace(line.text[i]))
                return nullptr;
            if (!map)
                map = make(Kind::Map, line.number, indent);
            map->children.push_back(key);
            while (i < line.text.size() && isSpace(line.text[i]))
                ++i;
            ++m_pos;
            const Node *value = nullptr;
            if (i >= line.text.size() || line.text[i] == '#') {
                value = nestedBlock(indent, true);
            } else {
                value = inlineValue(line, i);
                if (value && m_pos < m_lines.size() && m_lines[m_pos].indent > indent)
                    return nullptr; // a continuation line or bad indentation
            }
            if (!value)
                return nullptr;
            map->children.push_back(value);
        }
        if (map)
            finishMap(*map);
        return map;
    }

    const Node *sequence(int indent)
    {
        Node *seq = nullptr;
        while (m_pos < m_lines.size() && m_lines[m_pos].indent == indent && isSequenceEntry(m_lines[m_pos].text)) {
            Line &line = m_lines[m_pos];
            if (!seq)
                seq = make(Kind::Sequence, line.number, indent);
            size_t i = 1;
            while (i < line.text.size() && isSpace(line.text[i]))
                ++i;
            const Node *item = nullptr;
            if (i >= line.text.size() || line.text[i] == '#') {
                ++m_pos;
                item = nestedBlock(indent, false);
            } else if (isSequenceEntry(line.text.substr(i)) || looksLikeKey(line.text.substr(i))) {
                // "- key: value" or "- - x": the rest of the line starts a nested block whose
                // indentation is the column it starts at.
                line.indent += int(i);
                line.text.remove_prefix(i);
                item = block(line.indent);
            } else {
                ++m_pos;
                item = inlineValue(line, i);
                if (item && m_pos < m_lines.size() && m_lines[m_pos].indent > indent)
                    return nullptr;
            }
            if (!item)
                return nullptr;
            seq->children.push_back(item);
        }
        return seq;
    }

    // Whether text starts with a one-line key followed by ':' and a space or the end.
    bool looksLikeKey(std::string_view text)
    {
        Line probe{0, 0, text};
        size_t i = 0;
        const size_t arenaSize = m_doc.arena.size();
        Node *key = scalar(probe, i, Context::Key);
        const bool ok = key && i < text.size() && text[i] == ':' && (i + 1 == text.size() || isSpace(text[i + 1]));
        m_doc.arena.resize(arenaSize);
        return ok;
    }

    // A value that ends its line: a scalar or a one-line flow collection, then maybe a comment.
    const Node *inlineValue(const Line &line, size_t i)
    {
        const Node *value = nullptr;
        const char c = line.text[i];
        if (c == '[' || c == '{')
            value = flow(line, i);
        else
            value = scalar(line, i, Context::Block);
        if (!value)
            return nullptr;
        while (i < line.text.size() && isSpace(line.text[i]))
            ++i;
        if (i < line.text.size() && line.text[i] != '#')
            return nullptr;
        return value;
    }

    const Node *flow(const Line &line, size_t &i)
    {
        const DepthGuard guard(m_depth);
        if (guard.tooDeep())
            return nullptr;
        const std::string_view t = line.text;
        const bool isMap = t[i] == '{';
        const char close = isMap ? '}' : ']';
        Node *node = make(isMap ? Kind::Map : Kind::Sequence, line.number, line.indent + int(i));
        ++i;
        auto skip = [&] {
            while (i < t.size() && isSpace(t[i]))
                ++i;
        };
        skip();
        if (i < t.size() && t[i] == close) {
            ++i;
            return node;
        }
        for (;;) {
            skip();
            if (i >= t.size())
                return nullptr;
            if (isMap) {
                Node *key = scalar(line, i, Context::FlowKey);
                if (!key || i + 1 >= t.size() || t[i] != ':' || !isSpace(t[i + 1]))
                    return nullptr;
                i += 2;
                skip();
                node->children.push_back(key);
            }
            if (i >= t.size())
                return nullptr;
            const Node *value = (t[i] == '[' || t[i] == '{') ? flow(line, i) : scalar(line, i, Context::Flow);
            if (!value)
                return nullptr;
            node->children.push_back(value);
            skip();
            if (i >= t.size())
                return nullptr;
            if (t[i] == close) {
                ++i;
                break;
            }
            if (t[i] != ',')
                return nullptr;
            ++i;
            skip();
            if (i < t.size() && t[i] == close)
                return nullptr; // trailing comma: leave the corner cases to yaml-cpp
        }
        if (isMap)
            finishMap(*node);
        return node;
    }

    enum class Context { Key, Block, Flow, FlowKey };

    // A one-line scalar starting at text[i]; i ends just after it (trailing spaces excluded).
    Node *scalar(const Line &line, size_t &i, Context context)
    {
        const std::string_view t = line.text;
        const size_t start = i;
        const char c = t[i];
        if (c == '"' || c == '\'') {
            std::string value;
            for (++i; i < t.size(); ++i) {
                if (c == '"' && t[i] == '\\')
                    return nullptr; // escapes: yaml-cpp's job
                if (t[i] == c) {
                    if (c == '\'' && i + 1 < t.size() && t[i + 1] == '\'') {
                        value.push_back('\'');
                        ++i;
                        continue;
                    }
                    ++i;
                    Node *n = make(Kind::Scalar, line.number, line.indent + int(start));
                    n->plain = false;
                    n->text = std::move(value);
                    return n;
                }
                value.push_back(t[i]);
            }
            return nullptr; // continues on the next line
        }
        // Plain scalar. Indicators that cannot start one (or start something else).
        static constexpr std::string_view forbiddenStart = ",[]{}#&*!|>%@`";
        if (forbiddenStart.find(c) != std::string_view::npos)
            return nullptr;
        if ((c == '-' || c == '?' || c == ':') && (i + 1 >= t.size() || isSpace(t[i + 1])))
            return nullptr;
        const bool flowContext = context == Context::Flow || context == Context::FlowKey;
        size_t end = i;
        for (; end < t.size(); ++end) {
            const char d = t[end];
            if (d == ':' && (end + 1 == t.size() || isSpace(t[end + 1]) ||
                             (flowContext && (t[end + 1] == ',' || t[end + 1] == ']' || t[end + 1] == '}'))))
                break;
            if (d == '#' && end > i && isSpace(t[end - 1]))
                break;
            if (flowContext && (d == ',' || d == '[' || d == ']' || d == '{' || d == '}' || d == ':'))
                break;
            // Inside flow collections yaml-cpp is picky about indicators; stay with plain words.
            if (flowContext &&
                !(std::isalnum(uchar(d)) || d == ' ' || d == '.' || d == '_' || d == '-' || d == '/' || d == '+' ||
                  d == '=' || d == '~' || d == '$' || d == '(' || d == ')' || uchar(d) >= 0x80))
                return nullptr;
        }
        if (end < t.size() && t[end] == ':' && context == Context::Block)
            return nullptr; // "a: b: c" — a YAML error; let yaml-cpp word it
        size_t stop = end;
        while (stop > i && isSpace(t[stop - 1]))
            --stop;
        if (stop == i)
            return nullptr;
        Node *n = make(Kind::Scalar, line.number, line.indent + int(start));
        n->text.assign(t.data() + i, stop - i);
        i = stop;
        return n;
    }

    void finishMap(Node &map) { removeDuplicateKeys(map, m_doc); }

    const QByteArray &m_data;
    Document &m_doc;
    std::vector<Line> m_lines;
    size_t m_pos = 0;
    int m_depth = 0;
};

} // namespace

bool parseCommonSubset(const QByteArray &input, Document &out)
{
    const QByteArray data = withUnixLineEnds(input);
    FastParser parser(data, out);
    if (parser.run())
        return true;
    out.root = nullptr;
    out.problems.clear();
    out.arena.clear();
    return false;
}

} // namespace gantry::yaml
