#pragma once

// One prompt sent to 2–4 endpoints at once, each answer streaming in its own column. Every
// column is a ChatSession of its own (so each answer is an ordinary stored conversation with
// its metrics); when the last one ends, the set is recorded in the ComparisonStore as one
// comparison. An endpoint without a model name gets the first one its server lists.

#include "core/chat/ChatClient.h"
#include "core/chat/ChatSession.h"
#include "core/chat/ComparisonStore.h"

#include <QObject>

#include <memory>
#include <vector>

namespace gantry {

struct CompareTarget {
    QString label; // what the user picked: a run name or a URL
    ModelEndpoint endpoint;
    QString token; // never logged
    double pricePerHour = 0; // of the run behind it (0: free or unknown)
};

class ComparisonRun : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMinColumns = 2;
    static constexpr int kMaxColumns = 4;

    ComparisonRun(ConversationStore *conversations, ComparisonStore *comparisons, QList<CompareTarget> targets,
                  const ChatParameters &params, QObject *parent = nullptr);
    ~ComparisonRun() override;

    // Sends `prompt` to every target; false (and error()) when there are not 2–4 targets.
    bool start(const QString &prompt);
    void setIdleTimeout(int ms) { m_idleTimeoutMs = ms; } // per reply, as ChatClient::setIdleTimeout
    void stop(); // every column still streaming stops (its partial text is kept)

    int columnCount() const { return int(m_targets.size()); }
    const CompareTarget &target(int column) const { return m_targets[column]; }
    qint64 answerId(int column) const; // -1 until the column has started
    qint64 conversationId(int column) const;
    bool isFinished() const { return m_finished == columnCount() && columnCount() > 0; }
    qint64 comparisonId() const { return m_comparisonId; } // set once finished
    QString errorString() const { return m_error; }

Q_SIGNALS:
    void delta(int column, const QString &content, const QString &reasoning);
    void columnFinished(int column, gantry::ReplyStatus status);
    void finished(qint64 comparisonId); // -1 when it could not be stored (errorString says why)

private:
    struct Column;
    void send(int column);
    void onColumnFinished(int column, ReplyStatus status);

    ConversationStore *m_conversations;
    ComparisonStore *m_comparisons;
    QList<CompareTarget> m_targets;
    ChatParameters m_params;
    std::vector<std::unique_ptr<Column>> m_columns;
    QString m_prompt;
    QString m_error;
    int m_finished = 0;
    int m_idleTimeoutMs = 120000;
    qint64 m_comparisonId = -1;
};

} // namespace gantry
