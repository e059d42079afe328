#include "core/config/YamlTree.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <charconv>
#include <istream>
#include <streambuf>
#include <unordered_map>

namespace gantry::yaml {

const Node *Node::find(std::string_view key) const
{
    for (size_t i = 0; i + 1 < children.size(); i += 2) {
        if (children[i]->kind == Kind::Scalar && children[i]->text == key)
            return children[i + 1];
    }
    return nullptr;
}

namespace {

// Reads a QByteArray in place (no copy into a std::string).
class ByteArrayBuffer : public std::streambuf
{
public:
    explicit ByteArrayBuffer(const QByteArray &data)
    {
        char *begin = const_cast<char *>(data.constData());
        setg(begin, begin, begin + data.size());
    }
};

struct Position {
    int line = 1;
    int column = 1;
};

Position positionOf(const QByteArray &data, qsizetype offset)
{
    Position p;
    for (qsizetype i = 0; i < offset; ++i) {
        if (data[i] == '\n') {
            ++p.line;
            p.column = 1;
        } else if ((uchar(data[i]) & 0xC0) != 0x80) {
            ++p.column;
        }
    }
    return p;
}

// Length of the UTF-8 sequence at data[i], or 0 when it is not valid UTF-8.
int utf8SequenceLength(const uchar *s, qsizetype left)
{
    const uchar c = s[0];
    int n = 0;
    unsigned minimum = 0;
    unsigned cp = 0;
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0) {
        n = 2;
        cp = c & 0x1F;
        minimum = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3;
        cp = c & 0x0F;
        minimum = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4;
        cp = c & 0x07;
        minimum = 0x10000;
    } else
        return 0;
    if (left < n)
        return 0;
    for (int k = 1; k < n; ++k) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[k] & 0x3F);
    }
    if (cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

// yaml-cpp decodes the escapes "\N" and "\_" (U+0085, U+00A0) to the single bytes 0x85 and
// 0xA0, which are not UTF-8: a scalar holding one could not be written as JSON (fuzz_config).
// The input was checked to be UTF-8 (checkEncoding), so any byte outside a valid sequence is
// such an escape; it is re-encoded as the code point it stands for.
std::string repairedEscapes(const std::string &value)
{
    // Almost every scalar is ASCII: nothing to look at, and no copy.
    if (std::none_of(value.begin(), value.end(), [](char c) { return uchar(c) >= 0x80; }))
        return value;
    const auto *s = reinterpret_cast<const uchar *>(value.data());
    const qsizetype size = qsizetype(value.size());
    std::string out;
    bool repaired = false;
    for (qsizetype i = 0; i < size;) {
        if (const int n = utf8SequenceLength(s + i, size - i); n > 0) {
            out.append(value, size_t(i), size_t(n));
            i += n;
            continue;
        }
        out += char(0xC0 | (s[i] >> 6)); // a byte ≥ 0x80 read as Latin-1: two bytes of UTF-8
        out += char(0x80 | (s[i] & 0x3F));
        repaired = true;
        ++i;
    }
    return repaired ? out : value;
}

// Bytes no YAML file contains: NUL, other control characters, invalid UTF-8.
bool checkEncoding(const QByteArray &data, Document &out)
{
    const auto *s = reinterpret_cast<const uchar *>(data.constData());
    const qsizetype size = data.size();
    for (qsizetype i = 0; i < size;) {
        const uchar c = s[i];
        if (c >= 0x20 && c < 0x7F) {
            ++i;
            continue;
        }
        if (c == '\n' || c == '\r' || c == '\t') {
            ++i;
            continue;
        }
        // Only for a problem: counting lines up to every non-ASCII character made a file of
        // Cyrillic or Chinese comments quadratic (263 KB: 15 s).
        const auto position = [&] { return positionOf(data, i); };
        if (c == 0) {
            const Position p = position();
            out.problems.push_back(
                {p.line, p.column,
                 QStringLiteral("NUL byte in the file: this is binary data, not a YAML configuration")});
            return false;
        }
        if (c < 0x20 || c == 0x7F) {
            const Position p = position();
            out.problems.push_back(
                {p.line, p.column,
                 QStringLiteral("control character 0x%1 is not allowed in YAML").arg(int(c), 2, 16, QLatin1Char('0'))});
            return false;
        }
        const int n = utf8SequenceLength(s + i, size - i);
        if (n == 0) {
            const Position p = position();
            out.problems.push_back({p.line, p.column,
                                    QStringLiteral("invalid UTF-8 (byte 0x%1): save the file as UTF-8")
                                        .arg(int(c), 2, 16, QLatin1Char('0'))});
            return false;
        }
        i += n;
    }
    return true;
}

// YAML forbids tabs in indentation (PyYAML: "found character '\t' that cannot start any
// token"); yaml-cpp is lenient or reports something obscure, so say it plainly. Lines inside
// block scalars (| and >) are content and may contain tabs.
bool checkIndentationTabs(const QByteArray &data, Document &out)
{
    if (!data.contains('\t'))
        return true;
    int lineNo = 0;
    int blockParentIndent = -1; // >= 0 while inside a block scalar
    qsizetype start = 0;
    while (start <= data.size()) {
        qsizetype end = data.indexOf('\n', start);
        if (end < 0)
            end = data.size();
        ++lineNo;
        const std::string_view line(data.constData() + start, size_t(end - start));
        start = end + 1;

        size_t spaces = 0;
        while (spaces < line.size() && line[spaces] == ' ')
            ++spaces;
        size_t blank = 0;
        while (blank < line.size() && (line[blank] == ' ' || line[blank] == '\t' || line[blank] == '\r'))
            ++blank;
        const bool isBlank = blank == line.size();
        if (blockParentIndent >= 0) {
            if (isBlank || int(spaces) > blockParentIndent)
                continue;
            blockParentIndent = -1;
        }
        if (isBlank)
            continue;
        if (blank > spaces && line[blank] != '#') {
            out.problems.push_back({lineNo, int(spaces) + 1,
                                    QStringLiteral("tab character in indentation: YAML indents with spaces only")});
            return false;
        }
        // Block scalar header: the line ends with | or > (plus chomping/indent indicators).
        std::string_view t = line;
        while (!t.empty() && (t.back() == ' ' || t.back() == '\r'))
            t.remove_suffix(1);
        while (!t.empty() && (t.back() == '-' || t.back() == '+' || (t.back() >= '0' && t.back() <= '9')))
            t.remove_suffix(1);
        if (!t.empty() && (t.back() == '|' || t.back() == '>')) {
            t.remove_suffix(1);
            while (!t.empty() && t.back() == ' ')
                t.remove_suffix(1);
            if (t.empty() || t.back() == ':' || t.back() == '-')
                blockParentIndent = int(spaces);
        }
    }
    return true;
}

class TreeBuilder : public YAML::EventHandler
{
public:
    explicit TreeBuilder(Document &doc)
        : m_doc(doc)
    {}

    int documents = 0;
    YAML::Mark secondDocument;

    void OnDocumentStart(const YAML::Mark &mark) override
    {
        if (++documents == 2)
            secondDocument = mark;
    }
    void OnDocumentEnd() override {}

    void OnNull(const YAML::Mark &mark, YAML::anchor_t anchor) override { add(make(Kind::Null, mark), anchor); }
    void OnAlias(const YAML::Mark &, YAML::anchor_t anchor) override
    {
        if (anchor < m_anchors.size() && m_anchors[anchor])
            add(m_anchors[anchor], 0);
        else
            add(&m_doc.arena.emplace_back(), 0);
    }
    void OnScalar(const YAML::Mark &mark, const std::string &tag, YAML::anchor_t anchor,
                  const std::string &value) override
    {
        Node *n = make(Kind::Scalar, mark);
        n->plain = tag == "?";
        n->text = repairedEscapes(value);
        add(n, anchor);
    }
    void OnSequenceStart(const YAML::Mark &mark, const std::string &, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value) override
    {
        Node *n = make(Kind::Sequence, mark);
        add(n, anchor);
        m_stack.push_back(n);
    }
    void OnSequenceEnd() override { m_stack.pop_back(); }
    void OnMapStart(const YAML::Mark &mark, const std::string &, YAML::anchor_t anchor,
                    YAML::EmitterStyle::value) override
    {
        Node *n = make(Kind::Map, mark);
        add(n, anchor);
        m_stack.push_back(n);
    }
    void OnMapEnd() override
    {
        Node *map = m_stack.back();
        m_stack.pop_back();
        removeDuplicateKeys(*map, m_doc);
    }

private:
    Node *make(Kind kind, const YAML::Mark &mark)
    {
        Node &n = m_doc.arena.emplace_back();
        n.kind = kind;
        n.line = mark.line + 1;
        n.column = mark.column + 1;
        return &n;
    }
    void add(const Node *n, YAML::anchor_t anchor)
    {
        if (anchor) {
            if (m_anchors.size() <= anchor)
                m_anchors.resize(anchor + 1, nullptr);
            m_anchors[anchor] = n;
        }
        if (m_stack.empty()) {
            if (!m_doc.root)
                m_doc.root = n;
        } else {
            m_stack.back()->children.push_back(n);
        }
    }
    Document &m_doc;
    std::vector<Node *> m_stack;
    std::vector<const Node *> m_anchors;
};

QString explain(const std::string &yamlCppMessage)
{
    QString m = QString::fromStdString(yamlCppMessage);
    if (m.startsWith(QLatin1String("yaml-cpp: error at line")))
        m = m.section(QStringLiteral(": "), 2);
    QString hint;
    if (m.contains(QLatin1String("flow")))
        hint = QStringLiteral(" (a '[' or '{' is not closed, or a flow value contains an unquoted ',' ':' or ']')");
    else if (m.contains(QLatin1String("end of map")) || m.contains(QLatin1String("end of sequence")) ||
             m.contains(QLatin1String("illegal map value")) || m.contains(QLatin1String("block entry")))
        hint = QStringLiteral(" (check the indentation: keys of one mapping must start in the same column)");
    return QStringLiteral("invalid YAML: %1%2").arg(m, hint);
}

} // namespace

// yaml-cpp keeps every pair; dstack reads the file with PyYAML, which keeps the last value of
// a repeated key. Gantry keeps the same one (so both read the same configuration) and warns,
// naming both places: the earlier value is silently lost otherwise.
void removeDuplicateKeys(Node &map, Document &doc)
{
    // One pass with a hash of the keys seen (a scan per key was quadratic: a 1.8 MB mapping
    // took 20 s). Small maps, the usual case, skip the hash.
    auto &c = map.children;
    if (c.size() < 4)
        return;
    // PyYAML (so dstack) keeps the last value of a repeated key: each repeat is a warning that
    // names the previous occurrence, and only the last pair of each key stays, where it stands.
    std::unordered_map<std::string_view, size_t> last; // key text → index of its latest pair
    last.reserve(c.size() / 2);
    for (size_t i = 0; i + 1 < c.size(); i += 2) {
        const Node *key = c[i];
        if (key->kind != Kind::Scalar)
            continue;
        const auto [it, inserted] = last.emplace(std::string_view(key->text), i);
        if (!inserted) {
            doc.problems.push_back(
                {key->line, key->column,
                 QStringLiteral("duplicate key '%1' (also at line %2): dstack keeps this last value and ignores the "
                                "earlier one; remove one of them")
                     .arg(key->string())
                     .arg(c[it->second]->line),
                 true});
            it->second = i;
        }
    }
    size_t out = 0;
    for (size_t i = 0; i + 1 < c.size(); i += 2) {
        const Node *key = c[i];
        if (key->kind == Kind::Scalar && last.at(std::string_view(key->text)) != i)
            continue; // a later pair of the same key wins
        c[out] = c[i];
        c[out + 1] = c[i + 1];
        out += 2;
    }
    c.resize(out);
}

bool checkInput(const QByteArray &data, Document &out)
{
    if (!checkEncoding(data, out) || !checkIndentationTabs(data, out)) {
        out.fatal = true;
        return false;
    }
    return true;
}

void parse(const QByteArray &data, Document &out)
{
    if (!checkInput(data, out))
        return;
    if (parseCommonSubset(data, out))
        return;
    parseWithYamlCpp(data, out);
}

QByteArray withUnixLineEnds(const QByteArray &data)
{
    if (!data.contains('\r'))
        return data;
    QByteArray copy = data;
    return copy.replace("\r\n", "\n");
}

void parseWithYamlCpp(const QByteArray &input, Document &out)
{
    // yaml-cpp 0.7 mis-scans some flow collections before "\r\n"; a CR before LF changes
    // no line or column, so drop it.
    const QByteArray data = withUnixLineEnds(input);
    ByteArrayBuffer buffer(data);
    std::istream stream(&buffer);
    TreeBuilder builder(out);
    try {
        YAML::Parser parser(stream);
        if (parser.HandleNextDocument(builder) && parser.HandleNextDocument(builder) && builder.documents >= 2) {
            out.problems.insert(
                out.problems.begin(),
                {builder.secondDocument.line + 1, builder.secondDocument.column + 1,
                 QStringLiteral("a second YAML document starts here: a configuration file holds exactly one")});
            out.fatal = true;
        }
    } catch (const YAML::DeepRecursion &e) {
        // yaml-cpp's depth guard (2000 levels): without it, deep input overflows the stack.
        out.problems.clear();
        out.problems.push_back(
            {e.mark.line + 1, e.mark.column + 1,
             QStringLiteral("invalid YAML: nested more than %1 levels deep; a configuration never is")
                 .arg(e.depth() - 1)});
        out.fatal = true;
        out.root = nullptr;
    } catch (const YAML::Exception &e) {
        out.problems.clear();
        out.problems.push_back({e.mark.line + 1, e.mark.column + 1, explain(e.msg)});
        out.fatal = true;
        out.root = nullptr;
    } catch (const std::exception &e) {
        out.problems.clear();
        out.problems.push_back({1, 1, QStringLiteral("invalid YAML: %1").arg(QString::fromLocal8Bit(e.what()))});
        out.fatal = true;
        out.root = nullptr;
    }
}

bool isBoolWord(std::string_view s, bool *value)
{
    static constexpr std::string_view yes[] = {"yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
    static constexpr std::string_view no[] = {"no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"};
    for (auto w : yes) {
        if (s == w) {
            *value = true;
            return true;
        }
    }
    for (auto w : no) {
        if (s == w) {
            *value = false;
            return true;
        }
    }
    return false;
}

bool isIntWord(std::string_view s, long long *value)
{
    std::string digits;
    digits.reserve(s.size());
    for (char c : s) {
        if (c != '_')
            digits.push_back(c);
    }
    std::string_view d = digits;
    bool negative = false;
    if (!d.empty() && (d.front() == '+' || d.front() == '-')) {
        negative = d.front() == '-';
        d.remove_prefix(1);
    }
    if (d.empty() || (d.size() > 1 && d.front() == '0'))
        return false;
    long long v = 0;
    const auto [end, ec] = std::from_chars(d.data(), d.data() + d.size(), v);
    if (ec != std::errc() || end != d.data() + d.size())
        return false;
    *value = negative ? -v : v;
    return true;
}

bool isFloatWord(std::string_view s, double *value)
{
    // YAML 1.1 float: [-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)? (a dot is required).
    if (s.find('.') == std::string_view::npos || s == ".")
        return false;
    std::string t;
    t.reserve(s.size());
    for (char c : s) {
        if (c != '_')
            t.push_back(c);
        if (!(c == '_' || c == '.' || c == '+' || c == '-' || c == 'e' || c == 'E' || (c >= '0' && c <= '9')))
            return false;
    }
    const char *begin = t.data() + (t.front() == '+' ? 1 : 0); // from_chars refuses a leading '+'
    double v = 0;
    const auto [end, ec] = std::from_chars(begin, t.data() + t.size(), v); // locale-independent
    if (ec != std::errc() || end != t.data() + t.size())
        return false;
    *value = v;
    return true;
}

} // namespace gantry::yaml
