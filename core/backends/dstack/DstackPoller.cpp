#include "core/backends/dstack/DstackPoller.h"

namespace gantry {

DstackPoller::DstackPoller(QObject *parent)
    : QObject(parent)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &DstackPoller::roundDue);
}

void DstackPoller::setIntervals(int minMs, int maxMs)
{
    m_minMs = qMax(10, minMs);
    m_maxMs = qMax(m_minMs, maxMs);
    m_intervalMs = m_minMs;
}

void DstackPoller::hurry(int delayMs)
{
    m_intervalMs = m_minMs;
    m_polling = true;
    if (!m_roundRunning)
        m_timer.start(delayMs < 0 ? m_minMs : delayMs);
}

void DstackPoller::refreshNow()
{
    m_listNext = true;
    m_intervalMs = m_minMs;
    if (m_roundRunning)
        return;
    m_timer.stop();
    Q_EMIT roundDue();
}

void DstackPoller::beginRound()
{
    m_polling = true;
    m_roundRunning = true;
    m_changed = false;
    m_pending = 1; // the round itself, released by the caller's last requestFinished()
}

bool DstackPoller::takeListDue()
{
    const bool due = m_listNext || m_round % 5 == 0;
    m_listNext = false;
    return due;
}

void DstackPoller::requestFinished()
{
    if (--m_pending > 0)
        return;
    m_roundRunning = false;
    ++m_round;
    m_intervalMs = m_changed ? m_minMs : qMin(m_intervalMs + m_minMs, m_maxMs);
    if (!m_connected)
        m_intervalMs = m_maxMs;
    const bool synced = m_syncRequested;
    m_syncRequested = false;
    Q_EMIT roundFinished(m_changed, synced);
    if (m_polling)
        m_timer.start(m_intervalMs);
}

} // namespace gantry
