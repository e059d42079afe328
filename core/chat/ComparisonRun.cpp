#include "core/chat/ComparisonRun.h"

namespace gantry {

struct ComparisonRun::Column {
    ChatClient client;
    std::unique_ptr<ChatSession> session;
    qint64 answerId = -1;
    bool done = false;
};

ComparisonRun::ComparisonRun(ConversationStore *conversations, ComparisonStore *comparisons,
                             QList<CompareTarget> targets, const ChatParameters &params, QObject *parent)
    : QObject(parent)
    , m_conversations(conversations)
    , m_comparisons(comparisons)
    , m_targets(std::move(targets))
    , m_params(params)
{}

ComparisonRun::~ComparisonRun() = default;

qint64 ComparisonRun::answerId(int column) const
{
    return column >= 0 && size_t(column) < m_columns.size() ? m_columns[size_t(column)]->answerId : -1;
}

qint64 ComparisonRun::conversationId(int column) const
{
    return column >= 0 && size_t(column) < m_columns.size() && m_columns[size_t(column)]->session
               ? m_columns[size_t(column)]->session->conversationId()
               : 0;
}

bool ComparisonRun::start(const QString &prompt)
{
    if (!m_columns.empty()) {
        m_error = QStringLiteral("this comparison has already started");
        return false;
    }
    if (m_targets.size() < kMinColumns || m_targets.size() > kMaxColumns) {
        m_error = QStringLiteral("compare needs 2 to 4 endpoints, not %1").arg(m_targets.size());
        return false;
    }
    m_prompt = prompt;
    for (qsizetype i = 0; i < m_targets.size(); ++i) {
        auto column = std::make_unique<Column>();
        const CompareTarget &t = m_targets[i];
        column->client.setEndpoint(t.endpoint, t.token);
        column->client.setIdleTimeout(m_idleTimeoutMs);
        column->session = std::make_unique<ChatSession>(m_conversations, &column->client);
        column->session->setParameters(m_params);
        const int index = int(i);
        connect(column->session.get(), &ChatSession::messageDelta, this,
                [this, index](qint64, const QString &content, const QString &reasoning) {
                    Q_EMIT delta(index, content, reasoning);
                });
        connect(column->session.get(), &ChatSession::replyFinished, this,
                [this, index](qint64, ReplyStatus status) { onColumnFinished(index, status); });
        m_columns.push_back(std::move(column));
    }
    for (int i = 0; i < columnCount(); ++i) {
        Column &c = *m_columns[size_t(i)];
        if (!m_targets[i].endpoint.name.isEmpty()) {
            send(i);
            continue;
        }
        // No model name (a bare URL): the first model the server lists, as gantry-cli chat does.
        connect(&c.client, &ChatClient::modelsListed, this, [this, i](const QStringList &ids, const QString &) {
            Column &col = *m_columns[size_t(i)];
            if (col.answerId >= 0 || col.done)
                return;
            m_targets[i].endpoint.name = ids.value(0);
            col.client.setEndpoint(m_targets[i].endpoint, m_targets[i].token);
            send(i);
        });
        c.client.listModels();
    }
    return true;
}

void ComparisonRun::send(int column)
{
    Column &c = *m_columns[size_t(column)];
    const std::optional<qint64> answer = c.session->send(m_prompt);
    if (!answer) {
        onColumnFinished(column, ReplyStatus::Failed);
        return;
    }
    c.answerId = *answer;
}

void ComparisonRun::stop()
{
    for (const auto &c : m_columns) {
        if (!c->done && c->session)
            c->session->stop();
    }
}

void ComparisonRun::onColumnFinished(int column, ReplyStatus status)
{
    Column &c = *m_columns[size_t(column)];
    if (c.done)
        return;
    c.done = true;
    ++m_finished;
    Q_EMIT columnFinished(column, status);
    if (!isFinished())
        return;
    m_conversations->flush();
    QList<ComparisonColumn> columns;
    for (int i = 0; i < columnCount(); ++i)
        columns.push_back({m_targets[i].label, conversationId(i), answerId(i), m_targets[i].pricePerHour});
    std::optional<qint64> stored;
    if (m_comparisons)
        stored = m_comparisons->add(m_prompt, columns, &m_error);
    else
        m_error = QStringLiteral("the comparison could not be stored in the chat database");
    m_comparisonId = stored.value_or(-1); // finished(-1): not stored, errorString() says why
    Q_EMIT finished(m_comparisonId);
}

} // namespace gantry
