#pragma once

// Decides when a local service is ready, as dstack does: every configured HTTP probe has
// answered 2xx `ready_after` times in a row; with no probes, a TCP connect to the port.
// Until ready it checks every half second (a local service is cheap to ask; dstack's
// 15 s interval would make a local start feel slow), then it stops.

#include "config/Configuration.h"

#include <QObject>

#include <vector>

class QNetworkAccessManager;
class QTimer;

namespace gantry {

class ReadinessProbe : public QObject
{
    Q_OBJECT
public:
    ReadinessProbe(int port, std::vector<ProbeSpec> probes, QObject *parent = nullptr);

    void start();
    bool isReady() const { return m_ready; }
    QString lastFailure() const { return m_lastFailure; }

Q_SIGNALS:
    void ready();

private:
    void checkAll();
    void checkTcp();
    void checkHttp(size_t index);
    void recordResult(size_t index, bool success, const QString &failure);

    int m_port;
    std::vector<ProbeSpec> m_probes;
    std::vector<int> m_streaks;
    int m_pending = 0;
    bool m_ready = false;
    QString m_lastFailure;
    QNetworkAccessManager *m_network = nullptr;
    QTimer *m_timer = nullptr;
};

} // namespace gantry
