#pragma once

// An incremental parser for Server-Sent Events (the WHATWG "text/event-stream" format) as
// OpenAI-compatible servers stream chat completions. Bytes may arrive split at any
// boundary — inside a line, inside a "\r\n" pair, inside a UTF-8 sequence — and the events
// come out the same as if the whole stream had been fed at once.

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

namespace gantry {

struct SseEvent {
    QString event; // "event:" field; empty means the default "message"
    QByteArray data; // "data:" lines joined with '\n' (UTF-8, usually one JSON object)
    QString id; // "id:" field; the last one seen persists across events, as the spec says

    friend bool operator==(const SseEvent &, const SseEvent &) = default;
};

class SseParser
{
public:
    // No line and no event's data may be longer than this: a peer that sends an endless line
    // (or endless data: lines without the blank line that ends an event) makes the stream
    // malformed instead of growing memory without end.
    static constexpr qsizetype kDefaultMaxEventBytes = 4 * 1024 * 1024;

    explicit SseParser(qsizetype maxEventBytes = kDefaultMaxEventBytes)
        : m_maxEventBytes(maxEventBytes)
    {}

    // Feeds the next bytes of the stream; returns the events they complete, in order.
    // After a limit is exceeded, error() says so and nothing more is parsed.
    QList<SseEvent> feed(QByteArrayView bytes);

    // Empty while the stream is well-formed; else why it is not (a line or an event too long).
    QString error() const { return m_error; }

    // Lines completed so far (comments and pings included): progress, as opposed to bytes
    // of a line that may never end.
    qint64 linesCompleted() const { return m_linesCompleted; }

    // The last comment line (": …") seen, without the colon and one leading space.
    // Servers send pings this way, and dstack's model proxy sends mid-stream errors this way.
    QByteArray lastComment() const { return m_lastComment; }

    // True while a line or an event has started but is not complete: the stream stopped
    // in the middle of something.
    bool hasPartialEvent() const { return !m_line.isEmpty() || m_hasData; }

    void reset() { *this = SseParser(m_maxEventBytes); }

private:
    void processLine(QByteArrayView line, QList<SseEvent> &out);

    QByteArray m_line; // an incomplete line carried over from the previous feed
    QByteArray m_data; // data of the event being built
    QString m_event;
    QString m_lastId;
    QByteArray m_lastComment;
    bool m_hasData = false;
    bool m_skipLineFeed = false; // the previous feed ended with '\r': a '\n' next belongs to it
    bool m_atStreamStart = true; // a UTF-8 byte-order mark is dropped here
    qsizetype m_maxEventBytes;
    qint64 m_linesCompleted = 0;
    QString m_error;
};

} // namespace gantry
