#pragma once

// Draws one chat message as a bubble: the markdown body (QTextDocument::setMarkdown, code
// blocks monospace with a Copy button), and under answers the metrics line, the branch
// switcher "‹ 1/2 ›" and the Copy / Regenerate / Edit actions.
//
// Smooth with long chats: a message's documents are built only when the message is painted
// (rows never shown get a cheap height estimate), and kept per message id. Smooth while a
// reply streams: its text is cut into segments where markdown blocks end
// (markdownSegmentEnds), one document each; closed segments are parsed once, and each new
// token re-parses only the open block at the end, or, when that block is a code block still
// being written, appends its new lines to its document (OpenCodeBlock.h).

#include <QHash>
#include <QStyledItemDelegate>

#include <memory>

class QTextDocument;

namespace gantry::ui {

class MessageDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    explicit MessageDelegate(QObject *parent = nullptr);
    ~MessageDelegate() override;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    bool editorEvent(QEvent *event, QAbstractItemModel *model, const QStyleOptionViewItem &option,
                     const QModelIndex &index) override;

    int cachedLayouts() const { return int(m_cache.size()); }
    void clearCache() { m_cache.clear(); }

Q_SIGNALS:
    void copyRequested(const QString &text);
    void regenerateRequested(const QModelIndex &index);
    void editRequested(const QModelIndex &index);
    void siblingRequested(const QModelIndex &index, int delta);

private:
    struct CodeBlock {
        int firstPosition = 0; // document positions of its first and last blocks
        int lastPosition = 0;
        QRectF rect; // in document coordinates, once laid out
    };
    struct Segment {
        std::shared_ptr<QTextDocument> doc; // shared: QHash values must be copyable
        QString text; // the markdown it was parsed from
        qreal top = 0; // in body coordinates
        QList<CodeBlock> codeBlocks;
    };
    struct Layout {
        QList<Segment> segments;
        qreal height = 0;
        int width = 0;
        qsizetype contentSize = -1;
        int status = -1;
    };
    static Segment parseSegment(const QString &markdown, int width);
    static void setSegmentWidth(Segment &segment, int width);
    struct Geometry {
        QRect bubble, header, body, footer;
        QRect prev, next, copy, regenerate, edit;
    };

    Layout &layoutFor(const QModelIndex &index, int width) const;
    static void updateOpenCodeBlock(Segment &segment);
    static void placeCodeBlock(QTextDocument *doc, CodeBlock &cb);
    static QString codeText(const QTextDocument *doc, const CodeBlock &cb);
    void paintBubble(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index,
                     const Geometry &g) const;
    void paintBody(QPainter *painter, const QStyleOptionViewItem &option, const Layout &l, const Geometry &g) const;
    void paintFooter(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index,
                     const Geometry &g) const;
    Geometry geometry(const QStyleOptionViewItem &option, const QModelIndex &index, int bodyHeight) const;
    int bodyWidth(const QStyleOptionViewItem &option) const;
    int estimateBodyHeight(const QStyleOptionViewItem &option, const QModelIndex &index) const;

    mutable QHash<qint64, Layout> m_cache;
    mutable QHash<qint64, int> m_reportedHeight; // the body height sizeHint last answered
};

} // namespace gantry::ui
