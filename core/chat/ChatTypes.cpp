#include "core/chat/ChatTypes.h"

#include <cmath>

namespace gantry {

namespace {

std::string utf8(const QString &s)
{
    return s.toStdString();
}

template <typename T>
std::optional<T> optionalNumber(const nlohmann::json &json, const char *key)
{
    const auto it = json.find(key);
    if (it == json.end() || !it->is_number())
        return std::nullopt;
    return it->get<T>();
}

} // namespace

bool ChatParameters::set(const QString &assignment, QString *error)
{
    auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    const qsizetype eq = assignment.indexOf(QLatin1Char('='));
    if (eq <= 0)
        return fail(QStringLiteral("'%1' is not name=value (e.g. temperature=0.2)").arg(assignment));
    const QString name = assignment.left(eq).trimmed().replace(QLatin1Char('-'), QLatin1Char('_'));
    const QString value = assignment.mid(eq + 1);
    bool ok = false;
    if (name == QLatin1String("temperature") || name == QLatin1String("top_p")) {
        const double number = value.toDouble(&ok);
        if (!ok || !std::isfinite(number) || number < 0)
            return fail(QStringLiteral("%1 must be a number ≥ 0, not '%2'").arg(name, value));
        (name == QLatin1String("temperature") ? temperature : topP) = number;
    } else if (name == QLatin1String("max_tokens") || name == QLatin1String("seed")) {
        const int number = value.toInt(&ok);
        if (!ok || (name == QLatin1String("max_tokens") && number <= 0))
            return fail(
                QStringLiteral("%1 must be a whole number%2, not '%3'")
                    .arg(name, name == QLatin1String("max_tokens") ? QStringLiteral(" > 0") : QString(), value));
        (name == QLatin1String("max_tokens") ? maxTokens : seed) = number;
    } else if (name == QLatin1String("stop")) {
        stop.append(value);
    } else if (name == QLatin1String("system")) {
        systemPrompt = value;
    } else {
        return fail(QStringLiteral("unknown parameter '%1' (known: temperature, top_p, max_tokens, seed, stop, system)")
                        .arg(name));
    }
    return true;
}

nlohmann::json ChatParameters::toJson() const
{
    nlohmann::json j = nlohmann::json::object();
    if (!systemPrompt.isEmpty())
        j["system"] = utf8(systemPrompt);
    if (temperature)
        j["temperature"] = *temperature;
    if (topP)
        j["top_p"] = *topP;
    if (maxTokens)
        j["max_tokens"] = *maxTokens;
    if (seed)
        j["seed"] = *seed;
    if (!stop.isEmpty()) {
        nlohmann::json list = nlohmann::json::array();
        for (const QString &s : stop)
            list.push_back(utf8(s));
        j["stop"] = list;
    }
    return j;
}

ChatParameters ChatParameters::fromJson(const nlohmann::json &json)
{
    ChatParameters p;
    if (!json.is_object())
        return p;
    if (auto it = json.find("system"); it != json.end() && it->is_string())
        p.systemPrompt = QString::fromStdString(it->get<std::string>());
    p.temperature = optionalNumber<double>(json, "temperature");
    p.topP = optionalNumber<double>(json, "top_p");
    p.maxTokens = optionalNumber<int>(json, "max_tokens");
    p.seed = optionalNumber<int>(json, "seed");
    if (auto it = json.find("stop"); it != json.end() && it->is_array()) {
        for (const auto &s : *it) {
            if (s.is_string())
                p.stop.append(QString::fromStdString(s.get<std::string>()));
        }
    }
    return p;
}

QString replyStatusToString(ReplyStatus status)
{
    switch (status) {
    case ReplyStatus::Streaming:
        return QStringLiteral("streaming");
    case ReplyStatus::Complete:
        return QStringLiteral("complete");
    case ReplyStatus::Stopped:
        return QStringLiteral("stopped");
    case ReplyStatus::Failed:
        return QStringLiteral("failed");
    }
    return QStringLiteral("failed");
}

ReplyStatus replyStatusFromString(const QString &text)
{
    if (text == QLatin1String("streaming"))
        return ReplyStatus::Streaming;
    if (text == QLatin1String("complete"))
        return ReplyStatus::Complete;
    if (text == QLatin1String("stopped"))
        return ReplyStatus::Stopped;
    return ReplyStatus::Failed;
}

bool isFinal(ReplyStatus status)
{
    return status != ReplyStatus::Streaming;
}

nlohmann::json ReplyMetrics::toJson() const
{
    nlohmann::json j;
    j["time_to_first_token_ms"] = timeToFirstTokenMs >= 0 ? nlohmann::json(timeToFirstTokenMs) : nlohmann::json();
    j["tokens_per_second"] = std::round(tokensPerSecond * 100.0) / 100.0;
    j["prompt_tokens"] = promptTokens >= 0 ? nlohmann::json(promptTokens) : nlohmann::json();
    j["completion_tokens"] = completionTokens;
    j["usage_from_server"] = usageFromServer;
    j["rate_from_server"] = rateFromServer;
    j["total_ms"] = totalMs >= 0 ? nlohmann::json(totalMs) : nlohmann::json();
    return j;
}

ReplyMetrics ReplyMetrics::fromJson(const nlohmann::json &json)
{
    ReplyMetrics m;
    if (!json.is_object())
        return m;
    m.timeToFirstTokenMs = optionalNumber<qint64>(json, "time_to_first_token_ms").value_or(-1);
    m.tokensPerSecond = optionalNumber<double>(json, "tokens_per_second").value_or(0);
    m.promptTokens = optionalNumber<int>(json, "prompt_tokens").value_or(-1);
    m.completionTokens = optionalNumber<int>(json, "completion_tokens").value_or(0);
    if (auto it = json.find("usage_from_server"); it != json.end() && it->is_boolean())
        m.usageFromServer = it->get<bool>();
    if (auto it = json.find("rate_from_server"); it != json.end() && it->is_boolean())
        m.rateFromServer = it->get<bool>();
    m.totalMs = optionalNumber<qint64>(json, "total_ms").value_or(-1);
    return m;
}

QString ReplyMetrics::toDisplayString() const
{
    QStringList parts;
    if (timeToFirstTokenMs >= 0)
        parts << QStringLiteral("TTFT %1 ms").arg(timeToFirstTokenMs);
    if (tokensPerSecond > 0)
        parts << QStringLiteral("%1 tok/s").arg(tokensPerSecond, 0, 'f', 1);
    const QString completion =
        QStringLiteral("%1%2 tokens").arg(usageFromServer ? QString() : QStringLiteral("~")).arg(completionTokens);
    parts << (promptTokens >= 0 ? QStringLiteral("%1 → %2").arg(promptTokens).arg(completion) : completion);
    return parts.join(QStringLiteral(" · "));
}

QString messageRoleName(MessageRole role)
{
    switch (role) {
    case MessageRole::System:
        return QStringLiteral("system");
    case MessageRole::User:
        return QStringLiteral("user");
    case MessageRole::Assistant:
        return QStringLiteral("assistant");
    }
    return {};
}

std::optional<MessageRole> messageRoleFromName(const QString &name)
{
    for (const MessageRole role : {MessageRole::System, MessageRole::User, MessageRole::Assistant})
        if (name == messageRoleName(role))
            return role;
    return std::nullopt;
}

} // namespace gantry
