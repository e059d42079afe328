#include "core/runs/LogStore.h"

#include "core/common/StatePaths.h"
#include "core/runs/LogLineFormat.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QMap>
#include <QSignalBlocker>

#include <algorithm>
#include <cstring>
#include <vector>

namespace gantry {

namespace {

constexpr qint64 kReadBlock = 1 << 20; // bytes read at once when indexing or searching

} // namespace

struct LogStore::Private {
    QString path;
    QFile writer; // opened lazily, append-only
    mutable QFile reader; // opened lazily, read-only
    std::vector<qint64> offsets; // start offset of every indexed line
    qint64 indexedEnd = 0; // bytes up to (and including) the last indexed '\n'
    QMap<LogSource, QByteArray> partial; // unterminated bytes per source (may end mid UTF-8 sequence)
    PartialLines partialLines = PartialLines::FlushOnClose;

    bool openWriter()
    {
        if (writer.isOpen())
            return true;
        writer.setFileName(path);
        if (!writer.open(QIODevice::WriteOnly | QIODevice::Append))
            return false;
        writer.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner); // what a service printed may be secret
        return true;
    }

    bool openReader() const
    {
        if (reader.isOpen())
            return true;
        reader.setFileName(path);
        return reader.open(QIODevice::ReadOnly);
    }

    qint64 lineEnd(qint64 index) const
    {
        return size_t(index + 1) < offsets.size() ? offsets[size_t(index + 1)] : indexedEnd;
    }

    // Bytes of lines [first, first+count), each ending with '\n'.
    QByteArray readLines(qint64 first, qint64 count) const
    {
        if (count <= 0 || !openReader())
            return {};
        const qint64 begin = offsets[size_t(first)];
        const qint64 end = lineEnd(first + count - 1);
        if (!reader.seek(begin))
            return {};
        return reader.read(end - begin);
    }

    // Appends already formatted, newline-terminated lines and indexes them.
    void writeFormatted(const QByteArray &bytes, LogStore *q)
    {
        if (bytes.isEmpty() || !openWriter())
            return;
        const qint64 first = qint64(offsets.size());
        const bool written = writer.write(bytes) == bytes.size();
        writer.flush();
        const qint64 pos = writer.size() - bytes.size();
        if (!written || pos != indexedEnd) {
            // Someone else wrote too (or the write failed): index from the file itself.
            q->refresh();
            return;
        }
        const char *data = bytes.constData();
        const qsizetype n = bytes.size();
        qsizetype start = 0;
        while (start < n) {
            const char *nl = static_cast<const char *>(memchr(data + start, '\n', size_t(n - start)));
            const qsizetype end = nl ? qsizetype(nl - data) + 1 : n;
            offsets.push_back(pos + start);
            start = end;
        }
        indexedEnd = pos + n;
        Q_EMIT q->linesAppended(first, qint64(offsets.size()) - first);
    }
};

LogStore::LogStore(const QString &path, PartialLines partialLines, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
    d->path = path;
    d->partialLines = partialLines;
    d->offsets.reserve(1024);
    if (partialLines == PartialLines::KeepForNextOpen)
        takeKeptPartialLines();
    // Index what is already there, silently: nobody is connected yet.
    const QSignalBlocker blocker(this);
    refresh();
}

LogStore::~LogStore()
{
    if (d->partialLines == PartialLines::KeepForNextOpen)
        keepPartialLines();
    else
        flushPartial();
}

// "<path>.partial": one line per source with unterminated bytes, "<source> <base64>".
static QString keptPartialPath(const QString &logPath)
{
    return logPath + QStringLiteral(".partial");
}

void LogStore::removeKeptPartialLines(const QString &path)
{
    QFile::remove(keptPartialPath(path));
}

void LogStore::keepPartialLines()
{
    QByteArray kept;
    for (auto it = d->partial.cbegin(); it != d->partial.cend(); ++it) {
        if (!it.value().isEmpty())
            kept += logSourceName(it.key()).toUtf8() + ' ' + it.value().toBase64() + '\n';
    }
    if (kept.isEmpty()) {
        removeKeptPartialLines(d->path);
        return;
    }
    // Best effort: if it cannot be written, the next process starts that line anew, as before.
    writeFileAtomically(keptPartialPath(d->path), kept, nullptr);
}

void LogStore::takeKeptPartialLines()
{
    QFile file(keptPartialPath(d->path));
    if (!file.open(QIODevice::ReadOnly))
        return;
    // Each kept piece is below kMaxLogLineText; anything larger is not ours.
    const QByteArray kept = file.read(8 * (kMaxLogLineText + 64));
    file.remove();
    for (const QByteArray &line : kept.split('\n')) {
        const qsizetype space = line.indexOf(' ');
        if (space <= 0)
            continue;
        const LogSource source = logSourceFromName(QString::fromUtf8(line.left(space)));
        d->partial[source] = QByteArray::fromBase64(line.mid(space + 1)).left(kMaxLogLineText);
    }
}

QString LogStore::path() const
{
    return d->path;
}

void LogStore::appendChunk(const QByteArray &bytes, LogSource source, const QDateTime &at)
{
    if (bytes.isEmpty())
        return;
    QByteArray &pending = d->partial[source];
    const QByteArray prefix = logLinePrefix(at, source);
    QByteArray out;
    qsizetype start = 0;
    const qsizetype lastNewline = bytes.lastIndexOf('\n');
    if (lastNewline >= 0)
        out.reserve(bytes.size() + pending.size() + 64 * (bytes.size() / 64 + 1));
    bool firstLine = true;
    while (start <= lastNewline) {
        const qsizetype nl = bytes.indexOf('\n', start);
        QByteArrayView piece(bytes.constData() + start, nl - start);
        if (firstLine && !pending.isEmpty()) {
            pending.append(piece);
            appendFormattedLine(out, prefix, pending);
            pending.clear();
        } else {
            appendFormattedLine(out, prefix, piece);
        }
        firstLine = false;
        start = nl + 1;
    }
    if (start < bytes.size())
        pending.append(bytes.constData() + start, bytes.size() - start);
    // Output without a newline is written in pieces of kMaxLogLineText, so neither the
    // writer nor a reader ever holds more than one such piece of it.
    if (pending.size() >= kMaxLogLineText) {
        qsizetype done = 0;
        while (pending.size() - done >= kMaxLogLineText) {
            const qsizetype cut = utf8CutBefore(QByteArrayView(pending).sliced(done), kMaxLogLineText);
            appendFormattedLine(out, prefix, QByteArrayView(pending).sliced(done, cut));
            done += cut;
        }
        pending.remove(0, done);
    }
    d->writeFormatted(out, this);
}

void LogStore::appendLine(const QString &text, LogSource source, const QDateTime &at)
{
    QByteArray out;
    const QByteArray prefix = logLinePrefix(at, source);
    // A multi-line message becomes several log lines with the same timestamp.
    const QByteArray utf8 = text.toUtf8();
    qsizetype start = 0;
    while (true) {
        const qsizetype nl = utf8.indexOf('\n', start);
        appendFormattedLine(out, prefix, QByteArrayView(utf8).sliced(start, (nl < 0 ? utf8.size() : nl) - start));
        if (nl < 0)
            break;
        start = nl + 1;
    }
    d->writeFormatted(out, this);
}

void LogStore::flushPartial()
{
    QByteArray out;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (auto it = d->partial.begin(); it != d->partial.end(); ++it) {
        if (it.value().isEmpty())
            continue;
        appendFormattedLine(out, logLinePrefix(now, it.key()), it.value());
        it.value().clear();
    }
    d->writeFormatted(out, this);
}

qint64 LogStore::lineCount() const
{
    return qint64(d->offsets.size());
}

LogLine LogStore::line(qint64 index) const
{
    if (index < 0 || index >= lineCount())
        return {};
    return parseLogLine(d->readLines(index, 1));
}

QList<LogLine> LogStore::lines(qint64 first, qint64 count) const
{
    first = std::max<qint64>(first, 0);
    count = std::min(count, lineCount() - first);
    QList<LogLine> result;
    if (count <= 0)
        return result;
    result.reserve(count);
    const QByteArray block = d->readLines(first, count);
    const qint64 base = d->offsets[size_t(first)];
    for (qint64 i = first; i < first + count; ++i) {
        const qint64 begin = d->offsets[size_t(i)] - base;
        const qint64 end = std::min<qint64>(d->lineEnd(i) - base, block.size());
        if (begin >= end)
            break; // the file shrank under us
        result.append(parseLogLine(QByteArrayView(block).sliced(begin, end - begin)));
    }
    return result;
}

QList<LogLine> LogStore::tail(qint64 count) const
{
    return lines(lineCount() - count, count);
}

qint64 LogStore::find(const QString &needle, qint64 from, bool forward) const
{
    const qint64 total = lineCount();
    if (needle.isEmpty() || total == 0 || from < 0 || from >= total)
        return -1;
    const qint64 step = forward ? 1 : -1;
    const LogTextMatcher matcher(needle);
    // Scan blocks of ~kReadBlock bytes: read, split into lines, match the text part only.
    qint64 index = from;
    while (index >= 0 && index < total) {
        qint64 first = index, last = index; // inclusive range of this block
        if (forward) {
            while (last + 1 < total && d->lineEnd(last + 1) - d->offsets[size_t(index)] < kReadBlock)
                ++last;
        } else {
            while (first > 0 && d->lineEnd(index) - d->offsets[size_t(first - 1)] < kReadBlock)
                --first;
        }
        const QByteArray block = d->readLines(first, last - first + 1);
        const qint64 base = d->offsets[size_t(first)];
        for (qint64 i = index; i >= first && i <= last; i += step) {
            const qint64 begin = d->offsets[size_t(i)] - base;
            const qint64 end = d->lineEnd(i) - base;
            if (end > block.size())
                return -1; // file shrank under us
            if (matcher.matches(QByteArrayView(block).sliced(begin, end - begin)))
                return i;
        }
        index = forward ? last + 1 : first - 1;
    }
    return -1;
}

void LogStore::refresh()
{
    const qint64 size = QFileInfo(d->path).size();
    if (size < d->indexedEnd) {
        // Truncated or replaced: start over.
        d->offsets.clear();
        d->indexedEnd = 0;
        d->reader.close();
    }
    if (size == d->indexedEnd || !d->openReader())
        return;
    const qint64 first = lineCount();
    if (!d->reader.seek(d->indexedEnd))
        return;
    qint64 pos = d->indexedEnd;
    qint64 lineStart = d->indexedEnd;
    while (pos < size) {
        const QByteArray block = d->reader.read(std::min(kReadBlock, size - pos));
        if (block.isEmpty())
            break;
        const char *data = block.constData();
        qsizetype at = 0;
        while (at < block.size()) {
            const char *nl = static_cast<const char *>(memchr(data + at, '\n', size_t(block.size() - at)));
            const qint64 lineEnd = nl ? pos + qsizetype(nl - data) + 1 : pos + block.size();
            // A line longer than kMaxLogLineBytes (not written by LogStore) is indexed in
            // pieces, so that reading one line never means reading gigabytes.
            while (lineEnd - lineStart > kMaxLogLineBytes) {
                d->offsets.push_back(lineStart);
                lineStart += kMaxLogLineBytes;
            }
            if (!nl)
                break;
            d->offsets.push_back(lineStart);
            at = qsizetype(nl - data) + 1;
            lineStart = pos + at;
        }
        pos += block.size();
    }
    // A partially written last line stays unindexed until its newline arrives.
    d->indexedEnd = lineStart;
    const qint64 added = lineCount() - first;
    if (added > 0)
        Q_EMIT linesAppended(first, added);
}

} // namespace gantry
