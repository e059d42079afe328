#include "core/chat/ChatClient.h"

#include <QUrl>

namespace gantry {

namespace {

constexpr qsizetype kMaxErrorBody = 256 * 1024;
constexpr qint64 kReadBufferBytes = 1024 * 1024;
constexpr int kModelListTimeoutMs = 15000;

HttpRequest jsonRequest(const QByteArray &method, const QString &url, const QString &token)
{
    HttpRequest request;
    request.method = method;
    request.url = QUrl(url);
    request.headers.emplaceBack("Content-Type", "application/json");
    request.headers.emplaceBack("Accept", "text/event-stream, application/json");
    request.alwaysNetwork = true;
    // A redirect to another scheme, host or port is not followed: the bearer token would go
    // with it to whoever the server names.
    request.sameOriginRedirectsOnly = true;
    request.maxRedirects = 5;
    if (!token.isEmpty())
        request.headers.emplaceBack("Authorization", "Bearer " + token.toUtf8());
    return request;
}

// The words after "HTTP 404" in messages: the reason phrase and the server's own message.
QString httpSummary(int status, const HttpExchange *reply, const QString &serverMessage)
{
    QString text = QStringLiteral("HTTP %1").arg(status);
    const QString reason = reply ? reply->reasonPhrase() : QString();
    if (!reason.isEmpty())
        text += QLatin1Char(' ') + reason;
    if (!serverMessage.isEmpty())
        text += QStringLiteral(": ") + serverMessage;
    return text;
}

// A model list request, a child of its context: it owns the exchange, so the request is aborted
// and nothing runs once the context is gone.
class ModelListRequest : public QObject
{
public:
    using QObject::QObject;
    std::unique_ptr<HttpExchange> exchange;
};

bool isPing(const QByteArray &comment)
{
    const QByteArray c = comment.trimmed().toLower();
    return c.isEmpty() || c == "ping" || c == "keep-alive" || c == "keepalive" || c.startsWith("ping ");
}

} // namespace

void fetchModelIds(HttpClient &network, const QString &baseUrl, const QString &token, QObject *context,
                   std::function<void(const QStringList &, const QString &)> done)
{
    HttpRequest request = jsonRequest("GET", endpointUrl(baseUrl, QStringLiteral("models")), token);
    request.transferTimeoutMs = kModelListTimeoutMs;
    // A model list is small: a body past this is not one, and is not buffered.
    constexpr qint64 kMaxModelListBytes = 8 * 1024 * 1024;
    auto *pending = new ModelListRequest(context);
    HttpCallbacks callbacks;
    callbacks.progress = [pending](qint64 received) {
        if (received > kMaxModelListBytes)
            pending->exchange->abort();
    };
    callbacks.finished = [pending, done = std::move(done)] {
        pending->deleteLater();
        HttpExchange &reply = *pending->exchange;
        if (reply.error() == HttpError::Canceled) {
            done({}, QStringLiteral("the model list is larger than %1 MB").arg(kMaxModelListBytes / (1024 * 1024)));
            return;
        }
        const QByteArray body = reply.read(kMaxModelListBytes);
        const int status = reply.status();
        if (status >= 400) {
            done({}, httpSummary(status, &reply, errorMessageFromBody(body)));
            return;
        }
        if (reply.error() != HttpError::None) {
            done({}, reply.errorString());
            return;
        }
        QString error;
        const std::optional<QStringList> ids = modelIdsFromBody(body, &error);
        done(ids.value_or(QStringList()), error);
    };
    pending->exchange = network.send(request, std::move(callbacks));
}

// ---------------------------------------------------------------------------------------
// ChatReply

ChatReply::ChatReply(std::weak_ptr<HttpClient> network, Request request, int idleTimeoutMs, const ChatLimits &limits)
    : m_network(std::move(network))
    , m_request(std::move(request))
    , m_idleTimeoutMs(idleTimeoutMs)
    , m_limits(limits)
    , m_parser(limits.maxEventBytes)
{
    m_idleTimer.setSingleShot(true);
    connect(&m_idleTimer, &QTimer::timeout, this, &ChatReply::onIdleTimeout);
    m_deadlineTimer.setSingleShot(true);
    connect(&m_deadlineTimer, &QTimer::timeout, this, [this] {
        fail(QStringLiteral("The reply took longer than %1 min, so it was given up; the partial reply is kept.")
                 .arg(m_limits.deadlineMs / 60000.0, 0, 'g', 3));
    });
    m_deadlineTimer.start(m_limits.deadlineMs);
    m_clock.start();
}

ChatReply::~ChatReply()
{
    detachNetworkReply();
}

void ChatReply::post()
{
    const std::shared_ptr<HttpClient> network = m_network.lock();
    if (!network) {
        fail(QStringLiteral("The chat client was closed before the request could be sent."));
        return;
    }
    HttpRequest request = m_request.http;
    request.body = chatRequestBody(m_request.history, m_request.params, m_request.options);
    HttpCallbacks callbacks;
    callbacks.readyRead = [this] { onReadyRead(); };
    callbacks.finished = [this] { onNetworkFinished(); };
    m_reply = network->send(request, std::move(callbacks));
    // Flow control: Qt stops reading the socket while this much is unread, so a fast server
    // cannot pile up more than that in memory while we are busy with what came before.
    m_reply->setReadBufferSize(kReadBufferBytes);
    m_idleTimer.start(m_idleTimeoutMs);
}

void ChatReply::checkHeaders()
{
    if (m_checkedHeaders || !m_reply)
        return;
    m_checkedHeaders = true;
    const int status = m_reply->status();
    m_httpError = status >= 400;
    const QString type = QString::fromLatin1(m_reply->header("Content-Type"));
    m_notEventStream =
        !m_httpError && !type.isEmpty() && !type.contains(QLatin1String("event-stream"), Qt::CaseInsensitive);
}

void ChatReply::onReadyRead()
{
    checkHeaders();
    readAvailable();
}

void ChatReply::readAvailable()
{
    // In pieces, each handled before the next is read: Qt's HTTP thread may have buffered far
    // more than the read buffer size (QTBUG-15065), and readAll() would copy all of it, and
    // turn all of it into events, at once.
    const QPointer<ChatReply> alive(this); // a slot on delta() or finished() may delete us
    while (alive && m_reply && m_status == ReplyStatus::Streaming && m_reply->bytesAvailable() > 0)
        handleBytes(m_reply->read(kReadBufferBytes));
}

void ChatReply::handleBytes(const QByteArray &bytes)
{
    if (bytes.isEmpty() || m_status != ReplyStatus::Streaming)
        return;
    m_receivedBytes = true;
    m_bodyBytes += bytes.size();
    if (m_httpError || m_notEventStream) {
        m_idleTimer.start(m_idleTimeoutMs); // kept bounded below, so bytes are progress here
        if (m_notEventStream && m_bodyBytes > m_limits.maxReplyBytes) {
            fail(QStringLiteral("The server's answer is larger than %1 MB, so it was given up.")
                     .arg(m_limits.maxReplyBytes / (1024 * 1024)));
            return;
        }
        const qint64 keep = m_httpError ? kMaxErrorBody : m_limits.maxReplyBytes;
        if (m_wholeBody.size() < keep)
            m_wholeBody += bytes.left(keep - m_wholeBody.size());
        return;
    }
    if (m_bodyBytes > m_limits.maxReplyBytes) {
        // Only what fits under the limit is parsed; the rest is not even looked at.
        const qint64 over = m_bodyBytes - m_limits.maxReplyBytes;
        feedEvents(QByteArrayView(bytes).first(std::max<qint64>(0, bytes.size() - over)));
        if (m_status == ReplyStatus::Streaming)
            fail(QStringLiteral(
                     "The reply is longer than %1 MB, so it was cut off there (truncated); the part before is kept.")
                     .arg(m_limits.maxReplyBytes / (1024 * 1024)));
        return;
    }
    feedEvents(bytes);
}

void ChatReply::feedEvents(QByteArrayView bytes)
{
    const qint64 linesBefore = m_parser.linesCompleted();
    const QList<SseEvent> events = m_parser.feed(bytes);
    if (m_parser.linesCompleted() != linesBefore)
        m_idleTimer.start(m_idleTimeoutMs); // a line that never ends is not progress
    const QPointer<ChatReply> alive(this); // a slot on delta() or finished() may delete us
    for (const SseEvent &event : events) {
        handleEvent(event);
        if (!alive || m_status != ReplyStatus::Streaming)
            return;
    }
    if (!m_parser.error().isEmpty()) {
        fail(QStringLiteral(
                 "The server sent a malformed stream (%1), so the reply was given up; the partial reply is kept.")
                 .arg(m_parser.error()));
    }
}

void ChatReply::handleEvent(const SseEvent &event)
{
    if (event.data.trimmed() == "[DONE]") {
        m_sawDone = true;
        finish(ReplyStatus::Complete);
        return;
    }
    if (event.event == QLatin1String("error")) {
        fail(QStringLiteral("The server reported an error mid-reply: %1").arg(errorMessageFromBody(event.data)));
        return;
    }
    const ChatChunk chunk = parseChatChunk(event.data);
    if (chunk.malformed) {
        fail(QStringLiteral("The reply was cut off: %1.").arg(chunk.error));
        return;
    }
    if (!chunk.error.isEmpty()) {
        fail(QStringLiteral("The server reported an error mid-reply: %1").arg(chunk.error));
        return;
    }
    if (!chunk.model.isEmpty())
        m_model = chunk.model;
    if (!chunk.finishReason.isEmpty())
        m_finishReason = chunk.finishReason;
    if (chunk.promptTokens)
        m_usagePromptTokens = *chunk.promptTokens;
    if (chunk.completionTokens)
        m_usageCompletionTokens = *chunk.completionTokens;
    if (chunk.serverTokensPerSecond)
        m_serverTokensPerSecond = *chunk.serverTokensPerSecond;
    if (chunk.content.isEmpty() && chunk.reasoning.isEmpty())
        return;
    const qint64 now = m_clock.elapsed();
    if (m_firstTokenMs < 0)
        m_firstTokenMs = now;
    m_lastTokenMs = now;
    m_lastTokenNs = m_clock.nsecsElapsed();
    ++m_countedTokens;
    m_content += chunk.content;
    m_reasoning += chunk.reasoning;
    Q_EMIT delta(chunk.content, chunk.reasoning);
}

void ChatReply::onNetworkFinished()
{
    if (!m_reply || m_status != ReplyStatus::Streaming)
        return;
    m_idleTimer.stop();
    checkHeaders();
    const QPointer<ChatReply> alive(this);
    readAvailable();
    if (!alive || m_status != ReplyStatus::Streaming)
        return;
    const int status = m_reply->status();
    if (status >= 400) {
        handleHttpError(status, m_wholeBody);
        return;
    }
    if (m_reply->error() != HttpError::None) {
        fail(networkFailureMessage());
        return;
    }
    if (m_notEventStream) {
        // A server that ignored "stream": true answers with one whole chat.completion.
        const ChatChunk whole = parseChatChunk(m_wholeBody);
        if (whole.malformed || !whole.error.isEmpty()) {
            fail(
                QStringLiteral("The server answered with something other than a chat completion: %1").arg(whole.error));
            return;
        }
        handleEvent(SseEvent{QString(), m_wholeBody, QString()});
        if (m_status == ReplyStatus::Streaming)
            finish(ReplyStatus::Complete);
        return;
    }
    // The body ended cleanly without [DONE]. A finish_reason means the reply itself is whole.
    if (!m_finishReason.isEmpty() && !m_parser.hasPartialEvent()) {
        finish(ReplyStatus::Complete);
        return;
    }
    QString message = QStringLiteral("The stream ended before the reply was complete (no [DONE] from the server); "
                                     "the server may have stopped or crashed. The partial reply is kept.");
    if (!isPing(m_parser.lastComment()))
        message +=
            QStringLiteral(" The server's last note: %1").arg(QString::fromUtf8(m_parser.lastComment()).simplified());
    fail(message);
}

QString ChatReply::hostDescription() const
{
    const QUrl url = m_request.http.url;
    return url.port() > 0 ? QStringLiteral("%1:%2").arg(url.host()).arg(url.port()) : url.host();
}

QString ChatReply::networkFailureMessage() const
{
    const QString host = hostDescription();
    switch (m_reply->error()) {
    case HttpError::ModuleMissing:
        return m_reply->errorString(); // a broken installation: the sentence says what to do
    case HttpError::ConnectionRefused:
        return QStringLiteral("Could not connect to %1: connection refused. Is the run ready? "
                              "Nothing is listening there yet.")
            .arg(host);
    case HttpError::HostNotFound:
        return QStringLiteral("Host %1 not found. Check the endpoint URL.").arg(m_request.http.url.host());
    case HttpError::Timeout:
        return QStringLiteral("Connecting to %1 timed out. Is the run ready, and is the address reachable?").arg(host);
    case HttpError::Tls:
        return QStringLiteral("The TLS handshake with %1 failed: %2").arg(host, m_reply->errorString());
    case HttpError::InsecureRedirect:
    case HttpError::TooManyRedirects:
        return QStringLiteral("%1 redirected the request elsewhere (another scheme, host or port, or too many times). "
                              "Gantry does not follow such redirects, so that the token is not sent to another server; "
                              "use the final address as the endpoint URL.")
            .arg(host);
    default:
        break;
    }
    if (m_receivedBytes) {
        return QStringLiteral("The connection was cut before the reply was complete (%1). The server may have "
                              "stopped or crashed; the partial reply is kept.")
            .arg(m_reply->errorString());
    }
    return QStringLiteral("The request to %1 failed: %2. Is the run ready?").arg(host, m_reply->errorString());
}

void ChatReply::handleHttpError(int httpStatus, const QByteArray &body)
{
    const QString serverMessage = errorMessageFromBody(body);
    if (httpStatus == 400 && m_request.options.includeUsage && !m_retriedWithoutUsage &&
        body.contains("stream_options")) {
        // Older servers reject stream_options; ask again without it and count tokens ourselves.
        m_retriedWithoutUsage = true;
        m_request.options.includeUsage = false;
        if (m_onUsageOptionRejected)
            m_onUsageOptionRejected();
        detachNetworkReply();
        m_wholeBody.clear();
        m_bodyBytes = 0;
        m_checkedHeaders = m_httpError = m_notEventStream = m_receivedBytes = false;
        m_parser.reset();
        post();
        return;
    }
    const QString summary = httpSummary(httpStatus, m_reply.get(), serverMessage);
    if (httpStatus == 401 || httpStatus == 403) {
        if (m_request.token.isEmpty())
            fail(QStringLiteral("The server needs a token (%1). Give the token for this endpoint.").arg(summary));
        else
            fail(QStringLiteral("The server refused the token (%1). Check that the token is right for this endpoint "
                                "and has access to the run's project.")
                     .arg(summary));
        return;
    }
    if (httpStatus == 404) {
        // Usually a wrong model name (dstack's model proxy) or a wrong base URL: ask the
        // server what it serves, so the message can name the choices.
        const QString model = m_request.options.model;
        const QString url = m_request.http.url.toString();
        detachNetworkReply();
        const std::shared_ptr<HttpClient> network = m_network.lock();
        if (!network) {
            fail(QStringLiteral("Not found (%1) at %2.").arg(summary, url));
            return;
        }
        fetchModelIds(*network, m_request.baseUrl, m_request.token, this,
                      [this, summary, model, url](const QStringList &ids, const QString &error) {
                          QString message = model.isEmpty()
                                                ? QStringLiteral("Not found (%1) at %2.").arg(summary, url)
                                                : QStringLiteral("Model '%1' not found (%2).").arg(model, summary);
                          if (!ids.isEmpty())
                              message += QStringLiteral(" The server serves: %1.").arg(ids.join(QStringLiteral(", ")));
                          else
                              message +=
                                  QStringLiteral(
                                      " Check the base URL (it usually ends in /v1); listing the models failed too: %1")
                                      .arg(error.isEmpty() ? QStringLiteral("the list is empty") : error);
                          fail(message);
                      });
        return;
    }
    if (httpStatus >= 500)
        fail(QStringLiteral("The server failed (%1). The run's logs may say more.").arg(summary));
    else
        fail(QStringLiteral("The server rejected the request (%1).").arg(summary));
}

void ChatReply::onIdleTimeout()
{
    if (m_status != ReplyStatus::Streaming)
        return;
    fail(QStringLiteral("No data from the server for %1 s, so the reply was given up. The model may be overloaded "
                        "or the connection stalled; the partial reply is kept.")
             .arg(m_idleTimeoutMs / 1000.0, 0, 'g', 3));
}

void ChatReply::stop()
{
    finish(ReplyStatus::Stopped);
}

void ChatReply::fail(const QString &message)
{
    if (m_status != ReplyStatus::Streaming)
        return;
    m_error = message;
    finish(ReplyStatus::Failed);
}

void ChatReply::finish(ReplyStatus status)
{
    if (m_status != ReplyStatus::Streaming)
        return;
    m_status = status;
    m_endMs = m_clock.elapsed();
    m_idleTimer.stop();
    m_deadlineTimer.stop();
    detachNetworkReply();
    Q_EMIT finished();
}

void ChatReply::detachNetworkReply()
{
    if (!m_reply)
        return;
    // Only the end of the body is left after [DONE]: let it arrive so the connection can be reused.
    std::unique_ptr<HttpExchange> reply = std::move(m_reply);
    reply->close(m_sawDone && m_status == ReplyStatus::Complete);
}

ReplyMetrics ChatReply::metrics() const
{
    ReplyMetrics m;
    m.timeToFirstTokenMs = m_firstTokenMs;
    m.usageFromServer = m_usageCompletionTokens >= 0;
    m.completionTokens = m.usageFromServer ? m_usageCompletionTokens : m_countedTokens;
    m.promptTokens = m_usagePromptTokens;
    m.totalMs = m_endMs >= 0 ? m_endMs : m_clock.elapsed();
    if (m_serverTokensPerSecond > 0) {
        m.tokensPerSecond = m_serverTokensPerSecond;
        m.rateFromServer = true;
    } else if (m.completionTokens > 0 && m_lastTokenNs > 0) {
        // The server made every token between the request and the last token's arrival, so this
        // is never faster than it really was. First token to last is not: on a busy client the
        // tokens arrive in one burst, and a rate over a burst of a millisecond is meaningless.
        m.tokensPerSecond = m.completionTokens * 1e9 / double(m_lastTokenNs);
    }
    return m;
}

// ---------------------------------------------------------------------------------------
// ChatClient

ChatClient::ChatClient(QObject *parent)
    : QObject(parent)
{}

std::shared_ptr<HttpClient> ChatClient::network()
{
    if (!m_network)
        m_network = makeHttpClient();
    return m_network;
}

ChatClient::~ChatClient() = default;

void ChatClient::setEndpoint(const ModelEndpoint &endpoint, const QString &token)
{
    m_endpoint = endpoint;
    m_token = token;
    m_usageOptionRejected = false;
}

ChatReply *ChatClient::send(const QList<ChatMessage> &history, const ChatParameters &params)
{
    ChatReply::Request request;
    request.http = jsonRequest("POST", endpointUrl(m_endpoint.baseUrl, QStringLiteral("chat/completions")), m_token);
    request.history = history;
    request.params = params;
    request.options.model = m_endpoint.name;
    request.options.format = m_endpoint.format;
    request.options.includeUsage = !m_usageOptionRejected;
    request.token = m_token;
    request.baseUrl = m_endpoint.baseUrl;
    auto *reply = new ChatReply(network(), std::move(request), m_idleTimeoutMs, m_limits);
    reply->m_onUsageOptionRejected = [self = QPointer<ChatClient>(this)] {
        if (self)
            self->m_usageOptionRejected = true;
    };
    reply->post();
    return reply;
}

void ChatClient::listModels()
{
    fetchModelIds(*network(), m_endpoint.baseUrl, m_token, this,
                  [this](const QStringList &ids, const QString &error) { Q_EMIT modelsListed(ids, error); });
}

} // namespace gantry
