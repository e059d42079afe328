#include "core/config/ConfigLints.h"

#include "core/config/Suggestion.h"

#include <QHash>
#include <QSet>

#include <algorithm>

namespace gantry {

namespace {

struct Word {
    QString text; // quotes removed
    qsizetype offset; // where the word starts in the command
};

// Shell-like word splitting: whitespace separates, quotes group, `;|&` end a word.
std::vector<Word> splitWords(const QString &command)
{
    std::vector<Word> words;
    Word current{{}, -1};
    QChar quote;
    for (qsizetype i = 0; i < command.size(); ++i) {
        const QChar c = command[i];
        if (!quote.isNull()) {
            if (c == quote)
                quote = QChar();
            else
                current.text += c;
            continue;
        }
        if (c.isSpace() || c == QLatin1Char(';') || c == QLatin1Char('|') || c == QLatin1Char('&')) {
            if (current.offset >= 0)
                words.push_back(current);
            current = Word{{}, -1};
            continue;
        }
        if (current.offset < 0)
            current.offset = i;
        if (c == QLatin1Char('"') || c == QLatin1Char('\''))
            quote = c;
        else if (c == QLatin1Char('\\') && i + 1 < command.size())
            current.text += command[++i];
        else
            current.text += c;
    }
    if (current.offset >= 0)
        words.push_back(current);
    return words;
}

bool isNameStart(QChar c)
{
    return c.isLetter() || c == QLatin1Char('_');
}
bool isNameChar(QChar c)
{
    return c.isLetterOrNumber() || c == QLatin1Char('_');
}

struct VariableUse {
    QString name;
    QString written; // "$MODEL" or "${MODEL}"
    qsizetype offset;
};

// $NAME and ${NAME} outside single quotes, skipping $$, $(…), ${VAR:-default} forms and
// dstack's own ${{ … }} interpolation.
std::vector<VariableUse> variableUses(const QString &s)
{
    std::vector<VariableUse> uses;
    bool inSingle = false, inDouble = false;
    for (qsizetype i = 0; i < s.size(); ++i) {
        const QChar c = s[i];
        if (c == QLatin1Char('\\') && !inSingle) {
            ++i;
            continue;
        }
        if (c == QLatin1Char('\'') && !inDouble) {
            inSingle = !inSingle;
            continue;
        }
        if (c == QLatin1Char('"') && !inSingle) {
            inDouble = !inDouble;
            continue;
        }
        if (c != QLatin1Char('$') || inSingle || i + 1 >= s.size())
            continue;
        const QChar next = s[i + 1];
        if (next == QLatin1Char('{')) {
            if (i + 2 < s.size() && s[i + 2] == QLatin1Char('{')) { // ${{ secrets.X }}
                const qsizetype end = s.indexOf(QLatin1String("}}"), i);
                i = end < 0 ? s.size() : end + 1;
                continue;
            }
            qsizetype j = i + 2;
            if (j >= s.size() || !isNameStart(s[j]))
                continue;
            while (j < s.size() && isNameChar(s[j]))
                ++j;
            if (j < s.size() && s[j] == QLatin1Char('}'))
                uses.push_back({s.mid(i + 2, j - i - 2), s.mid(i, j - i + 1), i});
            i = j; // ${VAR:-x} and friends carry their own fallback
        } else if (isNameStart(next)) {
            qsizetype j = i + 1;
            while (j < s.size() && isNameChar(s[j]))
                ++j;
            uses.push_back({s.mid(i + 1, j - i - 1), s.mid(i, j - i), i});
            i = j - 1;
        }
    }
    return uses;
}

// Names the commands themselves define: NAME=…, export NAME=…, for NAME in, read NAME.
QSet<QString> assignedNames(const std::vector<CommandText> &commands)
{
    QSet<QString> names;
    for (const CommandText &command : commands) {
        const std::vector<Word> words = splitWords(command.text);
        for (size_t k = 0; k < words.size(); ++k) {
            const QString &w = words[k].text;
            const qsizetype eq = w.indexOf(QLatin1Char('='));
            if (eq > 0 && isNameStart(w[0])) {
                bool name = true;
                for (qsizetype i = 1; i < eq; ++i)
                    name = name && isNameChar(w[i]);
                if (name)
                    names.insert(w.left(eq));
            }
            if ((w == QLatin1String("for") || w == QLatin1String("read")) && k + 1 < words.size())
                names.insert(words[k + 1].text);
        }
    }
    return names;
}

void lintVariables(const Configuration &config, const std::vector<CommandText> &commands, Diagnostics &out)
{
    QStringList defined; // in order, for suggestions
    for (const EnvVar &e : config.env)
        defined << e.key;
    const QSet<QString> assigned = assignedNames(commands);
    for (const QString &name : assigned)
        defined << name;
    static const QSet<QString> runtime(runtimeVariables().begin(), runtimeVariables().end());
    const QSet<QString> known(defined.begin(), defined.end());
    // A name undefined in many commands is reported in each, but looked up once; and only the
    // first names get a "did you mean": each looks through every defined name, and a hostile
    // file of 20,000 names used and 20,000 defined took minutes. At most 64 names, and at most
    // a million comparisons in all.
    const qsizetype kMaxSuggestedNames = std::min<qsizetype>(64, 1'000'000 / std::max<qsizetype>(1, defined.size()));
    QHash<QString, QString> suggestions;
    const auto suggestionFor = [&](const QString &name) {
        const auto found = suggestions.constFind(name);
        if (found != suggestions.cend())
            return *found;
        if (suggestions.size() >= kMaxSuggestedNames)
            return QString();
        QString suggestion = closestMatch(name, defined);
        if (suggestion.isEmpty())
            suggestion = closestMatch(name, runtimeVariables());
        suggestions.insert(name, suggestion);
        return suggestion;
    };
    // The first 1,000 uses are reported, then one line says how many more: 400,000 warnings for
    // a hostile 3.6 MB line cost 370 MB and seconds, and nobody reads past the first.
    constexpr int kMaxReported = 1000;
    int reportedUses = 0, unreported = 0;
    for (const CommandText &command : commands) {
        QSet<QString> reported;
        for (const VariableUse &use : variableUses(command.text)) {
            if (known.contains(use.name) || runtime.contains(use.name) || reported.contains(use.name))
                continue;
            if (reportedUses == kMaxReported) {
                ++unreported;
                continue;
            }
            ++reportedUses;
            reported.insert(use.name);
            QString message =
                QStringLiteral("%1 is not defined: it is not in env and dstack does not set it").arg(use.written);
            const QString suggestion = suggestionFor(use.name);
            if (!suggestion.isEmpty())
                message += QStringLiteral("; did you mean $%1?").arg(suggestion);
            else
                message += QStringLiteral("; add %1 to env").arg(use.name);
            const auto [line, column] = command.at(use.offset);
            out.push_back(
                {config.filePath, line, column, Severity::Warning, message, QStringLiteral("undefined-variable")});
        }
    }
    if (unreported > 0) {
        const auto [line, column] = commands.front().at(0);
        out.push_back({config.filePath, line, column, Severity::Warning,
                       QStringLiteral("%1 more uses of variables that are not defined (the first %2 are listed)")
                           .arg(unreported)
                           .arg(kMaxReported),
                       QStringLiteral("undefined-variables-unlisted")});
    }
}

bool parsePort(const QString &text, int *port)
{
    bool ok = false;
    *port = text.toInt(&ok);
    return ok && *port > 0 && *port <= 65535;
}

void lintPorts(const Configuration &config, const std::vector<CommandText> &commands, Diagnostics &out)
{
    if (config.type != RunType::Service || !config.containerPort)
        return;
    for (const CommandText &command : commands) {
        const std::vector<Word> words = splitWords(command.text);
        for (size_t k = 0; k < words.size(); ++k) {
            const QString &w = words[k].text;
            QString value, flag;
            qsizetype offset = 0;
            if ((w == QLatin1String("--port") || w == QLatin1String("-p")) && k + 1 < words.size()) {
                value = words[k + 1].text;
                offset = words[k + 1].offset;
                flag = w + QLatin1Char(' ') + value;
            } else if (w.startsWith(QLatin1String("--port="))) {
                value = w.mid(7);
                offset = words[k].offset + 7;
                flag = w;
            }
            int port = 0;
            if (value.isEmpty() || !parsePort(value, &port) || port == *config.containerPort)
                continue;
            const auto [line, column] = command.at(offset);
            out.push_back({config.filePath, line, column, Severity::Warning,
                           QStringLiteral("the command listens on port %1 (%2) but `port` says the app listens on %3: "
                                          "dstack would wait for %3 and the service would never become ready; "
                                          "use the same port in both places")
                               .arg(port)
                               .arg(flag)
                               .arg(*config.containerPort),
                           QStringLiteral("port-mismatch")});
        }
    }
}

// Replaces a whole-word $VAR / ${VAR} by its env value when env gives one.
QString resolved(const QString &word, const Configuration &config)
{
    QString name;
    if (word.startsWith(QLatin1String("${")) && word.endsWith(QLatin1Char('}')))
        name = word.mid(2, word.size() - 3);
    else if (word.startsWith(QLatin1Char('$')))
        name = word.mid(1);
    if (name.isEmpty())
        return word;
    for (const EnvVar &e : config.env) {
        if (e.key == name && e.value)
            return *e.value;
    }
    return word;
}

bool endsWithProgram(const QString &word, QLatin1String program)
{
    return word == program || word.endsWith(QLatin1Char('/') + program);
}

// vLLM and SGLang serve the model under its path/id unless --served-model-name is given;
// llama-server reports its file name unless --alias is given (and ignores the request's
// model, so only a differing --alias is worth a warning).
void lintServedModel(const Configuration &config, const std::vector<CommandText> &commands, Diagnostics &out)
{
    if (config.type != RunType::Service || !config.model || config.model->format != QLatin1String("openai"))
        return;
    const QString &wanted = config.model->name;
    for (const CommandText &command : commands) {
        const std::vector<Word> words = splitWords(command.text);
        QString server;
        const Word *model = nullptr;
        const Word *servedFlag = nullptr;
        QStringList served;
        for (size_t k = 0; k < words.size(); ++k) {
            const QString &w = words[k].text;
            const bool hasNext = k + 1 < words.size();
            if (endsWithProgram(w, QLatin1String("vllm")) && hasNext && words[k + 1].text == QLatin1String("serve")) {
                server = QStringLiteral("vLLM");
                if (k + 2 < words.size() && !words[k + 2].text.startsWith(QLatin1Char('-')))
                    model = &words[k + 2];
            } else if (w == QLatin1String("vllm.entrypoints.openai.api_server")) {
                server = QStringLiteral("vLLM");
            } else if (w == QLatin1String("sglang.launch_server")) {
                server = QStringLiteral("SGLang");
            } else if (endsWithProgram(w, QLatin1String("llama-server"))) {
                server = QStringLiteral("llama-server");
            } else if ((w == QLatin1String("--model") || w == QLatin1String("--model-path")) && hasNext) {
                if (server != QLatin1String("llama-server"))
                    model = &words[k + 1];
            } else if (w.startsWith(QLatin1String("--model=")) && server != QLatin1String("llama-server")) {
                model = &words[k];
            } else if (w == QLatin1String("--served-model-name") ||
                       (server == QLatin1String("llama-server") &&
                        (w == QLatin1String("--alias") || w == QLatin1String("-a")))) {
                servedFlag = &words[k];
                for (size_t m = k + 1; m < words.size() && !words[m].text.startsWith(QLatin1Char('-')); ++m)
                    served << resolved(words[m].text, config);
            } else if (w.startsWith(QLatin1String("--served-model-name=")) || w.startsWith(QLatin1String("--alias="))) {
                servedFlag = &words[k];
                served << resolved(w.section(QLatin1Char('='), 1), config);
            }
        }
        if (server.isEmpty())
            continue;
        if (servedFlag) {
            if (served.contains(wanted))
                continue;
            const auto [line, column] = command.at(servedFlag->offset);
            const QString flag = server == QLatin1String("llama-server") ? QStringLiteral("--alias")
                                                                         : QStringLiteral("--served-model-name");
            out.push_back({config.filePath, line, column, Severity::Warning,
                           QStringLiteral("model.name is '%1' but %2 serves the model as '%3' (%4): requests for '%1' "
                                          "will fail; set %4 %1 or change model.name")
                               .arg(wanted, server, served.join(QStringLiteral("', '")), flag),
                           QStringLiteral("served-model-flag")});
            continue;
        }
        if (!model || server == QLatin1String("llama-server"))
            continue;
        const QString value = model->text.startsWith(QLatin1String("--model=")) ? model->text.mid(8) : model->text;
        const QString servedName = resolved(value, config);
        if (servedName == wanted)
            continue;
        const auto [line, column] = command.at(model->offset);
        out.push_back(
            {config.filePath, line, column, Severity::Warning,
             QStringLiteral("model.name is '%1' but %2 serves the model as '%3' (its model argument), so requests "
                            "for '%1' get 404; add --served-model-name %1")
                 .arg(wanted, server, servedName),
             QStringLiteral("served-model-argument")});
    }
}

} // namespace

const QStringList &runtimeVariables()
{
    static const QStringList names =
        QString::fromLatin1(
            "DSTACK_RUN_NAME DSTACK_RUN_ID DSTACK_JOB_ID DSTACK_REPO_ID DSTACK_WORKING_DIR DSTACK_GPUS_NUM "
            "DSTACK_GPUS_PER_NODE DSTACK_NODES_NUM DSTACK_NODE_RANK DSTACK_MASTER_NODE_IP DSTACK_NODES_IPS "
            "DSTACK_MPI_HOSTFILE HOME PATH PWD OLDPWD USER LOGNAME HOSTNAME SHELL LANG TERM TMPDIR RANDOM "
            "SECONDS UID EUID PPID IFS")
            .split(QLatin1Char(' '));
    return names;
}

void lintCommands(const Configuration &config, const std::vector<CommandText> &commands, Diagnostics &out)
{
    lintVariables(config, commands, out);
    lintPorts(config, commands, out);
    lintServedModel(config, commands, out);
}

} // namespace gantry
