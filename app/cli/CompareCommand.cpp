// gantry-cli chat --compare RUN_OR_URL… MESSAGE: one prompt to 2–4 endpoints at once
// (ComparisonRun), then each reply one after another with its metrics and cost, or all of
// them as JSON. The comparison is kept in the chat database like the chat panel's. Exit 0 when
// every reply completed, 1 when one failed, 2 on misuse.

#include "BackendSelection.h"
#include "CliCommand.h"

#include "chat/ComparisonRun.h"
#include "common/StatePaths.h"

#include <QEventLoop>

#include <algorithm>
#include <QTextStream>

namespace gantry::cli {

namespace {

const char *const kUsage =
    "usage: gantry-cli chat --compare RUN_OR_URL RUN_OR_URL [RUN_OR_URL…] [options] MESSAGE\n"
    "  RUN_OR_URL          2 to 4 endpoints: run names, or OpenAI-compatible base URLs (http://…/v1)\n"
    "  --backend B         where the runs live (default: local)\n"
    "  --project P         the runs live in this dstack project\n"
    "  --model M           the model name to send to URLs (default: the first of GET /models)\n"
    "  --system S          system prompt\n"
    "  --param NAME=VALUE  temperature, top_p, max_tokens, seed, stop (repeatable)\n"
    "  --timeout SECONDS   give up on a reply when no byte arrives for this long (default 120)\n"
    "  --json              print {\"comparison_id\", \"prompt\", \"replies\": [...]} instead\n"
    "  MESSAGE             the prompt; '-' reads it from stdin\n";

int usageError(const QString &message)
{
    QTextStream(stderr) << "gantry-cli chat --compare: " << message << '\n' << kUsage;
    return 2;
}

bool isUrl(const QString &s) { return s.startsWith(QLatin1String("http://")) || s.startsWith(QLatin1String("https://")); }

} // namespace

int compareCommand(const QStringList &arguments)
{
    QStringList backendArgs, positional;
    QString model, message;
    ChatParameters params;
    int idleTimeoutMs = 120000;
    bool json = false;
    const QStringList valued = {QStringLiteral("--backend"), QStringLiteral("--project"), QStringLiteral("--model"),
                                QStringLiteral("--system"), QStringLiteral("--param"), QStringLiteral("--timeout")};
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        QString a = arguments[i];
        if (a == QLatin1String("-h") || a == QLatin1String("--help")) {
            QTextStream(stdout) << kUsage;
            return 0;
        }
        if (a == QLatin1String("--compare"))
            continue;
        if (a == QLatin1String("--json")) {
            json = true;
            continue;
        }
        QString value;
        if (const qsizetype eq = a.indexOf(QLatin1Char('=')); a.startsWith(QLatin1String("--")) && eq > 0 && valued.contains(a.left(eq))) {
            value = a.mid(eq + 1);
            a = a.left(eq);
        } else if (valued.contains(a)) {
            if (i + 1 >= arguments.size())
                return usageError(QStringLiteral("%1 needs a value").arg(a));
            value = arguments[++i];
        } else if (a.startsWith(QLatin1Char('-')) && a != QLatin1String("-")) {
            return usageError(QStringLiteral("unknown option '%1'").arg(a));
        } else {
            positional << a;
            continue;
        }
        if (a == QLatin1String("--backend") || a == QLatin1String("--project")) {
            backendArgs << a << value;
        } else if (a == QLatin1String("--model")) {
            model = value;
        } else if (a == QLatin1String("--system")) {
            params.systemPrompt = value;
        } else if (a == QLatin1String("--param")) {
            if (const QString error = params.set(value); !error.isEmpty())
                return usageError(QStringLiteral("--param: %1").arg(error));
        } else if (a == QLatin1String("--timeout")) {
            bool ok = false;
            const double seconds = value.toDouble(&ok);
            if (!ok || seconds <= 0)
                return usageError(QStringLiteral("--timeout needs a number of seconds > 0, not '%1'").arg(value));
            idleTimeoutMs = int(seconds * 1000);
        }
    }
    if (positional.size() < 1 + ComparisonRun::kMinColumns || positional.size() > 1 + ComparisonRun::kMaxColumns)
        return usageError(QStringLiteral("give 2 to 4 endpoints and then the MESSAGE (%1 arguments given)").arg(positional.size()));
    message = positional.takeLast();
    if (message == QLatin1String("-"))
        message = QTextStream(stdin).readAll();

    QTextStream err(stderr);
    // Runs are resolved through their backend (endpoint, model name, token, price).
    std::unique_ptr<Backend> backend;
    QList<RunInfo> runs;
    QList<CompareTarget> targets;
    for (const QString &p : std::as_const(positional)) {
        if (isUrl(p)) {
            targets.push_back({p, ModelEndpoint{p, model, QStringLiteral("openai"), false}, {}, 0});
            continue;
        }
        if (!backend) {
            QString error;
            QStringList args = backendArgs;
            backend = selectBackend(args, &error);
            if (!backend) {
                err << "gantry-cli chat --compare: " << error << '\n';
                return 1;
            }
            runs = backend->runs();
        }
        const auto run = std::find_if(runs.begin(), runs.end(), [&](const RunInfo &r) { return r.name == p; });
        if (run == runs.end()) {
            err << "gantry-cli chat --compare: there is no run named '" << p << "' (gantry-cli ps lists them; URLs start with http://)\n";
            return 1;
        }
        if (isFinal(run->status) || !run->model) {
            err << "gantry-cli chat --compare: run '" << p << "' has no model to talk to (" << toString(run->status) << ")\n";
            return 1;
        }
        targets.push_back({p, *run->model, backend->modelToken(p), run->price});
    }

    ConversationStore conversations;
    ComparisonStore comparisons;
    for (const QString &error : {conversations.open(chatDatabasePath()), comparisons.open(chatDatabasePath())}) {
        if (!error.isEmpty()) {
            err << "gantry-cli chat --compare: " << error << '\n';
            return 1;
        }
    }
    ComparisonRun comparison(&conversations, &comparisons, targets, params);
    QEventLoop loop;
    QObject::connect(&comparison, &ComparisonRun::finished, &loop, &QEventLoop::quit);
    comparison.setIdleTimeout(idleTimeoutMs);
    if (!comparison.start(message)) {
        err << "gantry-cli chat --compare: " << comparison.errorString() << '\n';
        return 1;
    }
    if (!comparison.isFinished())
        loop.exec();

    QTextStream out(stdout);
    bool allComplete = true;
    nlohmann::json replies = nlohmann::json::array();
    for (int i = 0; i < comparison.columnCount(); ++i) {
        const StoredMessage answer = conversations.message(comparison.answerId(i)).value_or(StoredMessage());
        const CompareTarget &t = comparison.target(i);
        const double cost = ComparisonColumn::costOf(t.pricePerHour, answer.metrics);
        allComplete = allComplete && answer.status == ReplyStatus::Complete;
        if (json) {
            replies.push_back({{"endpoint", t.label.toStdString()},
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
        out << "== " << t.label << (t.endpoint.name.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(t.endpoint.name)) << " ==\n";
        out << answer.content.trimmed() << '\n';
        QStringList facts;
        if (answer.metrics.completionTokens > 0 || answer.metrics.timeToFirstTokenMs >= 0)
            facts << answer.metrics.toDisplayString();
        facts << (t.pricePerHour > 0 ? QStringLiteral("cost $%1").arg(cost, 0, 'f', 6) : QStringLiteral("free"));
        if (answer.status != ReplyStatus::Complete)
            facts << replyStatusToString(answer.status) + (answer.error.isEmpty() ? QString() : QStringLiteral(": ") + answer.error);
        out << "[" << facts.join(QStringLiteral(" · ")) << "]\n\n";
    }
    if (json) {
        out << QString::fromStdString(nlohmann::json{{"comparison_id", comparison.comparisonId()},
                                                     {"prompt", message.toStdString()},
                                                     {"replies", replies}}
                                          .dump(2))
            << '\n';
    } else {
        out << "[comparison " << comparison.comparisonId() << "]\n";
    }
    return allComplete ? 0 : 1;
}

} // namespace gantry::cli
