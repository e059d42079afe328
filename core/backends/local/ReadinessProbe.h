#pragma once

// Decides when a local service is ready, as dstack does: every configured HTTP probe has
// answered 2xx `ready_after` times in a row (each within its `timeout`); with no probes, the
// port accepting a TCP connection. A local service is cheap to ask, so it does not wait out
// dstack's 15 s interval: it knocks on the port every 20 ms until it accepts (portOpened()),
// then probes at once and every 10 ms for the next few seconds (a refused or 503 answer costs
// the service next to nothing), then backs off (×1.5 a round) to the configured interval,
// capped at 2 s. A service that answers is seen ready within a round trip plus 10 ms. It stops
// once ready.

#include "core/config/Configuration.h"
#include "core/net/HttpAccess.h"

#include <QElapsedTimer>
#include <QObject>

#include <memory>
#include <vector>

class QTimer;

namespace gantry {

class ReadinessProbe : public QObject
{
    Q_OBJECT
public:
    ReadinessProbe(int port, std::vector<ProbeSpec> probes, QObject *parent = nullptr);
    ~ReadinessProbe() override;

    void start();
    bool isReady() const { return m_ready; }
    QString lastFailure() const { return m_lastFailure; }

    // The schedule, exposed for tests: the delay before the next round of HTTP probes when
    // the port has been open for sinceOpenMs and the last delay was previousMs.
    static int nextDelayMs(qint64 sinceOpenMs, int previousMs, int configuredIntervalSec);
    static constexpr int kKnockIntervalMs = 20;
    static constexpr int kFastIntervalMs = 10;
    static constexpr int kFastPhaseMs = 5000;
    static constexpr int kLocalCapMs = 2000;

Q_SIGNALS:
    void portOpened(); // the first accepted TCP connection
    void ready();

private:
    void knock();
    void checkAll();
    void checkHttp(size_t index);
    void recordResult(size_t index, bool success, const QString &failure);
    void scheduleNextRound();

    int m_port;
    std::vector<ProbeSpec> m_probes;
    std::vector<int> m_streaks;
    int m_pending = 0;
    bool m_portOpen = false;
    bool m_ready = false;
    int m_delayMs = kFastIntervalMs;
    QElapsedTimer m_sinceOpen;
    QString m_lastFailure;
    std::unique_ptr<HttpClient> m_network; // made at the first HTTP probe
    std::vector<std::unique_ptr<HttpExchange>> m_inFlight; // this round's HTTP probes
    QTimer *m_timer = nullptr;
};

} // namespace gantry
