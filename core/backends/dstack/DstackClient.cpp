#include "core/backends/dstack/DstackClient.h"

#include "core/backends/dstack/DstackJson.h"

#include <QFile>
#include <QTimer>

#include <QUrlQuery>
#include <optional>

#include <memory>

namespace gantry {

namespace {

// The largest answer taken from a server: a plan of 1000 offers is a few MB. Counted as the
// bytes arrive (after any decompression), so a hostile or broken server cannot fill memory.
constexpr qint64 kMaxBodyBytes = 64LL * 1024 * 1024;

// One request in flight, a child of its client: it owns the exchange and its timer, and goes
// (deleteLater) once the request has ended, or with the client.
class PendingRequest : public QObject
{
public:
    using QObject::QObject;
    std::unique_ptr<HttpExchange> exchange;
    QByteArray received;
    bool timedOut = false;
    bool tooLarge = false;
};

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

DstackClient::~DstackClient()
{
    // The requests first, while the network client they belong to still exists: none of their
    // callbacks runs once this destructor has begun.
    qDeleteAll(findChildren<PendingRequest *>(Qt::FindDirectChildrenOnly));
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

HttpRequest DstackClient::makeRequest(const QByteArray &verb, const QString &pathAndQuery) const
{
    HttpRequest request;
    request.method = verb;
    request.url = QUrl(m_serverUrl + pathAndQuery);
    request.headers.emplaceBack("X-API-VERSION", kApiVersion);
    if (!m_token.isEmpty())
        request.headers.emplaceBack("Authorization", "Bearer " + m_token.toUtf8());
    // Same origin only: a redirect to another host, port or scheme would carry the project token.
    request.sameOriginRedirectsOnly = true;
    return request;
}

void DstackClient::request(const QByteArray &verb, const QString &pathAndQuery, const nlohmann::json &body,
                           QObject *owner, OnSuccess ok, OnError fail, int timeoutMs)
{
    HttpRequest request = makeRequest(verb, pathAndQuery);
    if (!body.is_null() || verb == "POST") {
        request.headers.emplaceBack("Content-Type", "application/json");
        if (!body.is_null())
            request.body = QByteArray::fromStdString(body.dump());
    }
    send(request, pathAndQuery, owner, std::move(ok), std::move(fail), timeoutMs);
}

void DstackClient::upload(const QString &path, const QString &fieldName, const QString &fileName,
                          const QString &filePath, QObject *owner, OnSuccess ok, OnError fail, int timeoutMs)
{
    if (QFile file(filePath); !file.open(QIODevice::ReadOnly)) {
        DstackError e;
        e.message = QStringLiteral("Cannot read '%1' to upload it: %2").arg(filePath, file.errorString());
        QPointer<QObject> guard(owner);
        QTimer::singleShot(0, this, [guard, hasOwner = owner != nullptr, fail = std::move(fail), e] {
            if ((!hasOwner || guard) && fail)
                fail(e);
        });
        return;
    }
    HttpRequest request = makeRequest("POST", path);
    // Streamed from disk, not read into memory.
    request.filePart = HttpFilePart{fieldName, fileName, QStringLiteral("application/x-tar"), filePath};
    send(request, path, owner, std::move(ok), std::move(fail), timeoutMs);
}

namespace {

// What is wrong with an answer, if anything: it timed out, was too large, redirected elsewhere,
// never came, was an HTTP error, or is not JSON. Otherwise *json holds it.
std::optional<DstackError> answerProblem(const HttpExchange &reply, int status, bool timedOut, bool tooLarge,
                                         const QByteArray &data, int timeoutMs, const DstackRequestContext &context,
                                         nlohmann::json *json)
{
    if (timedOut)
        return dstackTimeoutError(timeoutMs, context);
    if (tooLarge) {
        DstackError e;
        e.kind = DstackError::Kind::Http;
        e.httpStatus = status;
        e.message = QStringLiteral("The server at %1 answered %2 with more than %3 MB, which no dstack "
                                   "answer is; the request was given up.")
                        .arg(context.serverUrl, context.path)
                        .arg(kMaxBodyBytes / (1024 * 1024));
        return e;
    }
    if (reply.error() == HttpError::InsecureRedirect || reply.error() == HttpError::TooManyRedirects) {
        DstackError e;
        e.kind = DstackError::Kind::Http; // the server answered: not a lost connection
        e.httpStatus = status;
        e.message =
            QStringLiteral("The server at %1 redirected %2 to another host, port or scheme (or too many times). "
                           "Gantry does not follow that, so the project token is not sent elsewhere; use the "
                           "final URL as the server URL.")
                .arg(context.serverUrl, context.path);
        return e;
    }
    if (status == 0)
        return dstackNetworkError(reply.error(), reply.errorString(), context);
    if (status >= 400)
        return dstackHttpError(status, data, context);
    *json = nlohmann::json::parse(data.constData(), data.constData() + data.size(), nullptr, false);
    if (json->is_discarded()) {
        DstackError e;
        e.httpStatus = status;
        e.message =
            QStringLiteral("The server at %1 answered %2 with something that is not JSON — is it a dstack server?")
                .arg(context.serverUrl, context.path);
        return e;
    }
    return std::nullopt;
}

} // namespace

void DstackClient::send(const HttpRequest &request, const QString &pathAndQuery, QObject *owner, OnSuccess ok,
                        OnError fail, int timeoutMs)
{
    const int timeout = timeoutMs > 0 ? timeoutMs : m_timeoutMs;
    const QString path = pathAndQuery.section(QLatin1Char('?'), 0, 0);
    DstackRequestContext context{m_serverUrl, path.startsWith(QLatin1String("/api/project/")) ? m_project : QString(),
                                 path};
    if (!m_network)
        m_network = makeHttpClient();

    // Owner-bound: the owner's death aborts the request; callbacks check the owner first.
    auto *pending = new PendingRequest(this);
    QPointer<QObject> guard(owner);
    HttpCallbacks callbacks;
    callbacks.readyRead = [pending] {
        if (pending->tooLarge)
            return;
        pending->received.append(pending->exchange->read(kMaxBodyBytes + 1 - pending->received.size()));
        if (pending->received.size() > kMaxBodyBytes) {
            pending->tooLarge = true;
            pending->received.clear();
            pending->exchange->abort();
        }
    };
    callbacks.finished = [pending, guard, hasOwner = owner != nullptr, timeout, context, ok = std::move(ok),
                          fail = std::move(fail)] {
        pending->deleteLater();
        if (hasOwner && !guard)
            return;
        HttpExchange &reply = *pending->exchange;
        const int status = reply.status();
        if (status > 0 && !pending->timedOut && !pending->tooLarge)
            pending->received.append(reply.read(kMaxBodyBytes + 1 - pending->received.size()));
        nlohmann::json json;
        if (const auto problem = answerProblem(reply, status, pending->timedOut, pending->tooLarge, pending->received,
                                               timeout, context, &json)) {
            if (fail)
                fail(*problem);
            return;
        }
        if (!ok)
            return;
        // Reading a malformed answer must never throw out of this callback: whatever a callback
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
    };
    pending->exchange = m_network->send(request, std::move(callbacks));
    pending->exchange->setReadBufferSize(1024 * 1024); // flow control: at most this much unread
    if (owner)
        connect(owner, &QObject::destroyed, pending, [pending] { pending->exchange->abort(); });
    auto *timer = new QTimer(pending);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, pending, [pending] {
        pending->timedOut = true;
        pending->exchange->abort();
    });
    timer->start(timeout);
}

} // namespace gantry
