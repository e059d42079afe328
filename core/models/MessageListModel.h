#pragma once

// The shown thread of one conversation (root → leaf), one row per message, for the chat
// panel. It follows a ChatSession: a streaming answer grows in place (dataChanged on that
// row only, at most once a frame), so a view re-lays out one bubble per frame, not the whole
// list and not once per token. The streaming answer's text is read from the live ChatReply,
// not copied: a long reply is held once, not once there and once here. QtCore only.

#include "core/chat/ChatSession.h"

#include <QAbstractListModel>
#include <QElapsedTimer>
#include <QPointer>
#include <QTimer>

namespace gantry {

class MessageListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        MessageRoleRole, // "system" | "user" | "assistant"
        ContentRole,
        ReasoningRole,
        StatusRole, // ReplyStatus as int
        StatusTextRole, // "", "stopped", "failed: …", "streaming"
        ErrorRole,
        MetricsTextRole, // "TTFT 120 ms · 35.2 tok/s · 12 → 64 tokens" (answers only)
        BranchIndexRole, // 0-based position among siblings
        BranchCountRole, // siblings including itself; > 1 shows a "‹ 2/3 ›" switcher
    };

    explicit MessageListModel(QObject *parent = nullptr);

    void setSession(ChatSession *session);
    ChatSession *session() const { return m_session; }
    void reload(); // re-reads the active path from the store

    // Switches the thread to another sibling of the message at row (delta -1 / +1).
    bool showSibling(int row, int delta);

    qint64 messageId(int row) const;
    int rowOf(qint64 messageId) const;
    StoredMessage messageAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Streaming text reaches data() as it arrives; dataChanged for it is sent at most once per
    // this many ms (the first after a quiet period at once).
    static int frameIntervalMs();

private:
    void onDelta(qint64 messageId);
    // The reply still streaming into this message, if any: its text is the message's text.
    const ChatReply *liveReply(const StoredMessage &message) const;
    void emitPendingChange();

    // Changes are announced at most every 6 ms: a 60 Hz frame (16.7 ms) less the time a layout
    // and paint of the reply take (≤ 7 ms in bench_chat_view) and the hop from Qt's HTTP thread,
    // so a token waiting for the next announcement is still on screen within a frame of its
    // arrival. With 10 ms, tokens of a 3,500 tok/s stream reached the screen up to 21 ms late.
    static constexpr int kFrameMs = 6;

    QPointer<ChatSession> m_session;
    QList<StoredMessage> m_rows;
    QTimer m_frame; // the end of the current frame, while a change waits for it
    QElapsedTimer m_sinceChange; // since the last dataChanged of a streaming row
    int m_pendingRow = -1;
};

} // namespace gantry
