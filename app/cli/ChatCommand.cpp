// gantry-cli chat (RUN | --url BASE_URL) [options] MESSAGE: send one message to a published
// model, stream the answer to stdout as it arrives, and keep the exchange in the conversation
// store. Exit 0 when the reply completed, 1 when it failed, 2 on misuse, 130 on Ctrl-C
// (the partial reply is kept, marked stopped).

#include "BackendSelection.h"
#include "CliCommand.h"

#include "chat/ChatSession.h"
#include "common/StatePaths.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QSocketNotifier>
#include <QTextStream>

#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace gantry::cli {

namespace {

const char *const kUsage =
    "usage: gantry-cli chat (RUN | --url BASE_URL) [options] MESSAGE\n"
    "  RUN                 a run whose model to talk to (its endpoint, model name and token)\n"
    "  --backend B         where RUN lives (default: local)\n"
    "  --project P         RUN lives in this dstack project (from ~/.dstack/config.yml)\n"
    "  --url BASE_URL      an OpenAI-compatible base URL instead, e.g. http://127.0.0.1:8000/v1\n"
    "  --model M           the model name to send (default: the run's, else the first of GET /models)\n"
    "  --format F          openai (default) or tgi (dstack's strict model proxy)\n"
    "  --token-file F      read the bearer token from file F ('-': the first line of stdin)\n"
    "  --token T           bearer token (visible to other users in `ps`: prefer --token-file or\n"
    "                      $GANTRY_TOKEN); never printed\n"
    "  --system S          system prompt\n"
    "  --param NAME=VALUE  temperature, top_p, max_tokens, seed, stop (repeatable)\n"
    "  --conversation ID   continue a stored conversation (its endpoint is the default)\n"
    "  --timeout SECONDS   give up when no byte arrives for this long (default 120)\n"
    "  --json              print the final message with its metrics as JSON instead of streaming\n"
    "  MESSAGE             the message; '-' reads it from stdin\n"
    "  (gantry-cli chat --compare RUN_OR_URL… MESSAGE: one prompt to 2-4 endpoints; --compare --help)\n";

int usageError(const QString &message)
{
    QTextStream(stderr) << "gantry-cli chat: " << message << '\n' << kUsage;
    return 2;
}

struct Options {
    QString run, url, model, format = QStringLiteral("openai"), token, tokenFile, message;
    bool tokenOnCommandLine = false;
    ChatParameters params;
    qint64 conversationId = 0;
    int idleTimeoutMs = 120000;
    bool json = false;
};

// Parses args into options; returns an error message, or empty.
QString parse(const QStringList &args, Options &o, bool &help)
{
    QStringList positional;
    const QStringList valued = {QStringLiteral("--url"), QStringLiteral("--model"), QStringLiteral("--format"),
                                QStringLiteral("--token"), QStringLiteral("--token-file"), QStringLiteral("--system"), QStringLiteral("--param"),
                                QStringLiteral("--conversation"), QStringLiteral("--timeout")};
    for (qsizetype i = 0; i < args.size(); ++i) {
        QString a = args[i];
        if (a == QLatin1String("-h") || a == QLatin1String("--help")) {
            help = true;
            return {};
        }
        if (a == QLatin1String("--json")) {
            o.json = true;
            continue;
        }
        if (a == QLatin1String("--")) {
            positional += args.mid(i + 1);
            break;
        }
        QString value;
        if (const qsizetype eq = a.indexOf(QLatin1Char('=')); a.startsWith(QLatin1String("--")) && eq > 0) {
            value = a.mid(eq + 1);
            a = a.left(eq);
            if (!valued.contains(a))
                return QStringLiteral("unknown option '%1'").arg(a);
        } else if (valued.contains(a)) {
            if (i + 1 >= args.size())
                return QStringLiteral("%1 needs a value").arg(a);
            value = args[++i];
        } else if (a.startsWith(QLatin1Char('-')) && a != QLatin1String("-")) {
            return QStringLiteral("unknown option '%1'").arg(a);
        } else {
            positional << a;
            continue;
        }
        if (a == QLatin1String("--url")) {
            o.url = value;
        } else if (a == QLatin1String("--model")) {
            o.model = value;
        } else if (a == QLatin1String("--format")) {
            if (value != QLatin1String("openai") && value != QLatin1String("tgi"))
                return QStringLiteral("--format is openai or tgi, not '%1'").arg(value);
            o.format = value;
        } else if (a == QLatin1String("--token")) {
            o.token = value;
            o.tokenOnCommandLine = true;
        } else if (a == QLatin1String("--token-file")) {
            o.tokenFile = value;
        } else if (a == QLatin1String("--system")) {
            o.params.systemPrompt = value;
        } else if (a == QLatin1String("--param")) {
            if (const QString error = o.params.set(value); !error.isEmpty())
                return QStringLiteral("--param: %1").arg(error);
        } else if (a == QLatin1String("--conversation")) {
            bool ok = false;
            o.conversationId = value.toLongLong(&ok);
            if (!ok || o.conversationId <= 0)
                return QStringLiteral("--conversation needs a conversation id (a number), not '%1'").arg(value);
        } else if (a == QLatin1String("--timeout")) {
            bool ok = false;
            const double seconds = value.toDouble(&ok);
            if (!ok || seconds <= 0)
                return QStringLiteral("--timeout needs a number of seconds > 0, not '%1'").arg(value);
            o.idleTimeoutMs = int(seconds * 1000);
        }
    }
    const bool needsRun = o.url.isEmpty() && o.conversationId == 0;
    if (needsRun || (o.url.isEmpty() && positional.size() == 2))
        o.run = positional.isEmpty() ? QString() : positional.takeFirst();
    if (needsRun && o.run.isEmpty())
        return QStringLiteral("name a RUN, or give --url BASE_URL");
    if (positional.size() != 1)
        return positional.isEmpty() ? QStringLiteral("no MESSAGE given") : QStringLiteral("one MESSAGE only (quote it)");
    o.message = positional.front();
    if (!o.tokenFile.isEmpty() && o.tokenOnCommandLine)
        return QStringLiteral("give --token or --token-file, not both");
    if (o.tokenFile == QLatin1String("-") && o.message == QLatin1String("-"))
        return QStringLiteral("stdin cannot hold both the token (--token-file -) and the MESSAGE (-)");
    if (!o.tokenFile.isEmpty()) {
        QFile file;
        const bool opened = o.tokenFile == QLatin1String("-") ? file.open(stdin, QIODevice::ReadOnly)
                                                              : (file.setFileName(o.tokenFile), file.open(QIODevice::ReadOnly));
        if (!opened)
            return QStringLiteral("cannot read the token file %1: %2").arg(o.tokenFile, file.errorString());
        o.token = QString::fromUtf8(file.readLine(64 * 1024)).trimmed();
        if (o.token.isEmpty())
            return QStringLiteral("the token file %1 is empty").arg(o.tokenFile == QLatin1String("-") ? QStringLiteral("(stdin)") : o.tokenFile);
    }
    if (o.token.isEmpty())
        o.token = qEnvironmentVariable("GANTRY_TOKEN");
    return {};
}

// Ctrl-C stops the reply (kept, marked stopped) instead of killing the process mid-write.
int g_signalPipe[2] = {-1, -1};
void onSigint(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(g_signalPipe[1], &byte, 1);
}

// RUN's model endpoint and bearer token, from the backend that runs it.
QString resolveRun(QStringList &args, const QString &name, ModelEndpoint *endpoint, QString *token)
{
    QString error;
    const std::unique_ptr<Backend> backend = selectBackend(args, &error);
    if (!backend)
        return error;
    const QList<RunInfo> runs = backend->runs();
    for (const RunInfo &run : runs) {
        if (run.name != name)
            continue;
        if (isFinal(run.status))
            return QStringLiteral("run '%1' is %2; there is no model to talk to (start it again with gantry-cli apply)")
                .arg(name, toString(run.status));
        if (!run.model)
            return QStringLiteral("run '%1' publishes no model (its configuration has no `model:`); give --url BASE_URL").arg(name);
        if (!run.ready)
            QTextStream(stderr) << "gantry-cli chat: run '" << name << "' is " << toString(run.status)
                                << " but not ready yet; trying anyway\n";
        *endpoint = *run.model;
        *token = backend->modelToken(name);
        return {};
    }
    return QStringLiteral("there is no run named '%1' (gantry-cli ps lists them)").arg(name);
}

void writeOut(FILE *stream, const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
    std::fflush(stream);
}

} // namespace

int chatCommand(const QStringList &arguments)
{
    if (arguments.contains(QStringLiteral("--compare")))
        return compareCommand(arguments);
    // --backend belongs to the run resolution; the rest is chat's own.
    QStringList backendArgs, args;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        if ((arguments[i] == QLatin1String("--backend") || arguments[i] == QLatin1String("--project")) && i + 1 < arguments.size()) {
            backendArgs << arguments[i] << arguments[i + 1];
            ++i;
        } else if (arguments[i].startsWith(QLatin1String("--backend=")) || arguments[i].startsWith(QLatin1String("--project="))) {
            backendArgs << arguments[i];
        } else {
            args << arguments[i];
        }
    }
    Options o;
    bool help = false;
    if (const QString error = parse(args, o, help); !error.isEmpty())
        return usageError(error);
    if (help) {
        QTextStream(stdout) << kUsage;
        return 0;
    }
    QTextStream err(stderr);
    if (o.message == QLatin1String("-")) {
        QTextStream in(stdin);
        o.message = in.readAll();
    }

    ConversationStore store;
    if (const QString error = store.open(chatDatabasePath()); !error.isEmpty()) {
        err << "gantry-cli chat: " << error << '\n';
        return 1;
    }
    if (o.conversationId > 0) {
        const std::optional<ConversationSummary> conversation = store.conversation(o.conversationId);
        if (!conversation) {
            err << "gantry-cli chat: there is no conversation " << o.conversationId << " (see the chat panel's list)\n";
            return 1;
        }
        if (o.url.isEmpty() && o.run.isEmpty())
            o.url = conversation->endpointUrl;
        if (o.model.isEmpty())
            o.model = conversation->model;
    }
    ModelEndpoint endpoint{o.url, o.model, o.format, !o.token.isEmpty()};
    if (!o.run.isEmpty()) {
        QString runToken;
        if (const QString error = resolveRun(backendArgs, o.run, &endpoint, &runToken); !error.isEmpty()) {
            err << "gantry-cli chat: " << error << '\n';
            return 1;
        }
        o.url = endpoint.baseUrl;
        if (!o.model.isEmpty())
            endpoint.name = o.model;  // --model overrides the run's name
        o.model = endpoint.name;
        o.format = endpoint.format;
        if (o.token.isEmpty())
            o.token = runToken;
    }

    if (o.tokenOnCommandLine)
        err << "gantry-cli chat: warning: --token puts the token on the command line, where any user of this machine "
               "can read it (ps); use --token-file FILE, --token-file - (stdin) or $GANTRY_TOKEN\n";
    if (!o.token.isEmpty()) {
        if (const QString warning = plainHttpTokenWarning(o.url); !warning.isEmpty())
            err << "gantry-cli chat: warning: " << warning << '\n';
    }
    err.flush();

    ChatClient client;
    client.setIdleTimeout(o.idleTimeoutMs);
    client.setEndpoint(ModelEndpoint{o.url, o.model, o.format, !o.token.isEmpty()}, o.token);
    QEventLoop loop;
    if (o.model.isEmpty()) {
        // No name from a run or a conversation: take the first model the server lists.
        QObject::connect(&client, &ChatClient::modelsListed, &loop, [&](const QStringList &ids, const QString &error) {
            if (!ids.isEmpty())
                o.model = ids.front();
            else
                err << "gantry-cli chat: could not list the models (" << (error.isEmpty() ? QStringLiteral("none served") : error)
                    << "); sending without a model name\n";
            err.flush();
            loop.quit();
        });
        client.listModels();
        loop.exec();
        client.setEndpoint(ModelEndpoint{o.url, o.model, o.format, !o.token.isEmpty()}, o.token);
    }

    ChatSession session(&store, &client);
    session.setParameters(o.params);
    if (o.conversationId > 0 && !session.openConversation(o.conversationId))
        return 1;

    bool interrupted = false;
    std::unique_ptr<QSocketNotifier> sigint;
    if (::pipe(g_signalPipe) == 0) {
        sigint = std::make_unique<QSocketNotifier>(g_signalPipe[0], QSocketNotifier::Read);
        QObject::connect(sigint.get(), &QSocketNotifier::activated, &session, [&] {
            char byte;
            [[maybe_unused]] const auto got = ::read(g_signalPipe[0], &byte, 1);
            interrupted = true;
            session.stop();
        });
        std::signal(SIGINT, onSigint);
    }

    bool endsWithNewline = true;
    if (!o.json) {
        QObject::connect(&session, &ChatSession::messageDelta, &loop, [&](qint64, const QString &content, const QString &reasoning) {
            if (!reasoning.isEmpty())
                writeOut(stderr, reasoning);
            if (!content.isEmpty()) {
                writeOut(stdout, content);
                endsWithNewline = content.endsWith(QLatin1Char('\n'));
            }
        });
    }
    ReplyStatus status = ReplyStatus::Failed;
    QObject::connect(&session, &ChatSession::replyFinished, &loop, [&](qint64, ReplyStatus s) {
        status = s;
        loop.quit();
    });
    const qint64 answerId = session.send(o.message);
    if (answerId < 0) {
        err << "gantry-cli chat: could not send the message: " << store.lastError() << '\n';
        return 1;
    }
    loop.exec();
    std::signal(SIGINT, SIG_DFL);

    const StoredMessage answer = store.message(answerId).value_or(StoredMessage());
    if (o.json) {
        nlohmann::json j = {{"conversation_id", session.conversationId()},
                            {"message_id", answerId},
                            {"role", "assistant"},
                            {"content", answer.content.toStdString()},
                            {"reasoning", answer.reasoning.toStdString()},
                            {"status", replyStatusToString(answer.status).toStdString()},
                            {"finish_reason", answer.finishReason.isEmpty() ? nlohmann::json() : nlohmann::json(answer.finishReason.toStdString())},
                            {"error", answer.error.isEmpty() ? nlohmann::json() : nlohmann::json(answer.error.toStdString())},
                            {"model", o.model.toStdString()},
                            {"metrics", answer.metrics.toJson()}};
        writeOut(stdout, QString::fromStdString(j.dump(2)) + QLatin1Char('\n'));
    } else {
        if (!endsWithNewline)
            writeOut(stdout, QStringLiteral("\n"));
        err << "[conversation " << session.conversationId();
        if (answer.metrics.completionTokens > 0)
            err << " · " << answer.metrics.toDisplayString();
        if (!answer.finishReason.isEmpty())
            err << " · finish: " << answer.finishReason;
        if (status == ReplyStatus::Stopped)
            err << " · stopped";
        err << "]\n";
    }
    if (status == ReplyStatus::Failed)
        err << "gantry-cli chat: " << answer.error << '\n';
    if (interrupted)
        return 130;
    return status == ReplyStatus::Complete ? 0 : 1;
}

} // namespace gantry::cli
