#pragma once

// The on-disk line format of LogStore, in one place:
//   <ISO-8601 UTC timestamp with ms> <source> <text>\n
// Kept apart from LogStore so that the writer, the reader and the search agree byte for byte.

#include "core/runs/LogStore.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>
#include <QString>

namespace gantry {

// "2026-11-27T06:00:00.123Z stdout " — computed once per chunk, not once per line.
QByteArray logLinePrefix(const QDateTime &at, LogSource source);

// The longest text one log line carries: longer output (a service printing without
// newlines) continues on the next line, so memory stays bounded for writers and readers.
inline constexpr qsizetype kMaxLogLineText = 64 * 1024;
// The longest line a reader takes as one: a longer one (written by something else) is read
// in pieces. Above kMaxLogLineText with its prefix and U+FFFD replacements.
inline constexpr qsizetype kMaxLogLineBytes = 256 * 1024;

// Appends prefix + text + '\n' to out. A trailing '\r' is dropped and invalid UTF-8 is
// replaced (U+FFFD), so that the file is always valid UTF-8 whatever a process printed.
// Text longer than kMaxLogLineText becomes several lines.
void appendFormattedLine(QByteArray &out, const QByteArray &prefix, QByteArrayView text);

// A cut position <= max (and > 0) that does not split a UTF-8 sequence where possible.
qsizetype utf8CutBefore(QByteArrayView bytes, qsizetype max);

// Parses one line (with or without its '\n'). A malformed line keeps all of it as text.
LogLine parseLogLine(QByteArrayView line);

// Whether the text part of a formatted line contains a needle, case-insensitively.
// Built once per search: an ASCII needle is matched on the bytes without decoding them.
class LogTextMatcher
{
public:
    explicit LogTextMatcher(const QString &needle);
    bool matches(QByteArrayView line) const;

private:
    QString m_needle;
    QByteArray m_latin1;
    bool m_ascii = true;
};

} // namespace gantry
