#include "core/backends/local/ReadinessProbe.h"

#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QTcpSocket>
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
    m_network = new QNetworkAccessManager(this);
    m_network->setProxy(QNetworkProxy::NoProxy); // 127.0.0.1 never goes through a proxy
    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    m_timer->setTimerType(Qt::PreciseTimer);
}

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
    auto *socket = new QTcpSocket(this);
    socket->setProxy(QNetworkProxy::NoProxy);
    connect(socket, &QTcpSocket::connected, this, [this, socket]() {
        socket->abort();
        socket->deleteLater();
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
    connect(socket, &QTcpSocket::errorOccurred, this, [this, socket]() {
        m_lastFailure = QStringLiteral("TCP 127.0.0.1:%1: %2").arg(m_port).arg(socket->errorString());
        socket->deleteLater();
        m_timer->disconnect();
        connect(m_timer, &QTimer::timeout, this, &ReadinessProbe::knock);
        m_timer->start(kKnockIntervalMs);
    });
    socket->connectToHost(QStringLiteral("127.0.0.1"), quint16(m_port));
}

void ReadinessProbe::checkAll()
{
    if (m_ready)
        return;
    m_pending = int(m_probes.size());
    for (size_t i = 0; i < m_probes.size(); ++i)
        checkHttp(i);
}

void ReadinessProbe::checkHttp(size_t index)
{
    const ProbeSpec &probe = m_probes[index];
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(probe.url)));
    request.setTransferTimeout(probe.timeoutSec * 1000);
    for (const auto &[name, value] : probe.headers)
        request.setRawHeader(name.toUtf8(), value.toUtf8());
    const QByteArray body = probe.body ? probe.body->toUtf8() : QByteArray();
    QNetworkReply *reply = m_network->sendCustomRequest(request, probe.method.toUpper().toLatin1(), body);
    connect(reply, &QNetworkReply::finished, this, [this, reply, index]() {
        reply->deleteLater();
        const int code = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const bool ok = code >= 200 && code < 300;
        recordResult(index, ok,
                     ok ? QString()
                        : QStringLiteral("%1 %2: %3")
                              .arg(m_probes[index].method.toUpper(), m_probes[index].url,
                                   code ? QString::number(code) : reply->errorString()));
    });
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
