#pragma once

// The contract between Gantry's network users (DstackClient, ChatClient, ReadinessProbe, the
// local backend's port check) and QtNetwork, which lives in a module of its own (qt/,
// libgantry_network.so) loaded the first time one of them is used. QtNetwork brings Kerberos,
// libproxy and brotli: a dozen libraries that every start mapped and relocated, 1.4–2 ms of a
// ~30 ms start and ~1 MB resident, for a window that has asked nothing of the network yet
// (issue 14). Only Qt Core types cross this line, so gantry_core does not link QtNetwork.

#include <QByteArray>
#include <QList>
#include <QString>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>
#include <utility>

class QObject;

namespace gantry {

// Why a request ended without a usable answer (QNetworkReply's errors, in the groups Gantry's
// messages tell apart).
enum class HttpError {
    None,
    ConnectionRefused,
    HostNotFound,
    Timeout, // connecting, or the request's transferTimeoutMs without progress
    Canceled, // abort()
    Tls,
    InsecureRedirect, // a redirect to another scheme, host or port, which is not followed
    TooManyRedirects,
    ModuleMissing, // libgantry_network.so could not be loaded: errorString() says why
    Other, // errorString() says what
};

// A multipart/form-data body of one file, streamed from disk (dstack's files/upload_archive).
struct HttpFilePart {
    QString fieldName;
    QString fileName;
    QString contentType;
    QString path;
};

struct HttpRequest {
    QByteArray method = QByteArrayLiteral("GET");
    QUrl url;
    QList<std::pair<QByteArray, QByteArray>> headers; // sent as given
    QByteArray body;
    std::optional<HttpFilePart> filePart; // replaces body
    int transferTimeoutMs = 0; // aborted (Timeout) after this long without progress; 0: never
    bool sameOriginRedirectsOnly = false; // a redirect elsewhere fails (InsecureRedirect)
    int maxRedirects = -1; // -1: Qt's default
    bool alwaysNetwork = false; // never answered from a cache
};

// What a request tells its sender, on the event loop of the thread that sent it. finished runs
// exactly once (also after abort()), unless the exchange is closed or deleted first. A callback
// may delete the exchange.
struct HttpCallbacks {
    std::function<void()> readyRead;
    std::function<void(qint64 received)> progress;
    std::function<void()> finished;
};

// One request in flight, owned by its sender. Deleting it aborts the request without a callback.
class HttpExchange
{
public:
    virtual ~HttpExchange() = default;
    virtual int status() const = 0; // the HTTP status; 0 before the answer's headers or without one
    virtual QString reasonPhrase() const = 0;
    virtual QByteArray header(const QByteArray &name) const = 0;
    virtual HttpError error() const = 0;
    virtual QString errorString() const = 0;
    virtual bool isFinished() const = 0;
    virtual qint64 bytesAvailable() const = 0;
    virtual QByteArray read(qint64 maxBytes) = 0;
    // Flow control: at most this much is read from the socket ahead of read().
    virtual void setReadBufferSize(qint64 bytes) = 0;
    virtual void abort() = 0; // finished runs now, with Canceled
    // No more callbacks. The request is aborted, or with letFinish left to end by itself (within
    // 10 s) so that its connection can be reused.
    virtual void close(bool letFinish) = 0;
};

// Requests that share connections, like one QNetworkAccessManager. Deleting it ends its requests
// (their exchanges then report Canceled).
class HttpClient
{
public:
    virtual ~HttpClient() = default;
    virtual std::unique_ptr<HttpExchange> send(const HttpRequest &request, HttpCallbacks callbacks) = 0;
};

class HttpAccess
{
public:
    virtual ~HttpAccess() = default;
    // noProxy: never through a proxy (127.0.0.1).
    virtual std::unique_ptr<HttpClient> makeClient(bool noProxy) = 0;
    // Opens a TCP connection to host:port and closes it: done(true, {}) once accepted,
    // done(false, why) when refused or failed. Nothing runs once context is gone.
    virtual void knock(const QString &host, int port, QObject *context,
                       std::function<void(bool accepted, const QString &why)> done) = 0;
    // Empty when a server could listen on port on every IPv4 interface and on 127.0.0.1;
    // otherwise why not, in the operating system's words.
    virtual QString portUnavailable(int port) = 0;
};

// The module, loaded once per process and kept; nullptr and *error in words when it cannot be
// loaded (a broken installation).
HttpAccess *httpAccess(QString *error);

// A client over the module; when the module cannot be loaded, every request it sends finishes
// (on the event loop) with ModuleMissing and the reason.
std::unique_ptr<HttpClient> makeHttpClient(bool noProxy = false);

} // namespace gantry

// The one symbol the module exports: the process's network access.
extern "C" {
using GantryMakeHttpAccess = gantry::HttpAccess *(*)();
}
#define GANTRY_MAKE_HTTP_ACCESS "gantry_make_http_access"
