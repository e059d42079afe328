// gantry-cli chat (RUN | --url BASE_URL) [options] MESSAGE: send one message to a published
// model, stream the answer to stdout as it arrives, and keep the exchange in the conversation
// store. Exit 0 when the reply completed, 1 when it failed, 2 on misuse, 130 on Ctrl-C
// (the partial reply is kept, marked stopped). With --compare: CompareCommand.cpp.

#include "app/cli/Verbs.h"

#include "app/cli/BackendSelection.h"
#include "app/cli/ChatOptions.h"
#include "app/cli/CliSupport.h"
#include "app/cli/RunModel.h"

#include "core/chat/ChatSession.h"
#include "core/common/StatePaths.h"
#include "core/common/UnixSignalNotifier.h"

#include <QEventLoop>
#include <QFile>
#include <QTextStream>

#include <cstdio>

namespace gantry::cli {

namespace {

// RUN's model, from the backend that runs it; nullopt with *error when there is none.
std::optional<RunModel> resolveRun(const BackendChoice &where, const QString &name, QString *error)
{
    const std::unique_ptr<Backend> backend = openBackend(where, error);
    if (!backend)
        return std::nullopt;
    std::optional<RunModel> run = findRunModel(*backend, backend->runs(), name, error);
    if (run && !run->ready)
        err() << "gantry-cli chat: run '" << name << "' is " << toString(run->status)
              << " but not ready yet; trying anyway\n";
    return run;
}

// Fills in what the options leave open: the stored conversation's endpoint and model, then
// the run's endpoint, model name and token. False with *error when one of them is not there.
bool resolveEndpoint(ChatOptions &o, ConversationStore &store, QString *error)
{
    if (o.conversationId > 0) {
        const std::optional<ConversationSummary> conversation = store.conversation(o.conversationId);
        if (!conversation) {
            *error = QStringLiteral("there is no conversation %1 (see the chat panel's list)").arg(o.conversationId);
            return false;
        }
        if (o.url.isEmpty() && o.run.isEmpty())
            o.url = conversation->endpointUrl;
        if (o.model.isEmpty())
            o.model = conversation->model;
    }
    if (o.run.isEmpty())
        return true;
    const std::optional<RunModel> run = resolveRun(o.backend, o.run, error);
    if (!run)
        return false;
    o.url = run->endpoint.baseUrl;
    if (o.model.isEmpty())
        o.model = run->endpoint.name; // --model overrides the run's name
    o.format = run->endpoint.format;
    if (o.token.isEmpty())
        o.token = run->token;
    return true;
}

void warnAboutToken(const ChatOptions &o)
{
    if (o.tokenOnCommandLine)
        err() << "gantry-cli chat: warning: --token puts the token on the command line, where any user of this machine "
                 "can read it (ps); use --token-file FILE, --token-file - (stdin) or $GANTRY_TOKEN\n";
    if (!o.token.isEmpty()) {
        if (const QString warning = plainHttpTokenWarning(o.url); !warning.isEmpty())
            err() << "gantry-cli chat: warning: " << warning << '\n';
    }
    err().flush();
}

// No name from a run or a conversation: take the first model the server lists.
void pickFirstModel(ChatClient &client, ChatOptions &o)
{
    QEventLoop loop;
    QObject::connect(&client, &ChatClient::modelsListed, &loop, [&](const QStringList &ids, const QString &error) {
        if (!ids.isEmpty())
            o.model = ids.front();
        else
            err() << "gantry-cli chat: could not list the models ("
                  << (error.isEmpty() ? QStringLiteral("none served") : error) << "); sending without a model name\n";
        err().flush();
        loop.quit();
    });
    client.listModels();
    loop.exec();
}

void writeOut(FILE *stream, const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
    std::fflush(stream);
}

void printOutcome(const ChatOptions &o, const ChatSession &session, const StoredMessage &answer, bool endsWithNewline)
{
    if (o.json) {
        nlohmann::json j = {
            {"conversation_id", session.conversationId()},
            {"message_id", answer.id},
            {"role", "assistant"},
            {"content", answer.content.toStdString()},
            {"reasoning", answer.reasoning.toStdString()},
            {"status", replyStatusToString(answer.status).toStdString()},
            {"finish_reason",
             answer.finishReason.isEmpty() ? nlohmann::json() : nlohmann::json(answer.finishReason.toStdString())},
            {"error", answer.error.isEmpty() ? nlohmann::json() : nlohmann::json(answer.error.toStdString())},
            {"model", o.model.toStdString()},
            {"metrics", answer.metrics.toJson()}};
        writeOut(stdout, QString::fromStdString(j.dump(2)) + QLatin1Char('\n'));
        return;
    }
    if (!endsWithNewline)
        writeOut(stdout, QStringLiteral("\n"));
    err() << "[conversation " << session.conversationId();
    if (answer.metrics.completionTokens > 0)
        err() << " · " << answer.metrics.toDisplayString();
    if (!answer.finishReason.isEmpty())
        err() << " · finish: " << answer.finishReason;
    if (answer.status == ReplyStatus::Stopped)
        err() << " · stopped";
    err() << "]\n";
}

int runChat(const QCommandLineParser &arguments)
{
    if (arguments.isSet(compareOption()))
        return compareReplies(arguments);
    QString error;
    std::optional<ChatOptions> parsed = ChatOptions::from(arguments, &error);
    if (!parsed)
        return usageError(chatVerb().declaration, error);
    ChatOptions &o = *parsed;

    ConversationStore store;
    if (QString problem; !store.open(chatDatabasePath(), &problem)) {
        err() << "gantry-cli chat: " << problem << '\n';
        return 1;
    }
    if (QString problem; !resolveEndpoint(o, store, &problem)) {
        err() << "gantry-cli chat: " << problem << '\n';
        return 1;
    }
    warnAboutToken(o);

    ChatClient client;
    client.setIdleTimeout(o.idleTimeoutMs);
    client.setEndpoint(ModelEndpoint{o.url, o.model, o.format, !o.token.isEmpty()}, o.token);
    if (o.model.isEmpty()) {
        pickFirstModel(client, o);
        client.setEndpoint(ModelEndpoint{o.url, o.model, o.format, !o.token.isEmpty()}, o.token);
    }

    ChatSession session(&store, &client);
    session.setParameters(o.params);
    if (o.conversationId > 0 && !session.openConversation(o.conversationId))
        return 1;

    // Ctrl-C stops the reply (kept, marked stopped) instead of killing the process mid-write.
    bool interrupted = false;
    UnixSignalNotifier sigint({SIGINT});
    QObject::connect(&sigint, &UnixSignalNotifier::received, &session, [&] {
        interrupted = true;
        session.stop();
    });

    QEventLoop loop;
    bool endsWithNewline = true;
    if (!o.json) {
        QObject::connect(&session, &ChatSession::messageDelta, &loop,
                         [&](qint64, const QString &content, const QString &reasoning) {
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
    const std::optional<qint64> sent = session.send(o.message);
    if (!sent) {
        err() << "gantry-cli chat: could not send the message: " << store.lastError() << '\n';
        return 1;
    }
    const qint64 answerId = *sent;
    loop.exec();

    const StoredMessage answer = store.message(answerId).value_or(StoredMessage());
    printOutcome(o, session, answer, endsWithNewline);
    if (status == ReplyStatus::Failed)
        err() << "gantry-cli chat: " << answer.error << '\n';
    if (interrupted)
        return 130;
    return status == ReplyStatus::Complete ? 0 : 1;
}

} // namespace

Verb chatVerb()
{
    return {{QStringLiteral("chat"),
             QStringLiteral("send a message to a run's model and stream the answer"),
             chatOptionDeclarations(),
             {{QStringLiteral("RUN"),
               QStringLiteral("the run whose model to talk to (its endpoint, model name and token);\n"
                              "with --compare, 2 to 4 runs or OpenAI-compatible base URLs (http://…/v1)"),
               true, true},
              {QStringLiteral("MESSAGE"), QStringLiteral("the message; '-' reads it from stdin")}},
             QStringLiteral(
                 "Exit 0 when the reply completed, 1 when it failed, 2 on misuse, 130 on Ctrl-C (the partial reply\n"
                 "is kept, marked stopped).")},
            runChat};
}

} // namespace gantry::cli
