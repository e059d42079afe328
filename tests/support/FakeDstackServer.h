#pragma once

// Runs tests/support/dstack/fake_dstack_server.py as a real process on 127.0.0.1 and talks to its
// /__test__/ hooks. The fake judges every request with dstack's own schemas, so it runs on
// the oracle's python (DstackOracle.h); start() fails with the reason when there is none. The server keeps its runs in
// a state file, so kill() + start() on the same port is "the server went away and came back".

#include <QProcess>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <memory>

namespace gantry::test {

class FakeDstackServer
{
public:
    explicit FakeDstackServer(const QString &stateDir);
    ~FakeDstackServer();

    // port 0 = pick a free one; later starts reuse the port of the first.
    bool start(QString *error, const QStringList &extraArgs = {});
    void kill();

    int port() const { return m_port; }
    QString url() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    static QString token() { return QStringLiteral("test-token"); }

    // Blocking helper calls for tests (the code under test never blocks).
    nlohmann::json hook(const QString &path, const nlohmann::json &body = nullptr) const; // POST /__test__/…
    nlohmann::json lastRequest(const QString &apiPath) const; // its JSON body + headers
    nlohmann::json get(const QString &pathAndQuery) const;
    // Every API request so far: [{path, method, body, endpoint, errors}] (errors = dstack's 422 detail).
    nlohmann::json requests() const;
    // Each POST with a body that dstack's schema refused or that no schema judged, in words
    // (empty = all accepted); *judged collects the endpoints that were checked.
    QStringList refusedOrUnjudged(QStringList *judged = nullptr) const;

private:
    QString m_script;
    QString m_stateFile;
    QStringList m_args;
    int m_port = 0;
    std::unique_ptr<QProcess> m_process;
};

} // namespace gantry::test
