#include "core/runs/LogLineFormat.h"

#include <QLatin1StringView>

namespace gantry {

namespace {

// Offset of the text part: after "<timestamp> <source> "; 0 when the line is malformed.
qsizetype textStart(QByteArrayView line)
{
    const qsizetype first = line.indexOf(' ');
    if (first < 0)
        return 0;
    const qsizetype second = line.sliced(first + 1).indexOf(' ');
    return second < 0 ? 0 : first + 1 + second + 1;
}

} // namespace

QByteArray logLinePrefix(const QDateTime &at, LogSource source)
{
    QByteArray prefix = at.toUTC().toString(Qt::ISODateWithMs).toLatin1();
    prefix += ' ';
    prefix += logSourceName(source).toUtf8();
    prefix += ' ';
    return prefix;
}

qsizetype utf8CutBefore(QByteArrayView bytes, qsizetype max)
{
    if (bytes.size() <= max)
        return bytes.size();
    qsizetype cut = max;
    // Back off over continuation bytes (10xxxxxx) to the start of the sequence, at most 3.
    for (int i = 0; i < 3 && cut > 1 && (uchar(bytes[cut]) & 0xC0) == 0x80; ++i)
        --cut;
    return (uchar(bytes[cut]) & 0xC0) == 0x80 ? max : cut;
}

void appendFormattedLine(QByteArray &out, const QByteArray &prefix, QByteArrayView text)
{
    if (text.endsWith('\r'))
        text.chop(1);
    do {
        const qsizetype cut = utf8CutBefore(text, kMaxLogLineText);
        const QByteArrayView piece = text.first(cut);
        text = text.sliced(cut);
        out += prefix;
        if (piece.isValidUtf8())
            out += piece;
        else
            out += QString::fromUtf8(piece).toUtf8();
        out += '\n';
    } while (!text.isEmpty());
}

LogLine parseLogLine(QByteArrayView line)
{
    if (line.endsWith('\n'))
        line.chop(1);
    LogLine result;
    const qsizetype start = textStart(line);
    if (start > 0) {
        const qsizetype space = line.indexOf(' ');
        result.timestamp = QDateTime::fromString(QString::fromLatin1(line.first(space)), Qt::ISODateWithMs);
        if (result.timestamp.isValid()) {
            result.timestamp = result.timestamp.toUTC();
            result.source = logSourceFromName(QString::fromUtf8(line.sliced(space + 1, start - space - 2)));
            result.text = QString::fromUtf8(line.sliced(start));
            return result;
        }
    }
    result.text = QString::fromUtf8(line);
    return result;
}

LogTextMatcher::LogTextMatcher(const QString &needle)
    : m_needle(needle)
{
    for (QChar c : needle) {
        if (c.unicode() >= 0x80) {
            m_ascii = false;
            return;
        }
    }
    m_latin1 = needle.toLatin1();
}

bool LogTextMatcher::matches(QByteArrayView line) const
{
    if (line.endsWith('\n'))
        line.chop(1);
    const QByteArrayView text = line.sliced(textStart(line));
    if (m_ascii) {
        // Latin-1 folding never maps a non-ASCII byte onto ASCII, so this is exact for an
        // ASCII needle and allocates nothing.
        return QLatin1StringView(text.data(), text.size()).contains(QLatin1StringView(m_latin1), Qt::CaseInsensitive);
    }
    return QString::fromUtf8(text).contains(m_needle, Qt::CaseInsensitive);
}

} // namespace gantry
