#include "core/backends/dstack/DstackClient.h"

#include "core/backends/dstack/DstackJson.h"
#include "core/common/BoundedRead.h"

#include <QFile>
#include <QHttpMultiPart>
#include <QNetworkRequest>
#include <QTimer>

#include <QUrlQuery>
#include <optional>

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

QNetworkRequest DstackClient::makeRequest(const QString &pathAndQuery) const
{
    QNetworkRequest request(QUrl(m_serverUrl + pathAndQuery));
    request.setRawHeader("X-API-VERSION", kApiVersion);
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    // Same origin only: a redirect to another host, port or scheme would carry the project token.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::SameOriginRedirectPolicy);
    return request;
}

void DstackClient::request(const QByteArray &verb, const QString &pathAndQuery, const nlohmann::json &body,
                           QObject *owner, OnSuccess ok, OnError fail, int timeoutMs)
{
    QNetworkRequest request = makeRequest(pathAndQuery);
    QByteArray payload;
    if (!body.is_null() || verb == "POST") {
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        if (!body.is_null())
            payload = QByteArray::fromStdString(body.dump());
    }
    watch(m_network.sendCustomRequest(request, verb, payload), pathAndQuery, owner, std::move(ok), std::move(fail),
          timeoutMs);
}

void DstackClient::upload(const QString &path, const QString &fieldName, const QString &fileName,
                          const QString &filePath, QObject *owner, OnSuccess ok, OnError fail, int timeoutMs)
{
    auto *file = new QFile(filePath);
    if (!file->open(QIODevice::ReadOnly)) {
        DstackError e;
        e.message = QStringLiteral("Cannot read '%1' to upload it: %2").arg(filePath, file->errorString());
        delete file;
        QPointer<QObject> guard(owner);
        QTimer::singleShot(0, this, [guard, hasOwner = owner != nullptr, fail = std::move(fail), e] {
            if ((!hasOwner || guard) && fail)
                fail(e);
        });
        return;
    }
    auto *multipart = new QHttpMultiPart(QHttpMultiPart::FormDataType);
    QHttpPart part;
    // The file name goes in quotes; a hash (hex) never needs escaping.
    part.setHeader(QNetworkRequest::ContentDispositionHeader,
                   QStringLiteral("form-data; name=\"%1\"; filename=\"%2\"").arg(fieldName, fileName));
    part.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/x-tar"));
    part.setBodyDevice(file); // streamed from disk, not read into memory
    file->setParent(multipart);
    multipart->append(part);
    QNetworkReply *reply = m_network.post(makeRequest(path), multipart);
    multipart->setParent(reply);
    watch(reply, path, owner, std::move(ok), std::move(fail), timeoutMs);
}

namespace {

// What is wrong with an answer, if anything: it timed out, was too large, redirected elsewhere,
// never came, was an HTTP error, or is not JSON. Otherwise *json holds it.
std::optional<DstackError> answerProblem(const QNetworkReply &reply, int status, bool timedOut, bool tooLarge,
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
    if (reply.error() == QNetworkReply::InsecureRedirectError ||
        reply.error() == QNetworkReply::TooManyRedirectsError) {
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

void DstackClient::watch(QNetworkReply *reply, const QString &pathAndQuery, QObject *owner, OnSuccess ok, OnError fail,
                         int timeoutMs)
{
    const int timeout = timeoutMs > 0 ? timeoutMs : m_timeoutMs;
    const QString path = pathAndQuery.section(QLatin1Char('?'), 0, 0);
    DstackRequestContext context{m_serverUrl, path.startsWith(QLatin1String("/api/project/")) ? m_project : QString(),
                                 path};

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
        received->append(readAtMost(*reply, kMaxBodyBytes + 1 - received->size()));
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
                if (status > 0 && !*timedOut && !*tooLarge)
                    received->append(readAtMost(*reply, kMaxBodyBytes + 1 - received->size()));
                nlohmann::json json;
                if (const auto problem =
                        answerProblem(*reply, status, *timedOut, *tooLarge, *received, timeout, context, &json)) {
                    if (fail)
                        fail(*problem);
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
