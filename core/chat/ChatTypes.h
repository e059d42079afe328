#pragma once

// The plain values the chat core passes around: what was said, how to ask, how a reply went.

#include <QList>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <optional>

namespace gantry {

// Who said a message, as OpenAI's chat API and the conversation store name it.
enum class MessageRole { System, User, Assistant };
QString messageRoleName(MessageRole role); // "system", "user", "assistant"
std::optional<MessageRole> messageRoleFromName(const QString &name);

struct ChatMessage {
    MessageRole role = MessageRole::User;
    QString content;

    friend bool operator==(const ChatMessage &, const ChatMessage &) = default;
};

// Sampling parameters; unset optionals are not sent, so the server's defaults apply.
struct ChatParameters {
    QString systemPrompt;
    std::optional<double> temperature;
    std::optional<double> topP;
    std::optional<int> maxTokens;
    std::optional<int> seed;
    QStringList stop;

    // Sets one parameter from "name=value" text (the CLI's --param). Names: temperature,
    // top_p, max_tokens, seed, stop (repeatable), system. False with *error saying why when
    // the text is not one of those with a valid value (nothing is set then).
    bool set(const QString &assignment, QString *error);

    nlohmann::json toJson() const; // only the keys that are set
    static ChatParameters fromJson(const nlohmann::json &json);

    friend bool operator==(const ChatParameters &, const ChatParameters &) = default;
};

enum class ReplyStatus { Streaming, Complete, Stopped, Failed };

QString replyStatusToString(ReplyStatus status); // "streaming", "complete", … (not toString: QTest would pick it)
ReplyStatus replyStatusFromString(const QString &text); // unknown → Failed
bool isFinal(ReplyStatus status);

struct ReplyMetrics {
    qint64 timeToFirstTokenMs = -1; // -1: no token arrived
    // Generation speed: the server's own figure when it sends one (rateFromServer), else the
    // completion tokens over the time from the request to the last token. Never a rate over a
    // burst of tokens that arrived together: that measures the client's reads, not the server.
    double tokensPerSecond = 0;
    bool rateFromServer = false;
    int promptTokens = -1; // -1: the server did not say
    int completionTokens = 0; // the server's usage when given, else counted chunks
    bool usageFromServer = false;
    qint64 totalMs = -1; // request sent → reply finished (or now, while streaming)

    nlohmann::json toJson() const;
    static ReplyMetrics fromJson(const nlohmann::json &json);
    // "TTFT 120 ms · 35.2 tok/s · 12 → 64 tokens": one line under a reply.
    QString toDisplayString() const;

    friend bool operator==(const ReplyMetrics &, const ReplyMetrics &) = default;
};

} // namespace gantry
