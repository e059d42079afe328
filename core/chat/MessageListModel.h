#pragma once

// The shown thread of one conversation (root → leaf), one row per message, for the chat
// panel. It follows a ChatSession: a streaming answer grows in place (dataChanged on that
// row only), so a view re-lays out one bubble per delta, not the whole list. QtCore only.

#include "chat/ChatSession.h"

#include <QAbstractListModel>
#include <QPointer>

namespace gantry {

class MessageListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        MessageRoleRole,   // "system" | "user" | "assistant"
        ContentRole,
        ReasoningRole,
        StatusRole,        // ReplyStatus as int
        StatusTextRole,    // "", "stopped", "failed: …", "streaming"
        ErrorRole,
        MetricsTextRole,   // "TTFT 120 ms · 35.2 tok/s · 12 → 64 tokens" (answers only)
        BranchIndexRole,   // 0-based position among siblings
        BranchCountRole,   // siblings including itself; > 1 shows a "‹ 2/3 ›" switcher
    };

    explicit MessageListModel(QObject *parent = nullptr);

    void setSession(ChatSession *session);
    ChatSession *session() const { return m_session; }
    void reload();  // re-reads the active path from the store

    // Switches the thread to another sibling of the message at row (delta -1 / +1).
    bool showSibling(int row, int delta);

    qint64 messageId(int row) const;
    int rowOf(qint64 messageId) const;
    StoredMessage messageAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    void onDelta(qint64 messageId, const QString &content, const QString &reasoning);

    QPointer<ChatSession> m_session;
    QList<StoredMessage> m_rows;
};

} // namespace gantry
