// The run monitor's log view over a 1M-line LogStore: one frame of scrolling to a random
// place, and one frame of following (100 new lines appended, view at the bottom), each
// measured as layout + paint of the real widget (offscreen); appending to the store is the
// writer's work and is not timed. Target: no frame over 16 ms.

#include "core/models/LogModel.h"
#include "core/runs/LogStore.h"
#include "ui/runs/LogView.h"

#include "bench/common/BenchSupport.h"

#include <benchmark/benchmark.h>

#include <QApplication>
#include <QScrollBar>
#include <QTableView>
#include <QTemporaryDir>

#include <random>

using namespace gantry;

namespace {

struct Fixture {
    QTemporaryDir dir;
    std::unique_ptr<LogStore> store;
    std::unique_ptr<ui::LogView> view;
    qint64 next = 0;

    Fixture()
    {
        store = std::make_unique<LogStore>(dir.filePath(QStringLiteral("run.log")));
        const QDateTime t0 = QDateTime::currentDateTimeUtc();
        for (next = 0; next < 1000000; ++next)
            store->appendLine(
                QStringLiteral("srv  log_server_r: request: POST /v1/chat/completions 127.0.0.1 200 line %1").arg(next),
                LogSource::Stdout, t0);
        view = std::make_unique<ui::LogView>();
        view->resize(1000, 600);
        view->show();
        view->setStore(store.get());
        QApplication::processEvents();
    }
};

Fixture &fixture()
{
    static Fixture f;
    return f;
}

void BM_LogScrollFrame(benchmark::State &state)
{
    Fixture &f = fixture();
    f.view->setFollow(false);
    QScrollBar *bar = f.view->view()->verticalScrollBar();
    std::mt19937 rng(7);
    for (auto _ : state) {
        bar->setValue(int(rng() % uint32_t(std::max(1, bar->maximum()))));
        f.view->view()->viewport()->repaint();
    }
    state.SetLabel("1M lines");
}

void BM_LogFollowFrame(benchmark::State &state)
{
    Fixture &f = fixture();
    f.view->setFollow(true);
    for (auto _ : state) {
        // The writer's side (another process in real use) is not part of the GUI's frame.
        state.PauseTiming();
        for (int i = 0; i < 100; ++i)
            f.store->appendLine(QStringLiteral("follow line %1").arg(f.next++), LogSource::Stdout);
        state.ResumeTiming();
        QApplication::processEvents(); // insert rows, scroll to the bottom
        f.view->view()->viewport()->repaint();
    }
    state.SetLabel("1M lines, +100 lines per frame");
}

} // namespace

BENCHMARK(BM_LogScrollFrame)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LogFollowFrame)->Unit(benchmark::kMillisecond);

int main(int argc, char **argv)
{
    gantry::bench::offscreenUnlessTold();
    return gantry::bench::runBenchmarks<QApplication>(argc, argv);
}
