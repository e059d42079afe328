#include "core/chat/ChatProtocol.h"

#include "core/common/IpAddress.h"
#include "core/common/JsonFields.h"
#include "core/common/UntrustedText.h"

#include <cmath>

#include <QRegularExpression>
#include <QSet>
#include <QUrl>

#include <nlohmann/json.hpp>

namespace gantry {

namespace {

using nlohmann::json;

// A string the server sent, without control characters (it is printed and stored).
QString stringAt(const json &object, const char *key)
{
    return withoutControlCharacters(jsonfields::string(object, key));
}

// Absent and 0 differ for token counts: absent means the server did not say.
std::optional<int> intAt(const json &object, const char *key)
{
    const json &value = jsonfields::member(object, key);
    return value.is_number_integer() ? std::optional<int>(value.get<int>()) : std::nullopt;
}

std::optional<json> parseJson(QByteArrayView bytes)
{
    json value = json::parse(bytes.begin(), bytes.end(), nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded())
        return std::nullopt;
    return value;
}

// The message inside an "error" value: an object with "message", or a plain string.
// Never dump() it: an untrusted value may nest deeply enough to overflow the stack.
QString errorText(const json &error)
{
    QString message;
    if (error.is_string()) {
        message = QString::fromStdString(error.get_ref<const std::string &>());
    } else if (error.is_object()) {
        message = stringAt(error, "message");
        if (message.isEmpty())
            message = stringAt(error, "msg");
    }
    if (message.isEmpty())
        message = boundedJsonText(error);
    if (message.size() > 2000)
        message = message.left(2000) + QStringLiteral("…");
    return withoutControlCharacters(message, false);
}

QString shortText(QByteArrayView bytes)
{
    QString text = QString::fromUtf8(bytes.first(std::min<qsizetype>(bytes.size(), 1024))).simplified();
    if (text.size() > 200)
        text = text.left(200) + QStringLiteral("…");
    return withoutControlCharacters(text, false);
}

} // namespace

QByteArray chatRequestBody(const QList<ChatMessage> &history, const ChatParameters &params,
                           const ChatRequestOptions &options)
{
    const bool tgi = options.format == QLatin1String("tgi");
    json body = json::object();
    if (!options.model.isEmpty())
        body["model"] = options.model.toStdString();
    json messages = json::array();
    const bool historyHasSystem = !history.isEmpty() && history.front().role == MessageRole::System;
    if (!params.systemPrompt.isEmpty() && !historyHasSystem)
        messages.push_back({{"role", "system"}, {"content", params.systemPrompt.toStdString()}});
    for (const ChatMessage &m : history)
        messages.push_back({{"role", messageRoleName(m.role).toStdString()}, {"content", m.content.toStdString()}});
    body["messages"] = std::move(messages);
    body["stream"] = true;
    if (options.includeUsage && !tgi)
        body["stream_options"] = {{"include_usage", true}};
    if (params.temperature)
        body["temperature"] = *params.temperature;
    if (params.topP)
        body["top_p"] = *params.topP;
    if (params.maxTokens)
        body["max_tokens"] = *params.maxTokens;
    if (params.seed)
        body["seed"] = *params.seed;
    if (!params.stop.isEmpty()) {
        json stop = json::array();
        for (const QString &s : params.stop)
            stop.push_back(s.toStdString());
        body["stop"] = std::move(stop);
    }
    return QByteArray::fromStdString(body.dump());
}

ChatChunk parseChatChunk(QByteArrayView data)
{
    ChatChunk chunk;
    const std::optional<json> parsed = parseJson(data);
    if (!parsed || !parsed->is_object()) {
        chunk.malformed = true;
        chunk.error = QStringLiteral("the server sent a chunk that is not a JSON object: \"%1\"").arg(shortText(data));
        return chunk;
    }
    const json &object = *parsed;
    if (const auto it = object.find("error"); it != object.end() && !it->is_null()) {
        chunk.error = errorText(*it);
        return chunk;
    }
    chunk.model = stringAt(object, "model");
    if (const auto choices = object.find("choices");
        choices != object.end() && choices->is_array() && !choices->empty()) {
        const json &choice = choices->front();
        chunk.finishReason = stringAt(choice, "finish_reason");
        const auto delta = choice.find("delta");
        if (delta != choice.end() && delta->is_object()) {
            chunk.content = stringAt(*delta, "content");
            chunk.reasoning = stringAt(*delta, "reasoning_content");
            if (chunk.reasoning.isEmpty())
                chunk.reasoning = stringAt(*delta, "reasoning");
        } else if (const auto message = choice.find("message"); message != choice.end() && message->is_object()) {
            // A server that ignored "stream" answers with one whole chat.completion.
            chunk.content = stringAt(*message, "content");
            chunk.reasoning = stringAt(*message, "reasoning_content");
        }
    }
    if (const auto usage = object.find("usage"); usage != object.end() && usage->is_object()) {
        chunk.promptTokens = intAt(*usage, "prompt_tokens");
        chunk.completionTokens = intAt(*usage, "completion_tokens");
    }
    if (const auto timings = object.find("timings"); timings != object.end() && timings->is_object()) {
        const auto rate = timings->find("predicted_per_second");
        if (rate != timings->end() && rate->is_number() && rate->get<double>() > 0 &&
            std::isfinite(rate->get<double>()))
            chunk.serverTokensPerSecond = rate->get<double>();
    }
    return chunk;
}

QString errorMessageFromBody(QByteArrayView body)
{
    if (body.trimmed().isEmpty())
        return {};
    if (const std::optional<json> parsed = parseJson(body); parsed && parsed->is_object()) {
        const json &object = *parsed;
        if (const auto it = object.find("error"); it != object.end() && !it->is_null())
            return errorText(*it);
        if (const auto it = object.find("detail"); it != object.end()) {
            if (it->is_array()) {
                QStringList messages;
                for (const json &item : *it) {
                    if (messages.size() == 20) {
                        messages << QStringLiteral("…");
                        break;
                    }
                    messages << errorText(item);
                }
                return messages.join(QStringLiteral("; "));
            }
            return errorText(*it);
        }
        if (const QString message = stringAt(object, "message"); !message.isEmpty())
            return message;
        return shortText(body);
    }
    // Not JSON: an HTML error page from a proxy, or plain text. Show it only if it reads as text.
    const QString text = shortText(body);
    if (text.startsWith(QLatin1Char('<'))) {
        static const QRegularExpression title(QStringLiteral("<title>(.*?)</title>"),
                                              QRegularExpression::CaseInsensitiveOption);
        const QRegularExpressionMatch m =
            title.match(QString::fromUtf8(body.first(std::min<qsizetype>(body.size(), 64 * 1024))));
        return m.hasMatch() ? withoutControlCharacters(m.captured(1).simplified().left(200), false) : QString();
    }
    return text;
}

std::optional<QStringList> modelIdsFromBody(QByteArrayView body, QString *error)
{
    const std::optional<json> parsed = parseJson(body);
    const json *list = nullptr;
    if (parsed && parsed->is_object()) {
        if (auto it = parsed->find("data"); it != parsed->end() && it->is_array())
            list = &*it;
        else if (auto it2 = parsed->find("models"); it2 != parsed->end() && it2->is_array())
            list = &*it2;
    } else if (parsed && parsed->is_array()) {
        list = &*parsed;
    }
    if (!list) {
        if (error)
            *error = QStringLiteral("the model list is not in the OpenAI format: \"%1\"").arg(shortText(body));
        return std::nullopt;
    }
    QStringList ids;
    QSet<QString> seen; // a server may list a million names: no quadratic search
    for (const json &item : *list) {
        QString id = item.is_string()
                         ? withoutControlCharacters(QString::fromStdString(item.get_ref<const std::string &>()))
                         : stringAt(item, "id");
        if (id.isEmpty())
            id = stringAt(item, "name");
        if (!id.isEmpty() && !seen.contains(id)) {
            seen.insert(id);
            ids << id;
        }
    }
    return ids;
}

QString endpointUrl(const QString &baseUrl, const QString &path)
{
    QString base = baseUrl.trimmed();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    QString tail = path;
    while (tail.startsWith(QLatin1Char('/')))
        tail.remove(0, 1);
    return base + QLatin1Char('/') + tail;
}

QString plainHttpTokenWarning(const QString &url)
{
    const QUrl parsed(url.trimmed());
    if (parsed.scheme().compare(QLatin1String("http"), Qt::CaseInsensitive) != 0)
        return {};
    const QString host = parsed.host();
    const std::optional<IpAddress> address = parseIpAddress(host);
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0 || (address && address->isLoopback()))
        return {};
    return QStringLiteral(
               "the token is sent to %1 over plain http://, unencrypted: anyone on the network path can read it. "
               "Use https:// for a server that is not on this machine.")
        .arg(host);
}

} // namespace gantry
