#pragma once

// A streaming client for OpenAI-compatible chat completions (llama.cpp, vLLM, TGI's
// messages API, SGLang, and dstack's service and model proxies). Everything runs on the
// Qt event loop; nothing blocks.

#include "core/chat/ChatProtocol.h"
#include "core/chat/ChatTypes.h"
#include "core/chat/SseParser.h"
#include "core/net/HttpAccess.h"
#include "core/runs/RunInfo.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <memory>

namespace gantry {

// What one reply may cost, whatever the server sends. Past a limit the reply fails with a
// sentence saying which, and keeps what arrived before it.
struct ChatLimits {
    qsizetype maxEventBytes = 4 * 1024 * 1024; // one SSE line or event: more is a malformed stream
    // The whole body: the reply is cut off there. 16 MB is ~4M tokens, more than any context
    // window; the peak memory of a reply that fast is a multiple of this (Qt queues what
    // arrives faster than it is parsed), so it is not larger.
    qint64 maxReplyBytes = 16LL * 1024 * 1024;
    int deadlineMs = 30 * 60 * 1000; // the whole reply, however steadily it trickles
};

// One streamed reply. It starts at once; delta() fires as text arrives and finished() fires
// exactly once. Whatever arrived before a stop or a fault stays in content(). The caller owns
// it; deleting it (deleteLater from a slot) cancels the request.
class ChatReply : public QObject
{
    Q_OBJECT
public:
    ~ChatReply() override;

    QString content() const { return m_content; }
    QString reasoning() const { return m_reasoning; } // reasoning_content, kept apart
    QString finishReason() const { return m_finishReason; } // "stop", "length", … or empty
    QString model() const { return m_model; } // as the server named itself
    ReplyStatus status() const { return m_status; }
    QString errorString() const { return m_error; } // set when status() is Failed
    ReplyMetrics metrics() const;

    // Cancels the request. The partial text stays; status becomes Stopped; finished() fires.
    void stop();

Q_SIGNALS:
    void delta(const QString &content, const QString &reasoning);
    void finished();

private:
    friend class ChatClient;
    struct Request {
        HttpRequest http;
        QList<ChatMessage> history;
        ChatParameters params;
        ChatRequestOptions options;
        QString token;
        QString baseUrl;
    };
    ChatReply(std::weak_ptr<HttpClient> network, Request request, int idleTimeoutMs, const ChatLimits &limits);

    void post();
    void onReadyRead();
    void readAvailable();
    void onNetworkFinished();
    void onIdleTimeout();
    void handleEvent(const SseEvent &event);
    void handleHttpError(int httpStatus, const QByteArray &body);
    void handleBytes(const QByteArray &bytes);
    void feedEvents(QByteArrayView bytes);
    void checkHeaders();
    QString networkFailureMessage() const;
    void fail(const QString &message);
    void finish(ReplyStatus status);
    void detachNetworkReply();
    QString hostDescription() const;

    std::weak_ptr<HttpClient> m_network; // the client's, gone with it
    Request m_request;
    std::unique_ptr<HttpExchange> m_reply;
    QTimer m_idleTimer;
    QTimer m_deadlineTimer;
    int m_idleTimeoutMs;
    ChatLimits m_limits;
    qint64 m_bodyBytes = 0;
    QElapsedTimer m_clock;
    SseParser m_parser;
    QByteArray m_wholeBody; // a non-2xx answer, or a 2xx that is not an event stream
    bool m_checkedHeaders = false;
    bool m_httpError = false;
    bool m_notEventStream = false;
    bool m_receivedBytes = false;
    bool m_sawDone = false;
    bool m_retriedWithoutUsage = false;
    std::function<void()> m_onUsageOptionRejected; // tells the client to stop sending it

    QString m_content, m_reasoning, m_finishReason, m_model, m_error;
    ReplyStatus m_status = ReplyStatus::Streaming;
    qint64 m_firstTokenMs = -1;
    qint64 m_lastTokenMs = -1;
    qint64 m_lastTokenNs = -1; // request sent → last token, in ns (loopback replies take < 1 ms)
    double m_serverTokensPerSecond = 0;
    qint64 m_endMs = -1;
    int m_countedTokens = 0;
    int m_usagePromptTokens = -1;
    int m_usageCompletionTokens = -1;
};

class ChatClient : public QObject
{
    Q_OBJECT
public:
    explicit ChatClient(QObject *parent = nullptr);
    ~ChatClient() override;

    // Where to send requests, and the bearer token (never logged; empty: no Authorization).
    void setEndpoint(const gantry::ModelEndpoint &endpoint, const QString &token = {});
    ModelEndpoint endpoint() const { return m_endpoint; }

    // A reply fails with a message when nothing arrives for this long (default 120 s): no
    // byte, or, in an event stream, no complete line (an endless line is not progress).
    void setIdleTimeout(int ms) { m_idleTimeoutMs = ms; }
    int idleTimeout() const { return m_idleTimeoutMs; }

    void setLimits(const ChatLimits &limits) { m_limits = limits; }
    ChatLimits limits() const { return m_limits; }

    // Starts one streamed reply to history (+ params.systemPrompt first). The caller owns it.
    ChatReply *send(const QList<ChatMessage> &history, const ChatParameters &params);

    // GET {base}/models; answers with modelsListed.
    void listModels();

Q_SIGNALS:
    void modelsListed(const QStringList &ids, const QString &error);

private:
    // Made by the first request: a chat panel that is open but not used loads no network module
    // (idle memory, issue 14).
    std::shared_ptr<HttpClient> network();

    std::shared_ptr<HttpClient> m_network;
    ModelEndpoint m_endpoint;
    QString m_token;
    int m_idleTimeoutMs = 120000;
    ChatLimits m_limits;
    bool m_usageOptionRejected = false; // this endpoint answered 400 to stream_options
};

// GET {endpoint.baseUrl}/models and call done(ids, error) on the event loop; done is dropped
// if context is destroyed first. Shared by ChatClient::listModels and the 404 explanation.
void fetchModelIds(HttpClient &network, const QString &baseUrl, const QString &token, QObject *context,
                   std::function<void(const QStringList &, const QString &)> done);

} // namespace gantry
