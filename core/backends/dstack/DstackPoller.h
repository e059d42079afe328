#pragma once

// When the dstack backend asks the server again, and whether anything changed in a round.
// A round is the requests one tick sends (runs/list now and then, runs/get of active runs,
// logs, metrics); the poller counts them in and out, and when the last one is answered says
// whether the round changed what a user sees. Idle rounds back off from the shortest interval
// to the longest; a change, a refresh or a user's action brings it back to the shortest; while
// the server is unreachable it waits the longest.

#include <QObject>
#include <QTimer>

namespace gantry {

class DstackPoller : public QObject
{
    Q_OBJECT
public:
    explicit DstackPoller(QObject *parent = nullptr);

    // Defaults 1000 → 5000 ms (tests shorten them).
    void setIntervals(int minMs, int maxMs);

    // Poll from now on; the next round after delayMs (default: the shortest interval), and
    // the shortest interval again (after an apply or a stop, things move).
    void hurry(int delayMs = -1);
    // A round now, with runs/list in it (unless one is running: then the next round lists).
    void refreshNow();
    // After the next round, the backend drains every log (a one-shot CLI's synchronize).
    void requestSync() { m_syncRequested = true; }

    // Inside a round (DstackBackend::tick).
    void beginRound();
    bool takeListDue(); // runs/list in this round? (asked for, or every fifth round)
    void requestStarted() { ++m_pending; }
    void markChanged() { m_changed = true; }
    void requestFinished(); // the round ends when the last one is in

    void setConnected(bool connected) { m_connected = connected; }
    bool roundRunning() const { return m_roundRunning; }
    int intervalMs() const { return m_intervalMs; }

Q_SIGNALS:
    void roundDue(); // run a round now
    void roundFinished(bool changed, bool synced); // synced: requestSync() was pending

private:
    QTimer m_timer;
    bool m_polling = false;
    bool m_roundRunning = false;
    bool m_listNext = true;
    bool m_changed = false;
    bool m_connected = true;
    bool m_syncRequested = false;
    int m_pending = 0;
    int m_round = 0;
    int m_minMs = 1000;
    int m_maxMs = 5000;
    int m_intervalMs = 1000;
};

} // namespace gantry
