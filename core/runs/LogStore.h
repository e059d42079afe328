#pragma once

// A run's log: one append-only file on disk plus an in-memory index of line offsets,
// so that memory grows with the number of lines (8 bytes each), not with the text.
// Writers (the local supervisor, the dstack log poller) append; any number of readers
// (GUI, CLI `logs -f`) open the same file and call refresh() to index what was added.
//
// On-disk format, one line per log line:  <ISO-8601 UTC timestamp with ms> <source> <text>\n
// e.g. "2026-11-27T06:00:00.123Z stdout listening on http://127.0.0.1:8000"
// source is "stdout", "stderr" or "gantry" (lines the supervisor itself writes): LogSource.

#include "core/runs/LogSource.h"

#include <QDateTime>
#include <QObject>
#include <QString>

#include <memory>

namespace gantry {

struct LogLine {
    QDateTime timestamp; // UTC
    LogSource source = LogSource::Stdout;
    QString text;
};

class LogStore : public QObject
{
    Q_OBJECT
public:
    // What closing the store does with unterminated lines. The stream's own writer ends them
    // (FlushOnClose: the supervisor). A cache of a stream that goes on elsewhere (a dstack
    // job's log, polled again by the next gantry process from its cursor) keeps them in
    // "<path>.partial" for its next opening, so a line is never cut where one process stopped.
    enum class PartialLines { FlushOnClose, KeepForNextOpen };

    explicit LogStore(const QString &path, PartialLines partialLines = PartialLines::FlushOnClose,
                      QObject *parent = nullptr);
    ~LogStore() override;
    // Forgets what a KeepForNextOpen store at `path` kept (its stream was replaced).
    static void removeKeptPartialLines(const QString &path);

    QString path() const;

    // Writing. Chunks need not be whole lines: a partial last line (and a partial UTF-8
    // sequence) is kept per source until its newline arrives.
    void appendChunk(const QByteArray &bytes, LogSource source, const QDateTime &at = QDateTime::currentDateTimeUtc());
    void appendLine(const QString &text, LogSource source, const QDateTime &at = QDateTime::currentDateTimeUtc());
    void flushPartial(); // write out unterminated lines (end of stream)

    // Reading.
    qint64 lineCount() const;
    LogLine line(qint64 index) const;
    QList<LogLine> lines(qint64 first, qint64 count) const;
    QList<LogLine> tail(qint64 count) const;
    // Index of the next line containing needle (case-insensitive) starting at `from`, or -1.
    qint64 find(const QString &needle, qint64 from, bool forward = true) const;

    // Index lines another process appended since the last look; emits linesAppended.
    void refresh();

Q_SIGNALS:
    void linesAppended(qint64 first, qint64 count);

private:
    void keepPartialLines();
    void takeKeptPartialLines();

    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace gantry
