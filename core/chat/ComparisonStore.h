#pragma once

// Side-by-side comparisons, kept next to the conversations they are made of. Each column of
// a comparison is an ordinary conversation in the ConversationStore (its messages, metrics
// and export stay what they are); this store only remembers which conversations answered one
// prompt together, under which label and at what price. Its tables live in the same SQLite
// file, on a connection of its own, so the conversation store needs no change.

#include "core/chat/ConversationStore.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <memory>
#include <optional>

namespace gantry {

struct ComparisonColumn {
    QString label; // the run name or URL the user picked
    qint64 conversationId = 0;
    qint64 answerId = 0; // the assistant message in that conversation
    double pricePerHour = 0; // of the run that answered (0: free or unknown)
    // The reply's cost: the price for the time it took (request to last byte).
    static double costOf(double pricePerHour, const ReplyMetrics &metrics);
};

struct Comparison {
    qint64 id = 0;
    QString prompt;
    QDateTime created;
    QList<ComparisonColumn> columns;
};

class ComparisonStore
{
public:
    ComparisonStore();
    ~ComparisonStore();
    ComparisonStore(const ComparisonStore &) = delete;
    ComparisonStore &operator=(const ComparisonStore &) = delete;

    // Opens (creating the tables in) the chat database at `path`; false with *error saying why
    // when it cannot.
    bool open(const QString &path, QString *error);
    bool isOpen() const { return m_db != nullptr; }

    // The new comparison's id; nullopt with *error when it cannot be stored.
    std::optional<qint64> add(const QString &prompt, const QList<ComparisonColumn> &columns, QString *error);
    std::optional<Comparison> comparison(qint64 id) const;
    QList<Comparison> comparisons() const; // newest first

    // "# Comparison: <prompt>", then per column its label, metrics, cost and reply, and a
    // table of the metrics side by side. The replies come from `conversations`.
    QString exportMarkdown(qint64 id, ConversationStore &conversations) const;

private:
    std::unique_ptr<SqlConnection> m_db; // through libgantry_sql.so (SqlAccess.h)
};

} // namespace gantry
