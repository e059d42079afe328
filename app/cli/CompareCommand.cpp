// gantry-cli chat --compare RUN_OR_URL… MESSAGE: one prompt to 2–4 endpoints at once
// (ComparisonRun), then each reply one after another with its metrics and cost, or all of
// them as JSON. The comparison is kept in the chat database like the chat panel's. Exit 0 when
// every reply completed, 1 when one failed, 2 on misuse.

#include "app/cli/Verbs.h"

#include "app/cli/ChatOptions.h"
#include "app/cli/CliSupport.h"
#include "app/cli/RunModel.h"

#include "core/chat/ComparisonRun.h"
#include "core/common/StatePaths.h"

#include <QEventLoop>
#include <QTextStream>

#include <algorithm>

namespace gantry::cli {

namespace {

int compareUsageError(const QString &message)
{
    return usageError(chatVerb().declaration, QStringLiteral("--compare: %1").arg(message));
}

bool isUrl(const QString &s)
{
    return s.startsWith(QLatin1String("http://")) || s.startsWith(QLatin1String("https://"));
}

// Each RUN_OR_URL as an endpoint to send to: URLs as they are, runs through their backend
// (endpoint, model name, token, price). nullopt with *error when one is not there.
std::optional<QList<CompareTarget>> resolveTargets(const QStringList &endpoints, const SharedChatOptions &options,
                                                   QString *error)
{
    QList<CompareTarget> targets;
    std::unique_ptr<Backend> backend;
    QList<RunInfo> runs;
    for (const QString &p : endpoints) {
        if (isUrl(p)) {
            targets.push_back({p, ModelEndpoint{p, options.model, QStringLiteral("openai"), false}, {}, 0});
            continue;
        }
        if (!backend) {
            backend = openBackend(options.backend, error);
            if (!backend)
                return std::nullopt;
            runs = backend->runs();
        }
        const std::optional<RunModel> run = findRunModel(*backend, runs, p, error);
        if (!run) {
            if (std::none_of(runs.begin(), runs.end(), [&](const RunInfo &r) { return r.name == p; }))
                *error += QStringLiteral("; URLs start with http://"); // RUN_OR_URL: maybe a URL was meant
            return std::nullopt;
        }
        targets.push_back({p, run->endpoint, run->token, run->pricePerHour});
    }
    return targets;
}

// Each reply with its metrics and cost (or all of them as JSON); true when all completed.
bool printComparison(ComparisonRun &comparison, ConversationStore &conversations, const QString &message, bool json)
{
    bool allComplete = true;
    nlohmann::json replies = nlohmann::json::array();
    for (int i = 0; i < comparison.columnCount(); ++i) {
        const StoredMessage answer = conversations.message(comparison.answerId(i)).value_or(StoredMessage());
        const CompareTarget &t = comparison.target(i);
        const double cost = ComparisonColumn::costOf(t.pricePerHour, answer.metrics);
        allComplete = allComplete && answer.status == ReplyStatus::Complete;
        if (json) {
            replies.push_back(
                {{"endpoint", t.label.toStdString()},
                 {"model", t.endpoint.name.toStdString()},
                 {"conversation_id", comparison.conversationId(i)},
                 {"message_id", answer.id},
                 {"status", replyStatusToString(answer.status).toStdString()},
                 {"content", answer.content.toStdString()},
                 {"error", answer.error.isEmpty() ? nlohmann::json() : nlohmann::json(answer.error.toStdString())},
                 {"metrics", answer.metrics.toJson()},
                 {"price_per_hour", t.pricePerHour},
                 {"cost", cost}});
            continue;
        }
        out() << "== " << t.label
              << (t.endpoint.name.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(t.endpoint.name)) << " ==\n";
        out() << answer.content.trimmed() << '\n';
        QStringList facts;
        if (answer.metrics.completionTokens > 0 || answer.metrics.timeToFirstTokenMs >= 0)
            facts << answer.metrics.toDisplayString();
        facts << (t.pricePerHour > 0 ? QStringLiteral("cost $%1").arg(cost, 0, 'f', 6) : QStringLiteral("free"));
        if (answer.status != ReplyStatus::Complete)
            facts << replyStatusToString(answer.status) +
                         (answer.error.isEmpty() ? QString() : QStringLiteral(": ") + answer.error);
        out() << "[" << facts.join(QStringLiteral(" · ")) << "]\n\n";
    }
    if (json) {
        out() << QString::fromStdString(nlohmann::json{
                     {"comparison_id", comparison.comparisonId()},
                     {"prompt", message.toStdString()},
                     {"replies", replies}}.dump(2))
              << '\n';
    } else {
        out() << "[comparison " << comparison.comparisonId() << "]\n";
    }
    out().flush();
    return allComplete;
}

} // namespace

int compareReplies(const QCommandLineParser &arguments)
{
    for (const QString &name : singleEndpointOptionNames()) {
        if (arguments.isSet(name))
            return compareUsageError(
                QStringLiteral("--%1 names one endpoint; it does not go with --compare").arg(name));
    }
    QString error;
    const auto options = SharedChatOptions::from(arguments, &error);
    if (!options)
        return compareUsageError(error);
    const bool json = options->json;
    QStringList positional = arguments.positionalArguments();
    if (positional.size() < 1 + ComparisonRun::kMinColumns || positional.size() > 1 + ComparisonRun::kMaxColumns)
        return compareUsageError(
            QStringLiteral("give 2 to 4 endpoints and then the MESSAGE (%1 arguments given)").arg(positional.size()));
    QString message = positional.takeLast();
    if (message == QLatin1String("-"))
        message = QTextStream(stdin).readAll();

    QString problem;
    const std::optional<QList<CompareTarget>> targets = resolveTargets(positional, *options, &problem);
    if (!targets) {
        err() << "gantry-cli chat --compare: " << problem << '\n';
        return 1;
    }
    ConversationStore conversations;
    ComparisonStore comparisons;
    if (!conversations.open(chatDatabasePath(), &problem) || !comparisons.open(chatDatabasePath(), &problem)) {
        err() << "gantry-cli chat --compare: " << problem << '\n';
        return 1;
    }
    ComparisonRun comparison(&conversations, &comparisons, *targets, options->params);
    QEventLoop loop;
    QObject::connect(&comparison, &ComparisonRun::finished, &loop, &QEventLoop::quit);
    comparison.setIdleTimeout(options->idleTimeoutMs);
    if (!comparison.start(message)) {
        err() << "gantry-cli chat --compare: " << comparison.errorString() << '\n';
        return 1;
    }
    if (!comparison.isFinished())
        loop.exec();

    return printComparison(comparison, conversations, message, json) ? 0 : 1;
}

} // namespace gantry::cli
