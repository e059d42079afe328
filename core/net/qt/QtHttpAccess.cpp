// The module behind core/net/HttpAccess.h: QtNetwork (libgantry_network.so). Each exchange wraps
// one QNetworkReply and forwards its signals to the sender's callbacks.

#include "core/net/HttpAccess.h"

#include "core/common/BoundedRead.h"

#include <QFile>
#include <QHostAddress>
#include <QHttpMultiPart>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace gantry {

namespace {

HttpError errorOf(QNetworkReply::NetworkError error)
{
    switch (error) {
    case QNetworkReply::NoError:
        return HttpError::None;
    case QNetworkReply::ConnectionRefusedError:
        return HttpError::ConnectionRefused;
    case QNetworkReply::HostNotFoundError:
        return HttpError::HostNotFound;
    case QNetworkReply::TimeoutError:
        return HttpError::Timeout;
    case QNetworkReply::OperationCanceledError:
        return HttpError::Canceled;
    case QNetworkReply::SslHandshakeFailedError:
        return HttpError::Tls;
    case QNetworkReply::InsecureRedirectError:
        return HttpError::InsecureRedirect;
    case QNetworkReply::TooManyRedirectsError:
        return HttpError::TooManyRedirects;
    default:
        return HttpError::Other;
    }
}

class QtHttpExchange final : public HttpExchange
{
public:
    QtHttpExchange(QNetworkReply *reply, HttpCallbacks callbacks)
        : m_reply(reply)
        , m_callbacks(std::move(callbacks))
        , m_context(std::make_unique<QObject>())
    {
        // Each callback is copied before it runs: it may delete this exchange.
        QObject::connect(reply, &QNetworkReply::readyRead, m_context.get(), [this] {
            if (const auto f = m_callbacks.readyRead)
                f();
        });
        QObject::connect(reply, &QNetworkReply::downloadProgress, m_context.get(), [this](qint64 received, qint64) {
            if (const auto f = m_callbacks.progress)
                f(received);
        });
        QObject::connect(reply, &QNetworkReply::finished, m_context.get(), [this] {
            if (const auto f = m_callbacks.finished)
                f();
        });
    }
    ~QtHttpExchange() override { close(false); }

    int status() const override
    {
        return m_reply ? m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() : 0;
    }
    QString reasonPhrase() const override
    {
        return m_reply ? m_reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString() : QString();
    }
    QByteArray header(const QByteArray &name) const override
    {
        return m_reply ? m_reply->rawHeader(name) : QByteArray();
    }
    HttpError error() const override { return m_reply ? errorOf(m_reply->error()) : HttpError::Canceled; }
    QString errorString() const override
    {
        return m_reply ? m_reply->errorString() : QStringLiteral("Operation canceled");
    }
    bool isFinished() const override { return !m_reply || m_reply->isFinished(); }
    qint64 bytesAvailable() const override { return m_reply ? m_reply->bytesAvailable() : 0; }
    QByteArray read(qint64 maxBytes) override { return m_reply ? readAtMost(*m_reply, maxBytes) : QByteArray(); }
    void setReadBufferSize(qint64 bytes) override
    {
        if (m_reply)
            m_reply->setReadBufferSize(bytes);
    }
    void abort() override
    {
        if (m_reply)
            m_reply->abort(); // emits finished now
    }
    void close(bool letFinish) override
    {
        m_context.reset(); // no more callbacks
        m_callbacks = {};
        QNetworkReply *reply = std::exchange(m_reply, nullptr);
        if (!reply)
            return;
        if (reply->isFinished()) {
            reply->deleteLater();
        } else if (letFinish) {
            QObject::connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
            QTimer::singleShot(10000, reply, &QNetworkReply::abort);
        } else {
            reply->abort();
            reply->deleteLater();
        }
    }

private:
    QPointer<QNetworkReply> m_reply; // gone with its manager
    HttpCallbacks m_callbacks;
    std::unique_ptr<QObject> m_context; // the receiver of the forwarding connections
};

class QtHttpClient final : public HttpClient
{
public:
    explicit QtHttpClient(bool noProxy)
    {
        if (noProxy)
            m_network.setProxy(QNetworkProxy::NoProxy);
    }

    std::unique_ptr<HttpExchange> send(const HttpRequest &request, HttpCallbacks callbacks) override
    {
        QNetworkRequest http(request.url);
        for (const auto &[name, value] : request.headers)
            http.setRawHeader(name, value);
        if (request.transferTimeoutMs > 0)
            http.setTransferTimeout(request.transferTimeoutMs);
        if (request.sameOriginRedirectsOnly)
            http.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::SameOriginRedirectPolicy);
        if (request.maxRedirects >= 0)
            http.setMaximumRedirectsAllowed(request.maxRedirects);
        if (request.alwaysNetwork)
            http.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
        QNetworkReply *reply = nullptr;
        if (request.filePart) {
            const HttpFilePart &part = *request.filePart;
            auto *multipart = new QHttpMultiPart(QHttpMultiPart::FormDataType);
            auto *file = new QFile(part.path, multipart);
            file->open(QIODevice::ReadOnly); // a file that cannot be read sends an empty part
            QHttpPart filePart;
            // The file name goes in quotes; the callers' names (a hash, a field) never need escaping.
            filePart.setHeader(
                QNetworkRequest::ContentDispositionHeader,
                QStringLiteral("form-data; name=\"%1\"; filename=\"%2\"").arg(part.fieldName, part.fileName));
            filePart.setHeader(QNetworkRequest::ContentTypeHeader, part.contentType);
            filePart.setBodyDevice(file); // streamed from disk, not read into memory
            multipart->append(filePart);
            reply = request.method == "POST" ? m_network.post(http, multipart)
                                             : m_network.sendCustomRequest(http, request.method, multipart);
            multipart->setParent(reply);
        } else if (request.method == "GET" && request.body.isEmpty()) {
            reply = m_network.get(http);
        } else if (request.method == "POST") {
            reply = m_network.post(http, request.body);
        } else {
            reply = m_network.sendCustomRequest(http, request.method, request.body);
        }
        return std::make_unique<QtHttpExchange>(reply, std::move(callbacks));
    }

private:
    QNetworkAccessManager m_network;
};

class QtHttpAccess final : public HttpAccess
{
public:
    std::unique_ptr<HttpClient> makeClient(bool noProxy) override { return std::make_unique<QtHttpClient>(noProxy); }

    void knock(const QString &host, int port, QObject *context,
               std::function<void(bool, const QString &)> done) override
    {
        auto *socket = new QTcpSocket(context);
        socket->setProxy(QNetworkProxy::NoProxy);
        QObject::connect(socket, &QTcpSocket::connected, socket, [socket, done] {
            socket->abort();
            socket->deleteLater();
            done(true, QString());
        });
        QObject::connect(socket, &QTcpSocket::errorOccurred, socket, [socket, done] {
            socket->deleteLater();
            done(false, socket->errorString());
        });
        socket->connectToHost(host, quint16(port));
    }

    QString portUnavailable(int port) override
    {
        for (const QHostAddress &address :
             {QHostAddress(QHostAddress::AnyIPv4), QHostAddress(QHostAddress::LocalHost)}) {
            QTcpServer probe;
            if (!probe.listen(address, quint16(port)))
                return probe.errorString();
        }
        return {};
    }
};

} // namespace

} // namespace gantry

extern "C" Q_DECL_EXPORT gantry::HttpAccess *gantry_make_http_access()
{
    static gantry::QtHttpAccess access;
    return &access;
}
