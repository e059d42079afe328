#include "core/chat/SseParser.h"

#include <cstring>

namespace gantry {

namespace {

// Position of the first '\r' or '\n' at or after from, or -1.
qsizetype findLineEnd(QByteArrayView bytes, qsizetype from)
{
    const char *begin = bytes.data();
    const qsizetype size = bytes.size();
    for (qsizetype i = from; i < size; ++i) {
        const char c = begin[i];
        if (c == '\n' || c == '\r')
            return i;
    }
    return -1;
}

} // namespace

QList<SseEvent> SseParser::feed(QByteArrayView bytes)
{
    QList<SseEvent> events;
    if (bytes.isEmpty() || !m_error.isEmpty())
        return events;

    if (m_atStreamStart) {
        // A byte-order mark may itself arrive split; wait until three bytes are known.
        static constexpr char kBom[] = "\xEF\xBB\xBF";
        QByteArray head = m_line + bytes.toByteArray();
        if (head.size() < 3 && QByteArrayView(kBom).startsWith(head)) {
            m_line = head;
            return events;
        }
        m_atStreamStart = false;
        if (head.startsWith(kBom))
            head.remove(0, 3);
        m_line.clear();
        return feed(head);
    }

    qsizetype pos = 0;
    if (m_skipLineFeed) {
        m_skipLineFeed = false;
        if (bytes.front() == '\n')
            pos = 1;
    }
    while (pos < bytes.size()) {
        const qsizetype end = findLineEnd(bytes, pos);
        const qsizetype lineBytes = m_line.size() + (end < 0 ? bytes.size() : end) - pos;
        if (lineBytes > m_maxEventBytes) {
            m_error = QStringLiteral("a line of the event stream is longer than %1 MB")
                          .arg(m_maxEventBytes / (1024 * 1024.0), 0, 'g', 3);
            m_line.clear();
            m_data.clear();
            return events;
        }
        if (end < 0) {
            m_line.append(bytes.data() + pos, bytes.size() - pos);
            break;
        }
        ++m_linesCompleted;
        if (m_line.isEmpty()) {
            processLine(bytes.sliced(pos, end - pos), events);
        } else {
            m_line.append(bytes.data() + pos, end - pos);
            const QByteArray line = std::exchange(m_line, QByteArray());
            processLine(line, events);
        }
        if (!m_error.isEmpty())
            return events;
        pos = end + 1;
        if (bytes[end] == '\r') {
            if (pos == bytes.size())
                m_skipLineFeed = true;
            else if (bytes[pos] == '\n')
                ++pos;
        }
    }
    return events;
}

void SseParser::processLine(QByteArrayView line, QList<SseEvent> &out)
{
    if (line.isEmpty()) {
        // A blank line dispatches the event. Events without data are dropped (the spec).
        if (m_hasData) {
            out.append(SseEvent{m_event, m_data, m_lastId});
        }
        m_data.clear();
        m_event.clear();
        m_hasData = false;
        return;
    }
    if (line.front() == ':') {
        QByteArrayView comment = line.sliced(1);
        if (!comment.isEmpty() && comment.front() == ' ')
            comment = comment.sliced(1);
        m_lastComment = comment.first(std::min<qsizetype>(comment.size(), 4096)).toByteArray();
        return;
    }
    QByteArrayView field = line;
    QByteArrayView value;
    if (const qsizetype colon = line.indexOf(':'); colon >= 0) {
        field = line.first(colon);
        value = line.sliced(colon + 1);
        if (!value.isEmpty() && value.front() == ' ')
            value = value.sliced(1);
    }
    if (field == "data") {
        if (m_data.size() + value.size() + 1 > m_maxEventBytes) {
            m_error = QStringLiteral("an event of the stream is longer than %1 MB")
                          .arg(m_maxEventBytes / (1024 * 1024.0), 0, 'g', 3);
            m_data.clear();
            m_hasData = false;
            return;
        }
        if (m_hasData)
            m_data.append('\n');
        m_data.append(value.data(), value.size());
        m_hasData = true;
    } else if (field == "event") {
        m_event = QString::fromUtf8(value.first(std::min<qsizetype>(value.size(), 256)));
    } else if (field == "id") {
        if (!value.contains('\0'))
            m_lastId = QString::fromUtf8(value.first(std::min<qsizetype>(value.size(), 1024)));
    }
    // "retry" and unknown fields are ignored, as the spec says.
}

} // namespace gantry
