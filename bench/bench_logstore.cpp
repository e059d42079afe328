// LogStore: ingest 1M lines (~100 MB) through appendChunk as a supervisor would (64 KiB
// pipe reads), then index the same file from a second instance (a GUI reattaching), and time
// tail, range and search. Reports lines/s (wall clock), index bytes per line and how much
// resident memory a live store adds (it should be the index, not the ~100 MB of text).

#include "core/runs/LogStore.h"

#include <benchmark/benchmark.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

using namespace gantry;

namespace {

constexpr int kLines = 1'000'000;
constexpr qsizetype kChunk = 64 * 1024;

// ~70 bytes of text per line; with the 32-byte "<timestamp> stdout " prefix ≈100 bytes on disk.
QByteArray makeText()
{
    QByteArray text;
    text.reserve(kLines * 72);
    for (int i = 0; i < kLines; ++i) {
        text += "INFO request ";
        text += QByteArray::number(i);
        text += " served /v1/chat/completions in 12.5 ms tokens=128 ok\n";
    }
    return text;
}

const QByteArray &text()
{
    static const QByteArray t = makeText();
    return t;
}

// Current resident set (VmRSS), so that a delta shows what a live LogStore keeps.
long rssKb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLong();
    return 0;
}

QString logPath()
{
    static QTemporaryDir dir;
    return dir.path() + QStringLiteral("/log");
}

// Returns the RSS growth (KiB) while the writing store is still alive.
long ingest(const QString &path)
{
    QFile::remove(path);
    const long before = rssKb();
    LogStore store(path);
    const QByteArray &t = text();
    for (qsizetype at = 0; at < t.size(); at += kChunk)
        store.appendChunk(t.mid(at, kChunk), LogSource::Stdout);
    store.flushPartial();
    return rssKb() - before;
}

void BM_Ingest1M(benchmark::State &state)
{
    text();
    long rssDelta = 0;
    for (auto _ : state)
        rssDelta = ingest(logPath());
    LogStore check(logPath());
    state.counters["lines"] = double(check.lineCount());
    state.counters["lines_per_s"] =
        benchmark::Counter(double(kLines) * double(state.iterations()), benchmark::Counter::kIsRate);
    state.counters["file_MB"] = double(QFileInfo(logPath()).size()) / 1e6;
    state.counters["rss_delta_MB"] = double(rssDelta) / 1024.0;
}
BENCHMARK(BM_Ingest1M)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

void BM_IndexExistingFile(benchmark::State &state)
{
    if (QFileInfo(logPath()).size() == 0)
        ingest(logPath());
    qint64 lines = 0;
    long rssDelta = 0;
    for (auto _ : state) {
        const long before = rssKb();
        LogStore reader(logPath());
        lines = reader.lineCount();
        rssDelta = rssKb() - before;
        benchmark::DoNotOptimize(lines);
    }
    state.counters["lines_per_s"] =
        benchmark::Counter(double(lines) * double(state.iterations()), benchmark::Counter::kIsRate);
    state.counters["index_bytes_per_line"] = double(sizeof(qint64)); // std::vector<qint64> of line offsets
    state.counters["rss_delta_MB"] = double(rssDelta) / 1024.0;
}
BENCHMARK(BM_IndexExistingFile)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

void BM_Tail1000(benchmark::State &state)
{
    LogStore store(logPath());
    for (auto _ : state)
        benchmark::DoNotOptimize(store.tail(1000));
}
BENCHMARK(BM_Tail1000)->Unit(benchmark::kMicrosecond);

void BM_RangeMiddle1000(benchmark::State &state)
{
    LogStore store(logPath());
    for (auto _ : state)
        benchmark::DoNotOptimize(store.lines(store.lineCount() / 2, 1000));
}
BENCHMARK(BM_RangeMiddle1000)->Unit(benchmark::kMicrosecond);

void BM_FindLastLine(benchmark::State &state)
{
    // The worst case: the only match is the last line, so all 100 MB are scanned.
    LogStore store(logPath());
    const QString needle = QStringLiteral("REQUEST %1 SERVED").arg(kLines - 1);
    qint64 found = -1;
    for (auto _ : state) {
        found = store.find(needle, 0);
        benchmark::DoNotOptimize(found);
    }
    state.counters["found_at"] = double(found);
}
BENCHMARK(BM_FindLastLine)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

} // namespace

BENCHMARK_MAIN();
