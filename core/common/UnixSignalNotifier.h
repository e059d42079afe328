#pragma once

// Unix signals delivered on the Qt event loop: the handler only writes the signal's number to
// a socket pair (async-signal-safe); a QSocketNotifier reads it and emits received(). Used by
// the supervisor (SIGTERM/SIGINT: stop the service) and `gantry-cli chat` (Ctrl-C: stop the
// reply and keep it). The previous handlers come back when the notifier is destroyed.

#include <QList>
#include <QObject>

#include <csignal>
#include <memory>

class QSocketNotifier;

namespace gantry {

class UnixSignalNotifier : public QObject
{
    Q_OBJECT
public:
    // One notifier per process at a time: signal handlers are process-wide.
    explicit UnixSignalNotifier(const QList<int> &signalNumbers, QObject *parent = nullptr);
    ~UnixSignalNotifier() override;

    bool isActive() const { return m_notifier != nullptr; }

Q_SIGNALS:
    void received(int signalNumber);

private:
    QList<int> m_signals;
    QList<struct sigaction> m_previous;
    std::unique_ptr<QSocketNotifier> m_notifier;
};

} // namespace gantry
