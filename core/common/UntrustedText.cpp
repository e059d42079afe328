#include "core/common/UntrustedText.h"

namespace gantry {

namespace {

class BoundedWriter
{
public:
    BoundedWriter(int maxDepth, qsizetype maxChars)
        : m_maxDepth(maxDepth)
        , m_maxChars(maxChars)
    {}

    void write(const nlohmann::json &value, int depth)
    {
        if (full())
            return;
        switch (value.type()) {
        case nlohmann::json::value_t::object:
        case nlohmann::json::value_t::array: {
            const bool object = value.is_object();
            if (depth >= m_maxDepth) {
                append(object ? QStringLiteral("{…}") : QStringLiteral("[…]"));
                return;
            }
            append(object ? QStringLiteral("{") : QStringLiteral("["));
            bool first = true;
            for (auto it = value.begin(); it != value.end() && !full(); ++it) {
                if (!first)
                    append(QStringLiteral(","));
                first = false;
                if (object) {
                    appendString(it.key());
                    append(QStringLiteral(":"));
                }
                write(it.value(), depth + 1);
            }
            append(object ? QStringLiteral("}") : QStringLiteral("]"));
            return;
        }
        case nlohmann::json::value_t::string:
            appendString(value.get_ref<const std::string &>());
            return;
        case nlohmann::json::value_t::discarded:
            return;
        default:
            append(QString::fromStdString(value.dump())); // a scalar: bounded, no recursion
            return;
        }
    }

    QString text() const { return m_truncated ? m_out + QStringLiteral("…") : m_out; }

private:
    bool full() const { return m_truncated; }

    void append(const QString &s)
    {
        if (m_truncated)
            return;
        if (m_out.size() + s.size() > m_maxChars) {
            m_out += s.left(m_maxChars - m_out.size());
            m_truncated = true;
            return;
        }
        m_out += s;
    }

    void appendString(const std::string &s)
    {
        // Only as much of the string as could still be shown is decoded.
        const qsizetype room = std::max<qsizetype>(0, m_maxChars - m_out.size());
        const std::string_view head(s.data(), std::min(s.size(), size_t(room) * 4 + 4));
        append(QLatin1Char('"') + QString::fromUtf8(head.data(), qsizetype(head.size())) + QLatin1Char('"'));
    }

    int m_maxDepth;
    qsizetype m_maxChars;
    QString m_out;
    bool m_truncated = false;
};

bool isControl(char32_t c)
{
    return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

} // namespace

QString boundedJsonText(const nlohmann::json &value, int maxDepth, qsizetype maxChars)
{
    BoundedWriter writer(std::max(0, maxDepth), std::max<qsizetype>(1, maxChars));
    writer.write(value, 0);
    return writer.text();
}

QString withoutControlCharacters(const QString &text, bool keepNewlines)
{
    QString out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        const char16_t u = c.unicode();
        if (keepNewlines && u == u'\r' && i + 1 < text.size() && text.at(i + 1) == u'\n')
            continue; // CRLF reads as LF
        if (keepNewlines && (u == u'\n' || u == u'\t')) {
            out += c;
            continue;
        }
        // U+2028/2029 break lines too; bidi overrides reorder what follows.
        if (isControl(u) || u == 0x2028 || u == 0x2029 || (u >= 0x202A && u <= 0x202E) || (u >= 0x2066 && u <= 0x2069))
            out += QChar(0xFFFD);
        else
            out += c;
    }
    return out;
}

} // namespace gantry
