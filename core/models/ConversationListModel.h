#pragma once

// The conversations of a ConversationStore as a list (newest first), for the chat panel's
// sidebar. QtCore only; the view decides how a row looks.

#include "core/chat/ConversationStore.h"

#include <QAbstractListModel>
#include <QPointer>

namespace gantry {

class ConversationListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        TitleRole,
        ModelRole,
        EndpointRole,
        UpdatedRole, // QDateTime (UTC): sort by this, not by text
        MessageCountRole,
    };

    explicit ConversationListModel(QObject *parent = nullptr);

    // Follows the store: reloads whenever it reports a change. nullptr detaches.
    void setStore(ConversationStore *store);
    // Shows only conversations whose title, model or endpoint contains text.
    void setFilter(const QString &text);
    QString filter() const { return m_filter; }
    void reload();

    qint64 conversationId(int row) const;
    int rowOf(qint64 conversationId) const; // -1 when not shown

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    QPointer<ConversationStore> m_store;
    QString m_filter;
    QList<ConversationSummary> m_rows;
};

} // namespace gantry
