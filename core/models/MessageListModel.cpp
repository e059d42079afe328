#include "core/models/MessageListModel.h"

#include <utility>

namespace gantry {

MessageListModel::MessageListModel(QObject *parent)
    : QAbstractListModel(parent)
{
    m_frame.setSingleShot(true);
    m_frame.setTimerType(Qt::PreciseTimer);
    connect(&m_frame, &QTimer::timeout, this, &MessageListModel::emitPendingChange);
    m_sinceChange.start();
}

int MessageListModel::frameIntervalMs()
{
    return kFrameMs;
}

void MessageListModel::setSession(ChatSession *session)
{
    if (m_session)
        m_session->disconnect(this);
    m_session = session;
    if (m_session) {
        connect(m_session, &ChatSession::conversationChanged, this, &MessageListModel::reload);
        connect(m_session, &ChatSession::messageAdded, this, &MessageListModel::reload);
        connect(m_session, &ChatSession::messageDelta, this, [this](qint64 messageId) { onDelta(messageId); });
        connect(m_session, &ChatSession::replyFinished, this, &MessageListModel::reload);
    }
    reload();
}

void MessageListModel::reload()
{
    m_frame.stop();
    m_pendingRow = -1; // reload() announces every row anyway
    QList<StoredMessage> rows = m_session ? m_session->activePath() : QList<StoredMessage>();
    // The streaming answer's text is the live reply's (data() reads it there): the part the
    // store has so far is dropped instead of kept as a second copy.
    for (StoredMessage &m : rows) {
        if (liveReply(m)) {
            m.content = QString();
            m.reasoning = QString();
        }
    }
    // Same ids in the same order: update in place so views keep scroll and selection.
    bool sameShape = rows.size() >= m_rows.size();
    for (qsizetype i = 0; sameShape && i < m_rows.size(); ++i)
        sameShape = rows[i].id == m_rows[i].id;
    if (!sameShape) {
        beginResetModel();
        m_rows = std::move(rows);
        endResetModel();
        return;
    }
    const qsizetype oldSize = m_rows.size();
    for (qsizetype i = 0; i < oldSize; ++i)
        m_rows[i] = rows[i];
    if (oldSize > 0)
        Q_EMIT dataChanged(index(0), index(int(oldSize) - 1));
    if (rows.size() > oldSize) {
        beginInsertRows({}, int(oldSize), int(rows.size()) - 1);
        for (qsizetype i = oldSize; i < rows.size(); ++i)
            m_rows.append(rows[i]);
        endInsertRows();
    }
}

const ChatReply *MessageListModel::liveReply(const StoredMessage &message) const
{
    if (!m_session || !m_session->currentReply() || m_session->streamingMessageId() != message.id)
        return nullptr;
    return m_session->currentReply();
}

void MessageListModel::onDelta(qint64 messageId)
{
    const int row = rowOf(messageId);
    if (row < 0)
        return;
    // The text is current at once (data() reads the reply); views hear of it at most once a frame.
    // The first token after a quiet frame is announced at once, later ones at the frame's end:
    // no token waits more than a frame, and a 3,500 tok/s stream costs 60 layouts a second,
    // not 3,500.
    m_pendingRow = row;
    if (m_frame.isActive())
        return;
    const qint64 since = m_sinceChange.elapsed();
    if (since >= kFrameMs)
        emitPendingChange();
    else
        m_frame.start(int(kFrameMs - since));
}

void MessageListModel::emitPendingChange()
{
    if (m_pendingRow < 0 || m_pendingRow >= m_rows.size())
        return;
    const int row = std::exchange(m_pendingRow, -1);
    m_sinceChange.restart();
    Q_EMIT dataChanged(index(row), index(row), {Qt::DisplayRole, ContentRole, ReasoningRole});
}

bool MessageListModel::showSibling(int row, int delta)
{
    if (!m_session || row < 0 || row >= m_rows.size())
        return false;
    const QList<qint64> siblings = m_session->store()->siblings(m_rows[row].id);
    const qsizetype target = siblings.indexOf(m_rows[row].id) + delta;
    if (target < 0 || target >= siblings.size())
        return false;
    if (!m_session->store()->selectBranch(siblings[target]))
        return false;
    reload();
    return true;
}

qint64 MessageListModel::messageId(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows[row].id : 0;
}

int MessageListModel::rowOf(qint64 messageId) const
{
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        if (m_rows[row].id == messageId)
            return row;
    }
    return -1;
}

StoredMessage MessageListModel::messageAt(int row) const
{
    if (row < 0 || row >= m_rows.size())
        return {};
    StoredMessage message = m_rows[row];
    if (const ChatReply *reply = liveReply(message)) {
        message.content = reply->content();
        message.reasoning = reply->reasoning();
    }
    return message;
}

int MessageListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant MessageListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const StoredMessage &m = m_rows[index.row()];
    const ChatReply *live = liveReply(m);
    switch (role) {
    case Qt::DisplayRole:
    case ContentRole:
        return live ? live->content() : m.content;
    case IdRole:
        return m.id;
    case MessageRoleRole:
        return messageRoleName(m.role);
    case ReasoningRole:
        return live ? live->reasoning() : m.reasoning;
    case StatusRole:
        return int(m.status);
    case StatusTextRole:
        switch (m.status) {
        case ReplyStatus::Complete:
            return QString();
        case ReplyStatus::Streaming:
            return m_session && m_session->streamingMessageId() == m.id ? QStringLiteral("streaming")
                                                                        : QStringLiteral("interrupted");
        case ReplyStatus::Stopped:
            return QStringLiteral("stopped");
        case ReplyStatus::Failed:
            return QStringLiteral("failed: %1").arg(m.error);
        }
        return {};
    case ErrorRole:
        return m.error;
    case MetricsTextRole:
        return m.role == MessageRole::Assistant && isFinal(m.status) ? m.metrics.toDisplayString() : QString();
    case BranchIndexRole:
        return m.branchIndex;
    case BranchCountRole:
        return m.branchCount;
    default:
        return {};
    }
}

QHash<int, QByteArray> MessageListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(IdRole, "messageId");
    names.insert(MessageRoleRole, "role");
    names.insert(ContentRole, "content");
    names.insert(ReasoningRole, "reasoning");
    names.insert(StatusRole, "status");
    names.insert(StatusTextRole, "statusText");
    names.insert(ErrorRole, "error");
    names.insert(MetricsTextRole, "metricsText");
    names.insert(BranchIndexRole, "branchIndex");
    names.insert(BranchCountRole, "branchCount");
    return names;
}

} // namespace gantry
