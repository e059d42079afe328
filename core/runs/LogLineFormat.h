#pragma once

// The on-disk line format of LogStore, in one place:
//   <ISO-8601 UTC timestamp with ms> <source> <text>\n
// Kept apart from LogStore so that the writer, the reader and the search agree byte for byte.

#include "runs/LogStore.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>
#include <QString>

namespace gantry {

// "2026-11-27T06:00:00.123Z stdout " — computed once per chunk, not once per line.
QByteArray logLinePrefix(const QDateTime &at, const QString &source);

// Appends prefix + text + '\n' to out. A trailing '\r' is dropped and invalid UTF-8 is
// replaced (U+FFFD), so that the file is always valid UTF-8 whatever a process printed.
void appendFormattedLine(QByteArray &out, const QByteArray &prefix, QByteArrayView text);

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
