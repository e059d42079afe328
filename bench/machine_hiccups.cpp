// How much this machine takes a running thread's core away: one thread works in 20 µs chunks for
// N seconds (default 10) and prints every chunk that took over 2 ms, with its phase within the
// second and the CPU the thread was charged for it. On a VM whose host preempts the vCPU, such a
// chunk is charged as the thread's own CPU, so a GUI frame's "CPU" there is not all its work
// (bench_chat_view, issue 14). No Qt: nothing of ours in the loop.

#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace {

double nowMs(clockid_t clock)
{
    timespec t{};
    clock_gettime(clock, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

} // namespace

int main(int argc, char **argv)
{
    const double seconds = argc > 1 ? std::atof(argv[1]) : 10;
    volatile unsigned long sink = 0;
    const double start = nowMs(CLOCK_MONOTONIC);
    double last = start, lastCpu = nowMs(CLOCK_THREAD_CPUTIME_ID);
    int hiccups = 0;
    while (last - start < seconds * 1e3) {
        for (int i = 0; i < 20000; ++i)
            sink = sink + i;
        const double wall = nowMs(CLOCK_MONOTONIC), cpu = nowMs(CLOCK_THREAD_CPUTIME_ID);
        if (wall - last > 2.0) {
            ++hiccups;
            std::printf("at %.3f s (phase %.3f): chunk %.2f ms wall, %.2f ms charged CPU\n", wall / 1e3,
                        wall / 1e3 - double(long(wall / 1e3)), wall - last, cpu - lastCpu);
        }
        last = wall;
        lastCpu = cpu;
    }
    std::printf("%d chunks over 2 ms in %.0f s\n", hiccups, seconds);
    return 0;
}
