#include "app/cli/ChatOptions.h"

#include <QFile>
#include <QTextStream>

namespace gantry::cli {

namespace {

const QCommandLineOption kUrl(
    QStringLiteral("url"),
    QStringLiteral("an OpenAI-compatible base URL instead of a RUN, e.g. http://127.0.0.1:8000/v1"),
    QStringLiteral("BASE_URL"));
const QCommandLineOption kModel(
    QStringLiteral("model"),
    QStringLiteral("the model name to send (default: the run's, else the first of GET /models)"), QStringLiteral("M"));
const QCommandLineOption kFormat(QStringLiteral("format"),
                                 QStringLiteral("openai (default) or tgi (dstack's strict model proxy)"),
                                 QStringLiteral("F"));
const QCommandLineOption kTokenFile(QStringLiteral("token-file"),
                                    QStringLiteral("read the bearer token from file F ('-': the first line of stdin)"),
                                    QStringLiteral("F"));
const QCommandLineOption kToken(
    QStringLiteral("token"),
    QStringLiteral(
        "bearer token (visible to other users in `ps`: prefer --token-file or\n$GANTRY_TOKEN); never printed"),
    QStringLiteral("T"));
const QCommandLineOption kSystem(QStringLiteral("system"), QStringLiteral("system prompt"), QStringLiteral("S"));
const QCommandLineOption kParam(QStringLiteral("param"),
                                QStringLiteral("temperature, top_p, max_tokens, seed, stop (repeatable)"),
                                QStringLiteral("NAME=VALUE"));
const QCommandLineOption kConversation(QStringLiteral("conversation"),
                                       QStringLiteral("continue a stored conversation (its endpoint is the default)"),
                                       QStringLiteral("ID"));
const QCommandLineOption kTimeout(QStringLiteral("timeout"),
                                  QStringLiteral("give up when no byte arrives for this long (default 120)"),
                                  QStringLiteral("SECONDS"));
const QCommandLineOption kJson(QStringLiteral("json"),
                               QStringLiteral("print the final message with its metrics as JSON instead of streaming"));
const QCommandLineOption kCompare(
    QStringLiteral("compare"),
    QStringLiteral("send one MESSAGE to 2-4 runs or URLs at once and print each reply with its\n"
                   "metrics and cost (kept in the chat database like the chat panel's)"));

// The token on the file's first line; nullopt with *error when it cannot be read or is empty.
std::optional<QString> readToken(const QString &tokenFile, QString *error)
{
    QFile file;
    const bool opened = tokenFile == QLatin1String("-") ? file.open(stdin, QIODevice::ReadOnly)
                                                        : (file.setFileName(tokenFile), file.open(QIODevice::ReadOnly));
    if (!opened) {
        *error = QStringLiteral("cannot read the token file %1: %2").arg(tokenFile, file.errorString());
        return std::nullopt;
    }
    const QString token = QString::fromUtf8(file.readLine(64 * 1024)).trimmed();
    if (token.isEmpty()) {
        *error = QStringLiteral("the token file %1 is empty")
                     .arg(tokenFile == QLatin1String("-") ? QStringLiteral("(stdin)") : tokenFile);
        return std::nullopt;
    }
    return token;
}

} // namespace

QList<QCommandLineOption> chatOptionDeclarations()
{
    return QList<QCommandLineOption>{kUrl,   kModel,        kFormat,  kTokenFile, kToken,  kSystem,
                                     kParam, kConversation, kTimeout, kJson,      kCompare} +
           backendOptions();
}

QCommandLineOption compareOption()
{
    return kCompare;
}

QStringList singleEndpointOptionNames()
{
    return {kUrl.names().first(), kFormat.names().first(), kTokenFile.names().first(), kToken.names().first(),
            kConversation.names().first()};
}

std::optional<SharedChatOptions> SharedChatOptions::from(const QCommandLineParser &arguments, QString *error)
{
    SharedChatOptions o;
    o.json = arguments.isSet(kJson);
    o.model = arguments.value(kModel);
    o.backend = BackendChoice::from(arguments);
    if (arguments.isSet(kSystem))
        o.params.systemPrompt = arguments.value(kSystem);
    for (const QString &value : arguments.values(kParam)) {
        if (QString problem; !o.params.set(value, &problem)) {
            *error = QStringLiteral("--param: %1").arg(problem);
            return std::nullopt;
        }
    }
    if (arguments.isSet(kTimeout)) {
        bool ok = false;
        const double seconds = arguments.value(kTimeout).toDouble(&ok);
        if (!ok || seconds <= 0) {
            *error = QStringLiteral("--timeout needs a number of seconds > 0, not '%1'").arg(arguments.value(kTimeout));
            return std::nullopt;
        }
        o.idleTimeoutMs = int(seconds * 1000);
    }
    return o;
}

std::optional<ChatOptions> ChatOptions::from(const QCommandLineParser &arguments, QString *error)
{
    const auto shared = SharedChatOptions::from(arguments, error);
    if (!shared)
        return std::nullopt;
    ChatOptions o;
    static_cast<SharedChatOptions &>(o) = *shared;
    o.url = arguments.value(kUrl);
    if (arguments.isSet(kFormat)) {
        o.format = arguments.value(kFormat);
        if (o.format != QLatin1String("openai") && o.format != QLatin1String("tgi")) {
            *error = QStringLiteral("--format is openai or tgi, not '%1'").arg(o.format);
            return std::nullopt;
        }
    }
    if (arguments.isSet(kConversation)) {
        bool ok = false;
        o.conversationId = arguments.value(kConversation).toLongLong(&ok);
        if (!ok || o.conversationId <= 0) {
            *error = QStringLiteral("--conversation needs a conversation id (a number), not '%1'")
                         .arg(arguments.value(kConversation));
            return std::nullopt;
        }
    }
    QStringList positional = arguments.positionalArguments();
    const bool needsRun = o.url.isEmpty() && o.conversationId == 0;
    if (needsRun || (o.url.isEmpty() && positional.size() == 2))
        o.run = positional.isEmpty() ? QString() : positional.takeFirst();
    if (needsRun && o.run.isEmpty()) {
        *error = QStringLiteral("name a RUN, or give --url BASE_URL");
        return std::nullopt;
    }
    if (positional.size() != 1) {
        *error =
            positional.isEmpty() ? QStringLiteral("no MESSAGE given") : QStringLiteral("one MESSAGE only (quote it)");
        return std::nullopt;
    }
    o.message = positional.front();
    o.tokenOnCommandLine = arguments.isSet(kToken);
    o.token = arguments.value(kToken);
    const QString tokenFile = arguments.value(kTokenFile);
    if (!tokenFile.isEmpty() && o.tokenOnCommandLine) {
        *error = QStringLiteral("give --token or --token-file, not both");
        return std::nullopt;
    }
    if (tokenFile == QLatin1String("-") && o.message == QLatin1String("-")) {
        *error = QStringLiteral("stdin cannot hold both the token (--token-file -) and the MESSAGE (-)");
        return std::nullopt;
    }
    if (!tokenFile.isEmpty()) {
        const std::optional<QString> token = readToken(tokenFile, error);
        if (!token)
            return std::nullopt;
        o.token = *token;
    }
    if (o.token.isEmpty())
        o.token = qEnvironmentVariable("GANTRY_TOKEN");
    if (o.message == QLatin1String("-"))
        o.message = QTextStream(stdin).readAll();
    return o;
}

} // namespace gantry::cli
