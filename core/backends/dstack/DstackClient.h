#pragma once

// The one way Gantry talks to a dstack server's REST API (docs/reference/dstack-api.md): every request goes
// through request(), which adds the base URL (keeping any path prefix), the bearer token,
// X-API-VERSION, a JSON body and a per-request timeout, and maps failures to DstackError.
// Callbacks are bound to an owner: when the owner is destroyed first, the reply is aborted
// and no callback runs, so no reply ever outlives the object that asked for it.

#include "core/backends/dstack/DstackError.h"
#include "core/net/HttpAccess.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>

namespace gantry {

class DstackClient : public QObject
{
    Q_OBJECT
public:
    // The dstack version Gantry was built and tested against; sent as X-API-VERSION so an
    // older server refuses clearly instead of misreading us
    // (docs/reference/dstack-api.md#versions-gantry-speaks-to-and-how-that-was-checked).
    static constexpr const char *kApiVersion = "0.21.2";

    using OnSuccess = std::function<void(const nlohmann::json &body)>;
    using OnError = std::function<void(const DstackError &error)>;

    DstackClient(const QString &serverUrl, const QString &project, const QString &token, QObject *parent = nullptr);
    ~DstackClient() override;

    QString serverUrl() const { return m_serverUrl; }
    QString project() const { return m_project; }
    void setToken(const QString &token) { m_token = token; }
    bool hasToken() const { return !m_token.isEmpty(); }
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }
    int timeoutMs() const { return m_timeoutMs; }

    // POST path (e.g. "/api/server/get_info") with a JSON body (null = no body).
    void post(const QString &path, const nlohmann::json &body, QObject *owner, OnSuccess ok, OnError fail,
              int timeoutMs = 0);
    // GET path?query (job metrics is the one GET endpoint we need).
    void get(const QString &pathAndQuery, QObject *owner, OnSuccess ok, OnError fail, int timeoutMs = 0);

    // POST path as multipart/form-data with one file field: fieldName, fileName, and the bytes
    // of filePath, streamed from disk (dstack's files/upload_archive).
    void upload(const QString &path, const QString &fieldName, const QString &fileName, const QString &filePath,
                QObject *owner, OnSuccess ok, OnError fail, int timeoutMs = 0);

    // "/api/project/<project>/<rest>" for this client's project.
    QString projectPath(const QString &rest) const;

    // docs/reference/dstack-api.md#services-and-their-models: an absolute URL stays as it is; a path is appended to the
    // server URL, keeping the server URL's own path prefix.
    QString resolve(const QString &urlOrPath) const;

private:
    HttpRequest makeRequest(const QByteArray &verb, const QString &pathAndQuery) const;
    // Sends it, then everything after: owner binding, timeout, size cap, errors in words.
    void send(const HttpRequest &request, const QString &pathAndQuery, QObject *owner, OnSuccess ok, OnError fail,
              int timeoutMs);
    void request(const QByteArray &verb, const QString &pathAndQuery, const nlohmann::json &body, QObject *owner,
                 OnSuccess ok, OnError fail, int timeoutMs);

    // Made by the first request: a client that has sent nothing loads no network module.
    std::unique_ptr<HttpClient> m_network;
    QString m_serverUrl; // without trailing slash
    QString m_project;
    QString m_token; // never logged
    int m_timeoutMs = 15000;
};

} // namespace gantry
