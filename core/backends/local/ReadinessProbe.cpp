#include "core/backends/local/ReadinessProbe.h"

#include <QTimer>

#include <algorithm>
#include <limits>

namespace gantry {

ReadinessProbe::ReadinessProbe(int port, std::vector<ProbeSpec> probes, QObject *parent)
    : QObject(parent)
    , m_port(port)
    , m_probes(std::move(probes))
    , m_streaks(m_probes.size(), 0)
{
    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    m_timer->setTimerType(Qt::PreciseTimer);
}

ReadinessProbe::~ReadinessProbe() = default;

int ReadinessProbe::nextDelayMs(qint64 sinceOpenMs, int previousMs, int configuredIntervalSec)
{
    if (sinceOpenMs < kFastPhaseMs)
        return kFastIntervalMs;
    const int cap = std::clamp(configuredIntervalSec * 1000, kFastIntervalMs, kLocalCapMs);
    return std::min(cap, std::max(kFastIntervalMs, previousMs + previousMs / 2));
}

void ReadinessProbe::start()
{
    knock();
}

// Until the port accepts, a refused connect costs microseconds on loopback: knock often.
void ReadinessProbe::knock()
{
    if (m_ready)
        return;
    QString problem;
    HttpAccess *access = httpAccess(&problem);
    if (!access) {
        m_lastFailure = problem; // a broken installation: say so, do not knock forever
        return;
    }
    access->knock(QStringLiteral("127.0.0.1"), m_port, this, [this](bool accepted, const QString &why) {
        if (!accepted) {
            m_lastFailure = QStringLiteral("TCP 127.0.0.1:%1: %2").arg(m_port).arg(why);
            m_timer->disconnect();
            connect(m_timer, &QTimer::timeout, this, &ReadinessProbe::knock);
            m_timer->start(kKnockIntervalMs);
            return;
        }
        m_portOpen = true;
        m_sinceOpen.start();
        Q_EMIT portOpened();
        if (m_probes.empty()) {
            m_ready = true;
            Q_EMIT ready();
            return;
        }
        checkAll();
    });
}

void ReadinessProbe::checkAll()
{
    if (m_ready)
        return;
    m_inFlight.clear(); // the last round's, all finished
    m_pending = int(m_probes.size());
    for (size_t i = 0; i < m_probes.size(); ++i)
        checkHttp(i);
}

void ReadinessProbe::checkHttp(size_t index)
{
    const ProbeSpec &probe = m_probes[index];
    HttpRequest request;
    request.method = probe.method.toUpper().toLatin1();
    request.url = QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(probe.url));
    request.transferTimeoutMs = probe.timeoutSec * 1000;
    for (const auto &[name, value] : probe.headers)
        request.headers.emplaceBack(name.toUtf8(), value.toUtf8());
    if (probe.body)
        request.body = probe.body->toUtf8();
    if (!m_network)
        m_network = makeHttpClient(true); // 127.0.0.1 never goes through a proxy
    m_inFlight.push_back(nullptr);
    const size_t slot = m_inFlight.size() - 1;
    HttpCallbacks done;
    done.finished = [this, index, slot] {
        HttpExchange &reply = *m_inFlight[slot];
        const int code = reply.status();
        const bool ok = code >= 200 && code < 300;
        recordResult(index, ok,
                     ok ? QString()
                        : QStringLiteral("%1 %2: %3")
                              .arg(m_probes[index].method.toUpper(), m_probes[index].url,
                                   code ? QString::number(code) : reply.errorString()));
    };
    m_inFlight[slot] = m_network->send(request, std::move(done));
}

void ReadinessProbe::recordResult(size_t index, bool success, const QString &failure)
{
    m_streaks[index] = success ? m_streaks[index] + 1 : 0;
    if (!success)
        m_lastFailure = failure;
    if (--m_pending > 0 || m_ready)
        return;
    bool all = true;
    for (size_t i = 0; i < m_probes.size(); ++i)
        all = all && m_streaks[i] >= std::max(1, m_probes[i].readyAfter);
    if (all) {
        m_ready = true;
        Q_EMIT ready();
        return;
    }
    scheduleNextRound();
}

void ReadinessProbe::scheduleNextRound()
{
    int configured = std::numeric_limits<int>::max() / 1000;
    for (const ProbeSpec &p : m_probes)
        configured = std::min(configured, std::max(1, p.intervalSec));
    m_delayMs = nextDelayMs(m_sinceOpen.elapsed(), m_delayMs, configured);
    m_timer->disconnect();
    connect(m_timer, &QTimer::timeout, this, &ReadinessProbe::checkAll);
    m_timer->start(m_delayMs);
}

} // namespace gantry
