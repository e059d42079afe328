// A minimal LogStore used ONLY until core/runs/LogStore.cpp (branch `local`) is on main, so
// the dstack backend and its tests build standalone. tests/dstack/CMakeLists.txt compiles it
// only when the real one is absent. Same on-disk format as LogStore.h describes.

#include "runs/LogStore.h"

#include <QFile>
#include <QHash>

namespace gantry {

struct LogStore::Private {
    QString path;
    QHash<QString, QByteArray> partial;
    QList<LogLine> lines;
};

LogStore::LogStore(const QString &path, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
    d->path = path;
}

LogStore::~LogStore() = default;

QString LogStore::path() const { return d->path; }

void LogStore::appendChunk(const QByteArray &bytes, const QString &source, const QDateTime &at)
{
    QByteArray &buffer = d->partial[source];
    buffer += bytes;
    qsizetype nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
        appendLine(QString::fromUtf8(buffer.left(nl)), source, at);
        buffer.remove(0, nl + 1);
    }
}

void LogStore::appendLine(const QString &text, const QString &source, const QDateTime &at)
{
    QFile f(d->path);
    if (f.open(QIODevice::Append))
        f.write((at.toUTC().toString(Qt::ISODateWithMs) + QLatin1Char(' ') + source + QLatin1Char(' ') + text + QLatin1Char('\n')).toUtf8());
    d->lines.append({at.toUTC(), source, text});
    Q_EMIT linesAppended(d->lines.size() - 1, 1);
}

void LogStore::flushPartial()
{
    for (auto it = d->partial.begin(); it != d->partial.end(); ++it) {
        if (!it.value().isEmpty())
            appendLine(QString::fromUtf8(it.value()), it.key());
        it.value().clear();
    }
}

qint64 LogStore::lineCount() const { return d->lines.size(); }
LogLine LogStore::line(qint64 index) const { return d->lines.value(index); }
QList<LogLine> LogStore::lines(qint64 first, qint64 count) const { return d->lines.mid(first, count); }
QList<LogLine> LogStore::tail(qint64 count) const { return d->lines.mid(qMax<qint64>(0, d->lines.size() - count)); }
qint64 LogStore::find(const QString &needle, qint64 from, bool forward) const
{
    for (qint64 i = from; i >= 0 && i < d->lines.size(); i += forward ? 1 : -1)
        if (d->lines[i].text.contains(needle, Qt::CaseInsensitive))
            return i;
    return -1;
}
void LogStore::refresh() {}

} // namespace gantry
