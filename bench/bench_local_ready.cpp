// Local readiness against its limit, in the same run: apply examples/local-tiny on the real
// llama-server with a `/health` probe, and measure how long after the service could first answer
// that probe Gantry reports the run ready (target ≤ 50 ms).
//
// The limit is measured beside it: a thread of this process sends the same probe (GET /health)
// back to back from the moment of apply, with blocking sockets and no event loop, and records
// when it is first answered 2xx. "Ready" is when this process's LocalBackend emits the run as
// ready, as the GUI sees it: supervisor probe, status.json, file watcher and refresh included.
// (Not dstack's default openai probe: a chat completion takes llama-server's only slot for
// hundreds of ms on its first call, so the limit's probe and the supervisor's would queue
// behind each other and measure the server, not Gantry.)

#include "core/backends/Backend.h"
#include "core/backends/BackendFactory.h"
#include "core/config/ConfigParser.h"

#include <benchmark/benchmark.h>

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace gantry;
using Clock = std::chrono::steady_clock;

namespace {

int freePort()
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : 0;
}

// One blocking HTTP/1.0 request on loopback; true when the status line says 2xx.
bool answers(int port, const std::string &request)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return false;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(quint16(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = false;
    if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0 &&
        ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == ssize_t(request.size())) {
        char head[16] = {};
        const ssize_t n = ::recv(fd, head, sizeof head - 1, MSG_WAITALL);
        ok = n >= 12 && std::strncmp(head, "HTTP/1.", 7) == 0 && head[9] == '2';
    }
    ::close(fd);
    return ok;
}

// Aborts the run and returns once the backend reports it final, so the next round starts on
// a quiet machine and a free port (at most 20 s).
void abortAndWait(Backend &backend, const QString &runName)
{
    auto final = [&] {
        for (const RunInfo &run : backend.runs())
            if (run.name == runName)
                return isFinal(run.status);
        return true;
    };
    QEventLoop loop;
    QObject::connect(&backend, &Backend::runsChanged, &loop, [&] {
        if (final())
            loop.quit();
    });
    QTimer::singleShot(20000, &loop, &QEventLoop::quit);
    backend.stop(runName, true);
    if (!final())
        loop.exec();
}

struct Sample {
    double readyAfterFirstAnswerMs = 0; // Gantry's ready − the first possible answer
    double firstAnswerMs = 0; // apply → first answer (the server's own start)
};

Sample deployOnce(Backend &backend, const QString &project, int port)
{
    const ParseResult parsed = loadConfiguration(project + QStringLiteral("/serve.dstack.yml"));
    Sample sample;
    if (!parsed.valid())
        return sample;
    const std::string request = "GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    std::atomic<bool> stop{false};
    std::atomic<Clock::rep> firstAnswer{0};
    const Clock::time_point t0 = Clock::now();
    std::thread limit([&] {
        while (!stop && firstAnswer == 0) {
            if (answers(port, request))
                firstAnswer = Clock::now().time_since_epoch().count();
            else
                std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
    });

    QString runName;
    Clock::time_point readyAt{};
    QEventLoop loop;
    QObject::connect(&backend, &Backend::runsChanged, &loop, [&] {
        for (const RunInfo &run : backend.runs())
            if (run.name == runName && run.ready && readyAt == Clock::time_point{}) {
                readyAt = Clock::now();
                loop.quit();
            }
    });
    QObject::connect(&backend, &Backend::planFinished, &loop, [&](int, const Plan &plan) {
        if (plan.offers.isEmpty()) {
            loop.quit();
            return;
        }
        backend.apply(*parsed.configuration, plan.offers.first());
    });
    QObject::connect(&backend, &Backend::applyFinished, &loop,
                     [&](int, const QString &name, const QString &applyError) {
                         runName = name;
                         if (!applyError.isEmpty())
                             loop.quit();
                     });
    QTimer::singleShot(60000, &loop, &QEventLoop::quit);
    backend.plan(*parsed.configuration);
    loop.exec();
    stop = true;
    limit.join();
    QObject::disconnect(&backend, nullptr, &loop, nullptr);
    if (!runName.isEmpty())
        abortAndWait(backend, runName);
    if (readyAt == Clock::time_point{} || firstAnswer == 0)
        return sample;
    const Clock::time_point first{Clock::duration(firstAnswer.load())};
    sample.firstAnswerMs = std::chrono::duration<double, std::milli>(first - t0).count();
    sample.readyAfterFirstAnswerMs = std::chrono::duration<double, std::milli>(readyAt - first).count();
    return sample;
}

void BM_LocalApplyToReady(benchmark::State &state)
{
    QTemporaryDir home;
    qputenv("GANTRY_HOME", home.path().toUtf8());
    const QString cache = QStringLiteral(GANTRY_LLAMA_DIR);
    qputenv("LLAMA_SERVER", (cache + QStringLiteral("/bin/llama-server")).toUtf8());
    qputenv("TINY_MODEL", (cache + QStringLiteral("/models/tiny.gguf")).toUtf8());
    std::unique_ptr<Backend> backend = createLocalBackend();
    std::vector<double> gaps, starts;
    for (auto _ : state) {
        const int port = freePort();
        QFile in(QStringLiteral(GANTRY_SOURCE_DIR "/examples/local-tiny/serve.dstack.yml"));
        in.open(QIODevice::ReadOnly);
        const QString project = home.filePath(QStringLiteral("p%1").arg(port));
        QDir().mkpath(project);
        QFile out(project + QStringLiteral("/serve.dstack.yml"));
        out.open(QIODevice::WriteOnly);
        out.write(in.readAll().replace("8088", QByteArray::number(port)) +
                  "\nprobes:\n  - type: http\n    url: /health\n");
        out.close();
        const Sample s = deployOnce(*backend, project, port);
        if (s.firstAnswerMs <= 0) {
            state.SkipWithError("the run did not become ready (llama-server cache missing?)");
            return;
        }
        state.SetIterationTime(s.readyAfterFirstAnswerMs / 1000.0);
        gaps.push_back(s.readyAfterFirstAnswerMs);
        starts.push_back(s.firstAnswerMs);
    }
    std::sort(gaps.begin(), gaps.end());
    std::sort(starts.begin(), starts.end());
    state.counters["gap_median_ms"] = gaps[gaps.size() / 2];
    state.counters["gap_max_ms"] = gaps.back();
    state.counters["server_start_median_ms"] = starts[starts.size() / 2];
    state.SetLabel("ready seen by the backend − first 2xx answer to GET /health");
}

} // namespace

BENCHMARK(BM_LocalApplyToReady)->UseManualTime()->Iterations(20)->Unit(benchmark::kMillisecond);

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
