#include "core/backends/dstack/DstackClient.h"

#include "core/backends/dstack/DstackJson.h"

#include <QNetworkRequest>
#include <QTimer>
#include <QUrlQuery>

#include <memory>

namespace gantry {

namespace {

// The largest answer taken from a server: a plan of 1000 offers is a few MB. Counted as the
// bytes arrive (after any decompression), so a hostile or broken server cannot fill memory.
constexpr qint64 kMaxBodyBytes = 64LL * 1024 * 1024;

} // namespace

DstackClient::DstackClient(const QString &serverUrl, const QString &project, const QString &token, QObject *parent)
    : QObject(parent)
    , m_serverUrl(serverUrl.trimmed())
    , m_project(project)
    , m_token(token)
{
    while (m_serverUrl.endsWith(QLatin1Char('/')))
        m_serverUrl.chop(1);
}

QString DstackClient::projectPath(const QString &rest) const
{
    return QStringLiteral("/api/project/%1/%2").arg(QString::fromLatin1(QUrl::toPercentEncoding(m_project)), rest);
}

QString DstackClient::resolve(const QString &urlOrPath) const
{
    const QUrl url(urlOrPath);
    if (!url.scheme().isEmpty() && !url.host().isEmpty())
        return urlOrPath;
    QString path = urlOrPath;
    if (!path.startsWith(QLatin1Char('/')))
        path.prepend(QLatin1Char('/'));
    return m_serverUrl + path;
}

void DstackClient::post(const QString &path, const nlohmann::json &body, QObject *owner, OnSuccess ok, OnError fail,
                        int timeoutMs)
{
    request("POST", path, body, owner, std::move(ok), std::move(fail), timeoutMs);
}

void DstackClient::get(const QString &pathAndQuery, QObject *owner, OnSuccess ok, OnError fail, int timeoutMs)
{
    request("GET", pathAndQuery, nullptr, owner, std::move(ok), std::move(fail), timeoutMs);
}

void DstackClient::request(const QByteArray &verb, const QString &pathAndQuery, const nlohmann::json &body,
                           QObject *owner, OnSuccess ok, OnError fail, int timeoutMs)
{
    const int timeout = timeoutMs > 0 ? timeoutMs : m_timeoutMs;
    const QString path = pathAndQuery.section(QLatin1Char('?'), 0, 0);
    DstackRequestContext context{m_serverUrl, path.startsWith(QLatin1String("/api/project/")) ? m_project : QString(),
                                 path};

    QNetworkRequest request(QUrl(m_serverUrl + pathAndQuery));
    request.setRawHeader("X-API-VERSION", kApiVersion);
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    // Same origin only: a redirect to another host, port or scheme would carry the project token.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::SameOriginRedirectPolicy);
    QByteArray payload;
    if (!body.is_null() || verb == "POST") {
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        if (!body.is_null())
            payload = QByteArray::fromStdString(body.dump());
    }
    QNetworkReply *reply = m_network.sendCustomRequest(request, verb, payload);

    // Owner-bound: the owner's death aborts the reply; callbacks check the owner first.
    QPointer<QObject> guard(owner);
    if (owner)
        connect(owner, &QObject::destroyed, reply, &QNetworkReply::abort);
    reply->setReadBufferSize(1024 * 1024); // flow control: Qt holds at most this much unread
    auto timedOut = std::make_shared<bool>(false);
    auto tooLarge = std::make_shared<bool>(false);
    auto received = std::make_shared<QByteArray>();
    connect(reply, &QNetworkReply::readyRead, reply, [reply, received, tooLarge] {
        if (*tooLarge)
            return;
        received->append(reply->read(kMaxBodyBytes + 1 - received->size()));
        if (received->size() > kMaxBodyBytes) {
            *tooLarge = true;
            received->clear();
            reply->abort();
        }
    });
    auto *timer = new QTimer(reply);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, reply, [reply, timedOut] {
        *timedOut = true;
        reply->abort();
    });
    timer->start(timeout);

    connect(reply, &QNetworkReply::finished, this,
            [reply, guard, hasOwner = owner != nullptr, timedOut, tooLarge, received, timeout, context,
             ok = std::move(ok), fail = std::move(fail)] {
                reply->deleteLater();
                if (hasOwner && !guard)
                    return;
                const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
                if (*timedOut) {
                    if (fail)
                        fail(dstackTimeoutError(timeout, context));
                    return;
                }
                if (*tooLarge) {
                    if (fail) {
                        DstackError e;
                        e.kind = DstackError::Kind::Http;
                        e.httpStatus = status;
                        e.message = QStringLiteral("The server at %1 answered %2 with more than %3 MB, which no dstack "
                                                   "answer is; the request was given up.")
                                        .arg(context.serverUrl, context.path)
                                        .arg(kMaxBodyBytes / (1024 * 1024));
                        fail(e);
                    }
                    return;
                }
                if (reply->error() == QNetworkReply::InsecureRedirectError ||
                    reply->error() == QNetworkReply::TooManyRedirectsError) {
                    if (fail) {
                        DstackError e;
                        e.kind = DstackError::Kind::Http; // the server answered: not a lost connection
                        e.httpStatus = status;
                        e.message =
                            QStringLiteral(
                                "The server at %1 redirected %2 to another host, port or scheme (or too many times). "
                                "Gantry does not follow that, so the project token is not sent elsewhere; use the "
                                "final URL as the server URL.")
                                .arg(context.serverUrl, context.path);
                        fail(e);
                    }
                    return;
                }
                if (status > 0)
                    received->append(reply->read(kMaxBodyBytes + 1 - received->size()));
                const QByteArray data = status > 0 ? *received : QByteArray();
                if (status == 0) {
                    if (fail)
                        fail(dstackNetworkError(reply->error(), reply->errorString(), context));
                    return;
                }
                if (status >= 400) {
                    if (fail)
                        fail(dstackHttpError(status, data, context));
                    return;
                }
                nlohmann::json json =
                    nlohmann::json::parse(data.constData(), data.constData() + data.size(), nullptr, false);
                if (json.is_discarded()) {
                    if (fail) {
                        DstackError e;
                        e.httpStatus = status;
                        e.message =
                            QStringLiteral(
                                "The server at %1 answered %2 with something that is not JSON — is it a dstack server?")
                                .arg(context.serverUrl, context.path);
                        fail(e);
                    }
                    return;
                }
                if (!ok)
                    return;
                // Reading a malformed answer must never throw out of this slot: whatever a callback
                // failed to read is reported as an answer that is not dstack's.
                QString broken;
                try {
                    ok(json);
                } catch (const std::exception &e) {
                    broken = QString::fromUtf8(e.what());
                }
                if (!broken.isEmpty() && fail && (!hasOwner || guard))
                    fail(dstackShapeError(context.serverUrl, context.path,
                                          QStringLiteral("JSON it could not read (%1)").arg(broken)));
            });
}

} // namespace gantry
