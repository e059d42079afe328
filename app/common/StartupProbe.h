#pragma once

// `--startup-probe`, shared by gantry and the bare-window baseline (bench/bare_window.cpp) so
// that both are measured the same way: "painted" is printed when the window's first paint
// event has been handled, with "painted-cpu-ms" (the CPU the process had used by then: on a
// loaded machine a steadier figure than wall time), then "idle-rss-kb" after a second of
// idling, then the program quits. The benchmark times exec → "painted" from outside, so
// loading and linking count too. With GANTRY_STARTUP_PROBE_QUIT_AT_PAINT set the program ends
// right after "painted" (no idle second): a profiler then sees exactly the start
// (bench/scripts/start-instructions counts its instructions under callgrind).

#include <QCoreApplication>
#include <QEvent>
#include <QFile>
#include <QTextStream>
#include <QTimer>
#include <QWidget>

#include <functional>

#include <sys/resource.h>
#include <unistd.h>

namespace gantry::app {

// VmRSS of this process, from /proc (Linux); 0 when unknown.
inline qint64 residentKilobytes()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    return 0;
}

// User + system CPU time of this process so far, in milliseconds.
inline double cpuMilliseconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 +
           (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
}

class StartupProbe : public QObject
{
public:
    // afterPaint runs once the first paint is reported (e.g. open the newest conversation),
    // before the idle second whose memory is reported.
    explicit StartupProbe(QWidget *window, std::function<void()> afterPaint = {})
        : QObject(window)
        , m_window(window)
        , m_afterPaint(std::move(afterPaint))
    {
        window->installEventFilter(this);
    }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (watched != m_window || event->type() != QEvent::Paint || m_done)
            return false;
        m_done = true;
        // Reported once this paint has been handled: queued behind it.
        QTimer::singleShot(0, this, [this] {
            const double cpu = cpuMilliseconds();
            QTextStream(stdout) << "painted" << Qt::endl << "painted-cpu-ms " << cpu << Qt::endl;
            if (qEnvironmentVariableIsSet("GANTRY_STARTUP_PROBE_QUIT_AT_PAINT"))
                _exit(0); // the start only: no destructors, no idle second
            if (m_afterPaint)
                m_afterPaint();
            QTimer::singleShot(1000, this, [] {
                QTextStream(stdout) << "idle-rss-kb " << residentKilobytes() << Qt::endl;
                QCoreApplication::quit();
            });
        });
        return false;
    }

private:
    QWidget *m_window;
    std::function<void()> m_afterPaint;
    bool m_done = false;
};

} // namespace gantry::app
