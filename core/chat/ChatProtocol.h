#pragma once

// The OpenAI chat-completions wire format, as plain functions: the request body to send and
// the meaning of each streamed chunk or error body. Kept apart from the network code so the
// parsing is tested (and benchmarked) without a socket.

#include "core/chat/ChatTypes.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

namespace gantry {

struct ChatRequestOptions {
    QString model; // empty: not sent (llama-server ignores it anyway)
    QString format = QStringLiteral("openai"); // "openai" or "tgi" (dstack's strict model proxy)
    bool includeUsage = true; // stream_options.include_usage (never for tgi)
};

// The JSON body of a streaming POST {base}/chat/completions. The system prompt goes first
// unless the history already starts with a system message. For format "tgi" only the keys
// dstack's model proxy accepts are sent (it answers 422 to any other).
QByteArray chatRequestBody(const QList<ChatMessage> &history, const ChatParameters &params,
                           const ChatRequestOptions &options);

// What one "data:" payload of the stream says.
struct ChatChunk {
    QString content; // delta.content
    QString reasoning; // delta.reasoning_content (or delta.reasoning)
    QString finishReason; // choices[0].finish_reason when set
    QString model; // the model that answered, when named
    std::optional<int> promptTokens; // usage, when the chunk carries it
    std::optional<int> completionTokens;
    // The server's own decode speed: llama.cpp's final chunk carries timings.predicted_per_second
    // (vLLM and TGI send usage only).
    std::optional<double> serverTokensPerSecond;
    QString error; // an {"error": …} event: the server's message
    bool malformed = false; // not a JSON object: error holds a description
};
ChatChunk parseChatChunk(QByteArrayView data);

// The message inside an error body: OpenAI/llama.cpp {"error": {"message"}} or {"error": "…"},
// dstack/FastAPI {"detail": "…"} or {"detail": [{"msg"}]}, {"message": "…"}; else the body
// itself when it is short readable text; else empty.
QString errorMessageFromBody(QByteArrayView body);

// The model ids of a GET {base}/models answer ({"data": [{"id"}]}, or llama.cpp's
// {"models": [{"name"}]}), each once; nullopt with *error when the body is not a list.
std::optional<QStringList> modelIdsFromBody(QByteArrayView body, QString *error);

// base URL + "/" + path, with exactly one slash between them.
QString endpointUrl(const QString &baseUrl, const QString &path);

// A sentence warning that a bearer token sent to url travels unencrypted (plain http:// to
// a host other than this machine); empty when it does not.
QString plainHttpTokenWarning(const QString &url);

} // namespace gantry
