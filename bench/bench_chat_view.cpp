// The chat view under a streaming reply, against the frame budget, in the real ChatPanel
// (offscreen): an 8k-token markdown reply (paragraphs, lists, code blocks) streamed by a server
// on its own thread at 200 and at 3,500 tokens/s (second argument 0), and at 3,500 tokens/s one
// code block of 4,000 lines (second argument 1). Reported:
//   worst_busy_ms / p99_busy_ms — the longest stretches the GUI thread could not start a new
//       frame (a 2 ms heartbeat timer's lateness): the limit is 16 ms, one frame at 60 Hz;
//   p99_to_screen_ms / max_to_screen_ms — from the server writing a token to the end of the
//       first paint of the message view that shows it: the limit is one frame;
//   worst_frame_cpu_ms — the most CPU the GUI thread used between two heartbeats: the longest
//       stretch of our own work, which a busy machine's scheduler can only lengthen;
//   worst_busy_cpu_ms / worst_busy_wait_ms / worst_busy_at_pct — inside the worst stall, the
//       GUI thread's CPU, and its time waiting for a core behind this machine's other threads
//       (the rest is time the thread was not runnable, or the VM's vCPU was not running); and
//       where in the stream it fell (0: first token, 100: last).
//   With GANTRY_BENCH_STALL_LOG_MS=N, every stall longer than N ms is also printed to stderr
//   with its end on CLOCK_MONOTONIC, the clock of `perf record -k mono`, so that a profile of the
//   run can be cut down to the stalls' samples.
// Then a 2,000-message conversation: open → first paint of the view, and one frame of scrolling.
// And the cost of one whole repaint of the view showing the end of a long reply (the frame a
// streaming reply costs when its height changes and the view lays out again), for the 8k-token
// reply and for one 3,000-line code block: minimum and median of 200, so that this VM's
// preemptions, which a single worst frame cannot tell from our own work, drop out.

#include "core/chat/ChatSession.h"
#include "core/chat/ConversationStore.h"
#include "core/models/MessageListModel.h"
#include "ui/chat/ChatInput.h"
#include "ui/chat/ChatPanel.h"

#include "bench/common/BenchSupport.h"

#include <benchmark/benchmark.h>

#include <QApplication>
#include <QComboBox>
#include <QElapsedTimer>
#include <QListView>
#include <QScrollBar>
#include <QSpinBox>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <mutex>
#include <netinet/in.h>
#include <random>
#include <sys/socket.h>
#include <thread>
#include <time.h>
#include <unistd.h>
#include <vector>

using namespace gantry;
using Clock = std::chrono::steady_clock;

namespace {

// How long the calling thread has waited for a core (its run-queue time), from
// /proc/thread-self/schedstat; 0 when unknown.
double threadRunQueueMs()
{
    char buffer[128] = {};
    const int fd = ::open("/proc/thread-self/schedstat", O_RDONLY);
    if (fd < 0)
        return 0;
    const ssize_t n = ::read(fd, buffer, sizeof buffer - 1);
    ::close(fd);
    unsigned long long onCpu = 0, waiting = 0;
    if (n <= 0 || std::sscanf(buffer, "%llu %llu", &onCpu, &waiting) != 2)
        return 0;
    return double(waiting) / 1e6;
}

// CPU time of the calling thread.
double threadCpuMs()
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

double msSince(Clock::time_point from, Clock::time_point to)
{
    return std::chrono::duration<double, std::milli>(to - from).count();
}

// 8,000 tokens of markdown, as an assistant writes it.
// The streamed reply: headings, paragraphs, lists and short code blocks (kind 0), or one code
// block of 4,000 lines (kind 1), which the view grows in place rather than parsing it again.
std::vector<std::string> replyTokens(int kind = 0)
{
    std::vector<std::string> tokens;
    if (kind == 1) {
        tokens.push_back("```cpp\n");
        while (tokens.size() < 8000) {
            tokens.push_back("std::sort(rows.begin(), ");
            tokens.push_back("rows.end());\n");
        }
        tokens.push_back("```\n");
        return tokens;
    }
    std::mt19937 rng(3);
    const char *words[] = {"offer", "price", "GPU",   "memory", "sort", "the",
                           "a",     "model", "serve", "token",  "run",  "fast"};
    int i = 0;
    while (tokens.size() < 8000) {
        switch (i++ % 6) {
        case 0:
            tokens.push_back("## Step " + std::to_string(i) + "\n\n");
            break;
        case 2:
            tokens.push_back("\n\n```cpp\n");
            for (int l = 0; l < 6; ++l) {
                tokens.push_back("std::sort(rows.begin(), ");
                tokens.push_back("rows.end());\n");
            }
            tokens.push_back("```\n\n");
            break;
        case 4:
            for (int l = 0; l < 5; ++l) {
                tokens.push_back("- item ");
                tokens.push_back(std::string("**") + words[rng() % 12] + "**\n");
            }
            tokens.push_back("\n");
            break;
        default:
            for (int w = 0; w < 60; ++w)
                tokens.push_back(std::string(" ") + words[rng() % 12]);
            tokens.push_back(".\n\n");
        }
    }
    return tokens;
}

std::string jsonEscape(const std::string &s)
{
    std::string out;
    for (char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

// An OpenAI-compatible streaming server on 127.0.0.1 in its own thread: one request, then the
// reply at a fixed rate, each token's send time recorded with the reply length it completes.
class StreamingServer
{
public:
    StreamingServer(double tokensPerSecond, int kind)
        : m_rate(tokensPerSecond)
        , m_kind(kind)
    {
        m_fd = gantry::bench::listenOnLoopback(4, &m_port);
        m_thread = std::thread([this] { serve(); });
    }
    ~StreamingServer()
    {
        ::shutdown(m_fd, SHUT_RDWR);
        ::close(m_fd);
        m_thread.join();
    }
    int port() const { return m_port; }
    struct Sent {
        Clock::time_point at;
        qsizetype length;
    };
    std::vector<Sent> sent()
    {
        std::lock_guard lock(m_mutex);
        return m_sent;
    }

private:
    void serve()
    {
        const int c = ::accept(m_fd, nullptr, nullptr);
        if (c < 0)
            return;
        char buffer[65536];
        std::string request;
        while (request.find("\r\n\r\n") == std::string::npos) {
            const ssize_t n = ::recv(c, buffer, sizeof buffer, 0);
            if (n <= 0) {
                ::close(c);
                return;
            }
            request.append(buffer, size_t(n));
        }
        const std::string head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n";
        ::send(c, head.data(), head.size(), MSG_NOSIGNAL);
        const std::vector<std::string> tokens = replyTokens(m_kind);
        const auto start = Clock::now();
        qsizetype length = 0;
        for (size_t i = 0; i < tokens.size(); ++i) {
            std::this_thread::sleep_until(start + std::chrono::duration<double>(double(i) / m_rate));
            const std::string event =
                "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + jsonEscape(tokens[i]) + "\"}}]}\n\n";
            ::send(c, event.data(), event.size(), MSG_NOSIGNAL);
            length += QString::fromStdString(tokens[i]).size();
            std::lock_guard lock(m_mutex);
            m_sent.push_back({Clock::now(), length});
        }
        const std::string done =
            "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}\n\ndata: [DONE]\n\n";
        ::send(c, done.data(), done.size(), MSG_NOSIGNAL);
        ::close(c);
    }

    double m_rate;
    int m_kind;
    int m_fd = -1;
    int m_port = 0;
    std::thread m_thread;
    std::mutex m_mutex;
    std::vector<Sent> m_sent;
};

// Times the end of every paint of one widget, with how much of the reply it showed.
class PaintClock : public QObject
{
public:
    PaintClock(QWidget *viewport, ui::ChatPanel *panel)
        : m_viewport(viewport)
        , m_panel(panel)
    {
        viewport->installEventFilter(this);
    }
    struct Painted {
        Clock::time_point at;
        qsizetype length;
    };
    std::vector<Painted> painted;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (watched == m_viewport && event->type() == QEvent::Paint) {
            // Run the paint now, then note its end and what it showed.
            m_viewport->removeEventFilter(this);
            QCoreApplication::sendEvent(m_viewport, event);
            m_viewport->installEventFilter(this);
            MessageListModel *m = m_panel->messages();
            const int last = m->rowCount() - 1;
            painted.push_back(
                {Clock::now(), last >= 0 ? m->index(last).data(MessageListModel::ContentRole).toString().size() : 0});
            return true;
        }
        return false;
    }

private:
    QWidget *m_viewport;
    ui::ChatPanel *m_panel;
};

struct StreamResult {
    double worstBusyMs = 0, p99BusyMs = 0, p99ToScreenMs = 0, maxToScreenMs = 0;
    double worstBusyAtPct = 0; // where in the stream the worst stall ended: 0 first token, 100 last
    double worstBusyCpuMs = 0; // the GUI thread's CPU time in it: near worstBusyMs means our work, not preemption
    double worstBusyWaitMs = 0; // its time waiting for a core (other threads of this machine) in it
    double worstBeatCpuMs = 0; // the most CPU the GUI thread used between two beats: the longest frame of our work
    bool ok = false;
};

StreamResult streamOnce(double rate, int kind)
{
    StreamingServer server(rate, kind);
    ui::ChatPanel panel;
    panel.resize(1100, 800);
    panel.show();
    panel.addManualEndpoint(QStringLiteral("http://127.0.0.1:%1/v1").arg(server.port()), QStringLiteral("bench"), {});
    panel.maxTokens()->setValue(8192);
    panel.newConversation();
    QApplication::processEvents();
    PaintClock clock(panel.messageView()->viewport(), &panel);

    // The heartbeat: how late a 2 ms timer fires is how long the GUI thread was busy.
    std::vector<double> busy;
    double worstBeat = -1, worstBeatCpu = 0, maxBeatCpu = 0, lastCpu = threadCpuMs();
    double worstBeatWait = 0, lastWait = threadRunQueueMs();
    Clock::time_point worstBeatAt;
    QElapsedTimer beat;
    const double stallLogMs = qEnvironmentVariableIntValue("GANTRY_BENCH_STALL_LOG_MS");
    QTimer heart;
    heart.setTimerType(Qt::PreciseTimer);
    heart.setInterval(2);
    QObject::connect(&heart, &QTimer::timeout, [&] {
        const double cpu = threadCpuMs();
        const double wait = threadRunQueueMs();
        if (beat.isValid()) {
            maxBeatCpu = std::max(maxBeatCpu, cpu - lastCpu);
            busy.push_back(std::max(0.0, double(beat.nsecsElapsed()) / 1e6 - 2.0));
            if (stallLogMs > 0 && busy.back() > stallLogMs) {
                timespec now{};
                clock_gettime(CLOCK_MONOTONIC, &now);
                std::fprintf(stderr, "stall: end %.3f s, busy %.1f ms, cpu %.1f ms, wait %.1f ms\n",
                             double(now.tv_sec) + double(now.tv_nsec) / 1e9, busy.back(), cpu - lastCpu,
                             wait - lastWait);
            }
            if (busy.back() > worstBeat) {
                worstBeat = busy.back();
                worstBeatAt = Clock::now();
                worstBeatCpu = cpu - lastCpu;
                worstBeatWait = wait - lastWait;
            }
        }
        lastCpu = cpu;
        lastWait = wait;
        beat.restart();
    });
    bool finished = false;
    QObject::connect(panel.session(), &ChatSession::replyFinished, [&] { finished = true; });
    panel.input()->setPlainText(QStringLiteral("Explain sorting offers."));
    heart.start();
    panel.sendInput();
    QElapsedTimer guard;
    guard.start();
    while (!finished && guard.elapsed() < 120000)
        QApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    // Let the last frame be painted.
    QElapsedTimer settle;
    settle.start();
    while (settle.elapsed() < 100)
        QApplication::processEvents(QEventLoop::AllEvents, 20);
    heart.stop();

    StreamResult r;
    const auto sent = server.sent();
    if (!finished || sent.empty() || busy.empty())
        return r;
    std::vector<double> toScreen;
    size_t p = 0;
    for (const auto &s : sent) {
        while (p < clock.painted.size() && (clock.painted[p].at < s.at || clock.painted[p].length < s.length))
            ++p;
        if (p == clock.painted.size())
            return r; // a token never shown
        toScreen.push_back(msSince(s.at, clock.painted[p].at));
    }
    std::sort(busy.begin(), busy.end());
    std::sort(toScreen.begin(), toScreen.end());
    r.worstBusyMs = busy.back();
    r.p99BusyMs = busy[busy.size() * 99 / 100];
    r.p99ToScreenMs = toScreen[toScreen.size() * 99 / 100];
    r.maxToScreenMs = toScreen.back();
    r.worstBusyCpuMs = worstBeatCpu;
    r.worstBusyWaitMs = worstBeatWait;
    r.worstBeatCpuMs = maxBeatCpu;
    r.worstBusyAtPct =
        100.0 * msSince(sent.front().at, worstBeatAt) / std::max(1.0, msSince(sent.front().at, sent.back().at));
    r.ok = true;
    return r;
}

void BM_ChatViewStreaming(benchmark::State &state)
{
    const double rate = double(state.range(0));
    const int kind = int(state.range(1));
    StreamResult worst;
    for (auto _ : state) {
        const StreamResult r = streamOnce(rate, kind);
        if (!r.ok) {
            state.SkipWithError("the reply did not stream through to the screen");
            return;
        }
        state.SetIterationTime(r.worstBusyMs / 1000.0);
        if (r.worstBusyMs >= worst.worstBusyMs) {
            worst.worstBusyAtPct = r.worstBusyAtPct;
            worst.worstBusyCpuMs = r.worstBusyCpuMs;
            worst.worstBusyWaitMs = r.worstBusyWaitMs;
        }
        worst.worstBusyMs = std::max(worst.worstBusyMs, r.worstBusyMs);
        worst.worstBeatCpuMs = std::max(worst.worstBeatCpuMs, r.worstBeatCpuMs);
        worst.p99BusyMs = std::max(worst.p99BusyMs, r.p99BusyMs);
        worst.p99ToScreenMs = std::max(worst.p99ToScreenMs, r.p99ToScreenMs);
        worst.maxToScreenMs = std::max(worst.maxToScreenMs, r.maxToScreenMs);
    }
    state.counters["worst_busy_ms"] = worst.worstBusyMs;
    state.counters["worst_busy_at_pct"] = worst.worstBusyAtPct;
    state.counters["worst_busy_cpu_ms"] = worst.worstBusyCpuMs;
    state.counters["worst_busy_wait_ms"] = worst.worstBusyWaitMs;
    state.counters["worst_frame_cpu_ms"] = worst.worstBeatCpuMs;
    state.counters["p99_busy_ms"] = worst.p99BusyMs;
    state.counters["p99_to_screen_ms"] = worst.p99ToScreenMs;
    state.counters["max_to_screen_ms"] = worst.maxToScreenMs;
    state.SetLabel(kind == 0 ? "8k-token markdown reply; limit 16 ms" : "one 4,000-line code block; limit 16 ms");
}

// Opens the benchmark's chat store (the panel's, under GANTRY_HOME) and starts a conversation in
// it, the newest: the one a panel's openConversation(0) opens.
qint64 openWithConversation(ConversationStore &store, const QString &title)
{
    store.open(QString::fromLocal8Bit(qgetenv("GANTRY_HOME")) + QStringLiteral("/chat.sqlite"), nullptr);
    return store.createConversation(QStringLiteral("http://127.0.0.1:1/v1"), QStringLiteral("bench"), title)
        .value_or(-1);
}

// A 2,000-message conversation: open it (→ first paint of the view), then scroll a page.
void BM_ChatViewOpenAndScroll(benchmark::State &state)
{
    ConversationStore seed;
    const qint64 id = openWithConversation(seed, QStringLiteral("Long"));
    qint64 parent = 0;
    for (int m = 0; m < 2000; ++m)
        parent =
            seed.addMessage(
                    id, parent, m % 2 ? MessageRole::Assistant : MessageRole::User,
                    m % 2 ? QStringLiteral("Use **std::sort**:\n\n```cpp\nstd::sort(a, b);\n```\n\nDone (%1).").arg(m)
                          : QStringLiteral("Question %1?").arg(m))
                .value_or(-1);
    seed.flush();
    std::vector<double> open, scroll;
    for (auto _ : state) {
        ui::ChatPanel panel;
        panel.resize(1100, 800);
        panel.show();
        QApplication::processEvents();
        PaintClock clock(panel.messageView()->viewport(), &panel);
        const auto t0 = Clock::now();
        panel.openConversation(0);
        while (clock.painted.empty() || panel.messages()->rowCount() < 2000)
            QApplication::processEvents(QEventLoop::WaitForMoreEvents, 10);
        open.push_back(msSince(t0, clock.painted.front().at));
        QScrollBar *bar = panel.messageView()->verticalScrollBar();
        for (int i = 0; i < 10; ++i) {
            const auto s0 = Clock::now();
            bar->setValue(std::max(0, bar->value() - bar->pageStep()));
            panel.messageView()->viewport()->repaint();
            scroll.push_back(msSince(s0, Clock::now()));
        }
        state.SetIterationTime(open.back() / 1000.0);
    }
    std::sort(scroll.begin(), scroll.end());
    state.counters["open_to_paint_ms"] = *std::max_element(open.begin(), open.end());
    state.counters["scroll_frame_max_ms"] = scroll.back();
    state.SetLabel("2,000 messages; limits 100 ms and 16 ms");
}

// One whole repaint of the message view at the end of a long reply, stored complete: the 8k-token
// reply (0), or one 3,000-line code block (1).
void BM_ChatViewRepaintLongReply(benchmark::State &state)
{
    {
        ConversationStore seed;
        const qint64 id = openWithConversation(seed, QStringLiteral("Long reply"));
        QString reply;
        if (state.range(0) == 0) {
            for (const std::string &token : replyTokens())
                reply += QString::fromStdString(token);
        } else {
            // One code block of 3,000 lines: one document, many screens tall.
            reply = QStringLiteral("```cpp\n");
            for (int l = 0; l < 3000; ++l)
                reply += QStringLiteral("std::sort(rows.begin(), rows.end()); // line %1\n").arg(l);
            reply += QStringLiteral("```\n\nDone.");
        }
        const qint64 question =
            seed.addMessage(id, 0, MessageRole::User, QStringLiteral("Explain sorting offers.")).value_or(-1);
        seed.addMessage(id, question, MessageRole::Assistant, reply);
        seed.flush();
    }
    ui::ChatPanel panel;
    panel.resize(1100, 800);
    panel.show();
    QApplication::processEvents();
    panel.openConversation(0);
    QElapsedTimer settle;
    settle.start();
    while (settle.elapsed() < 300)
        QApplication::processEvents(QEventLoop::AllEvents, 20);
    QWidget *viewport = panel.messageView()->viewport();
    std::vector<double> frames;
    for (auto _ : state) {
        const auto t0 = Clock::now();
        viewport->repaint();
        frames.push_back(msSince(t0, Clock::now()));
        state.SetIterationTime(frames.back() / 1000.0);
    }
    std::sort(frames.begin(), frames.end());
    state.counters["repaint_min_ms"] = frames.front();
    state.counters["repaint_median_ms"] = frames[frames.size() / 2];
    state.SetLabel(state.range(0) == 0 ? "end of the 8k-token reply, whole viewport"
                                       : "end of a 3,000-line code block, whole viewport");
}

} // namespace

BENCHMARK(BM_ChatViewStreaming)
    ->Args({200, 0})
    ->Args({3500, 0})
    ->Args({3500, 1})
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ChatViewOpenAndScroll)->UseManualTime()->Iterations(3)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ChatViewRepaintLongReply)->Arg(0)->Arg(1)->UseManualTime()->Iterations(200)->Unit(benchmark::kMillisecond);

int main(int argc, char **argv)
{
    const gantry::bench::OwnState state;
    gantry::bench::offscreenUnlessTold();
    return gantry::bench::runBenchmarks<QApplication>(argc, argv);
}
