// The desktop app as a user starts it: cold start of the real `gantry` binary to its first
// painted window (target ≤ 300 ms), and its idle memory with a project open and 20 chats in
// the store (target ≤ 80 MB). Each iteration is a fresh process (`gantry --startup-probe`),
// which prints both figures itself. Run offscreen: QT_QPA_PLATFORM=offscreen.

#include "chat/ConversationStore.h"

#include <benchmark/benchmark.h>

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>

using namespace gantry;

namespace {

// A state dir with 20 conversations of 20 messages each, markdown and code included.
QString seededHome()
{
    static QTemporaryDir home;
    static bool seeded = false;
    if (!seeded) {
        ConversationStore store;
        store.open(home.filePath(QStringLiteral("chat.sqlite")));
        for (int c = 0; c < 20; ++c) {
            const qint64 id = store.createConversation(QStringLiteral("http://127.0.0.1:8000/v1"), QStringLiteral("tiny"),
                                                       QStringLiteral("Conversation %1").arg(c));
            qint64 parent = 0;
            for (int m = 0; m < 20; ++m) {
                const bool user = m % 2 == 0;
                const QString text = user ? QStringLiteral("Question %1: how do I sort offers by price?").arg(m)
                                          : QStringLiteral("Use **std::sort** over an index vector:\n\n```cpp\nstd::sort(rows.begin(), rows.end());\n```\n\nThat is all (%1).").arg(m);
                parent = store.addMessage(id, parent, user ? QStringLiteral("user") : QStringLiteral("assistant"), text);
            }
        }
        store.flush();
        seeded = true;
    }
    return home.path();
}

struct Probe {
    double startupMs = -1;
    double idleRssMb = -1;
};

Probe runProbe()
{
    QProcess gantry;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("GANTRY_HOME"), seededHome());
    if (!env.contains(QStringLiteral("QT_QPA_PLATFORM")))
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    gantry.setProcessEnvironment(env);
    gantry.start(QStringLiteral(GANTRY_BINARY),
                 {QStringLiteral("--startup-probe"), QStringLiteral(GANTRY_SOURCE_DIR "/examples/local-tiny")});
    gantry.waitForFinished(30000);
    Probe p;
    for (const QByteArray &line : gantry.readAllStandardOutput().split('\n')) {
        if (line.startsWith("startup-ms "))
            p.startupMs = line.mid(11).toDouble();
        else if (line.startsWith("idle-rss-kb "))
            p.idleRssMb = line.mid(12).toDouble() / 1024.0;
    }
    return p;
}

void BM_GuiColdStartToWindowShown(benchmark::State &state)
{
    double sumStartup = 0, maxRss = 0;
    int n = 0;
    for (auto _ : state) {
        QElapsedTimer wall;
        wall.start();
        const Probe p = runProbe();
        if (p.startupMs < 0) {
            state.SkipWithError("gantry --startup-probe printed nothing");
            return;
        }
        state.SetIterationTime(p.startupMs / 1000.0);  // exec → first painted window, as measured inside
        sumStartup += p.startupMs;
        maxRss = std::max(maxRss, p.idleRssMb);
        ++n;
    }
    state.counters["startup_ms"] = n ? sumStartup / n : 0;
    state.counters["idle_rss_MB"] = maxRss;
    state.SetLabel("project + 20 chats; idle RSS after 1 s");
}

} // namespace

BENCHMARK(BM_GuiColdStartToWindowShown)->UseManualTime()->Iterations(10)->Unit(benchmark::kMillisecond);

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
