#include "core/models/ConversationListModel.h"

namespace gantry {

ConversationListModel::ConversationListModel(QObject *parent)
    : QAbstractListModel(parent)
{}

void ConversationListModel::setStore(ConversationStore *store)
{
    if (m_store)
        m_store->disconnect(this);
    m_store = store;
    if (m_store)
        connect(m_store, &ConversationStore::conversationsChanged, this, &ConversationListModel::reload);
    reload();
}

void ConversationListModel::setFilter(const QString &text)
{
    if (text == m_filter)
        return;
    m_filter = text;
    reload();
}

void ConversationListModel::reload()
{
    beginResetModel();
    m_rows = m_store ? m_store->conversations(m_filter) : QList<ConversationSummary>();
    endResetModel();
}

qint64 ConversationListModel::conversationId(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows[row].id : 0;
}

int ConversationListModel::rowOf(qint64 conversationId) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows[row].id == conversationId)
            return row;
    }
    return -1;
}

int ConversationListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ConversationListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ConversationSummary &row = m_rows[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        return row.title.isEmpty() ? QStringLiteral("Untitled") : row.title;
    case Qt::ToolTipRole:
        return QStringLiteral("%1\n%2 · %3 messages").arg(row.model, row.endpointUrl).arg(row.messageCount);
    case IdRole:
        return row.id;
    case TitleRole:
        return row.title;
    case ModelRole:
        return row.model;
    case EndpointRole:
        return row.endpointUrl;
    case UpdatedRole:
        return row.updated;
    case MessageCountRole:
        return row.messageCount;
    default:
        return {};
    }
}

QHash<int, QByteArray> ConversationListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(IdRole, "conversationId");
    names.insert(TitleRole, "title");
    names.insert(ModelRole, "model");
    names.insert(EndpointRole, "endpoint");
    names.insert(UpdatedRole, "updated");
    names.insert(MessageCountRole, "messageCount");
    return names;
}

} // namespace gantry
