#include "ui/chat/MessageDelegate.h"
#include "ui/Look.h"
#include "ui/chat/OpenCodeBlock.h"

#include "core/chat/ChatTypes.h"
#include "core/chat/MarkdownSegments.h"
#include "core/models/MessageListModel.h"

#include <QAbstractItemView>
#include <QAbstractTextDocumentLayout>
#include <QFontDatabase>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTimer>

namespace gantry::ui {

namespace {
constexpr int kOuter = 8; // space around a bubble
constexpr int kPad = 10; // space inside a bubble
constexpr int kMaxCache = 400;
constexpr int kSegmentGap = 6; // between markdown segments: a paragraph's spacing

MessageRole roleOf(const QModelIndex &index)
{
    return messageRoleFromName(index.data(MessageListModel::MessageRoleRole).toString())
        .value_or(MessageRole::Assistant);
}

QString roleLabel(MessageRole role)
{
    switch (role) {
    case MessageRole::User:
        return MessageDelegate::tr("You");
    case MessageRole::System:
        return MessageDelegate::tr("System");
    case MessageRole::Assistant:
        break;
    }
    return MessageDelegate::tr("Assistant");
}
} // namespace

MessageDelegate::MessageDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{}

MessageDelegate::~MessageDelegate() = default;

int MessageDelegate::bodyWidth(const QStyleOptionViewItem &option) const
{
    // Bubbles take 85% of the width, capped for readable line lengths.
    const int available = option.rect.width() - 2 * kOuter;
    return std::max(120, std::min(int(available * 0.85), 900)) - 2 * kPad;
}

int MessageDelegate::estimateBodyHeight(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const QString content = index.data(MessageListModel::ContentRole).toString();
    const QFontMetrics fm(option.font);
    const int charsPerLine = std::max(10, bodyWidth(option) / std::max(1, fm.averageCharWidth()));
    int lines = 0;
    for (const QStringView line : QStringView(content).split(QLatin1Char('\n')))
        lines += 1 + int(line.size()) / charsPerLine;
    return std::max(1, lines) * fm.lineSpacing() + 8;
}

MessageDelegate::Segment MessageDelegate::parseSegment(const QString &markdown, int width)
{
    Segment segment;
    segment.text = markdown;
    segment.doc = std::make_shared<QTextDocument>();
    QTextDocument *doc = segment.doc.get();
    doc->setDocumentMargin(0);
    doc->setMarkdown(markdown, QTextDocument::MarkdownDialectGitHub);
    // Code blocks: monospace on a tinted background; remember where they are for Copy.
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    QTextBlock block = doc->begin();
    auto isCode = [](const QTextBlock &b) {
        return b.blockFormat().hasProperty(QTextFormat::BlockCodeFence) || b.blockFormat().nonBreakableLines();
    };
    while (block.isValid()) {
        if (!isCode(block)) {
            block = block.next();
            continue;
        }
        const QTextBlock first = block;
        QTextBlock last = block;
        while (block.isValid() && isCode(block)) {
            last = block;
            QTextCursor c(block);
            c.select(QTextCursor::BlockUnderCursor);
            QTextCharFormat cf;
            cf.setFont(mono);
            c.mergeCharFormat(cf);
            QTextBlockFormat bf;
            bf.setBackground(isDark(QPalette()) ? QColor(0x1e, 0x22, 0x28) : QColor(0xf0, 0xf2, 0xf5));
            bf.setLeftMargin(6);
            bf.setRightMargin(6);
            c.mergeBlockFormat(bf);
            block = block.next();
        }
        segment.codeBlocks << CodeBlock{first.position(), last.position(), QRectF()};
    }
    setSegmentWidth(segment, width);
    return segment;
}

void MessageDelegate::setSegmentWidth(Segment &segment, int width)
{
    QTextDocument *doc = segment.doc.get();
    doc->setTextWidth(width);
    for (CodeBlock &cb : segment.codeBlocks)
        placeCodeBlock(doc, cb);
}

// Where the laid-out document shows the code block, for its Copy button.
void MessageDelegate::placeCodeBlock(QTextDocument *doc, CodeBlock &cb)
{
    const QRectF a = doc->documentLayout()->blockBoundingRect(doc->findBlock(cb.firstPosition));
    cb.rect = a.united(doc->documentLayout()->blockBoundingRect(doc->findBlock(cb.lastPosition)));
}

// The code a Copy button copies: the text of the block's lines, read when it is pressed.
QString MessageDelegate::codeText(const QTextDocument *doc, const CodeBlock &cb)
{
    QStringList lines;
    for (QTextBlock b = doc->findBlock(cb.firstPosition); b.isValid() && b.position() <= cb.lastPosition; b = b.next())
        lines << b.text();
    return lines.join(QLatin1Char('\n'));
}

// After appendToOpenCodeBlock: the document's last code block now ends at its last block.
void MessageDelegate::updateOpenCodeBlock(Segment &segment)
{
    if (segment.codeBlocks.isEmpty())
        return;
    CodeBlock &cb = segment.codeBlocks.last();
    cb.lastPosition = segment.doc->lastBlock().position();
    placeCodeBlock(segment.doc.get(), cb);
}

MessageDelegate::Layout &MessageDelegate::layoutFor(const QModelIndex &index, int width) const
{
    const qint64 id = index.data(MessageListModel::IdRole).toLongLong();
    const QString content = index.data(MessageListModel::ContentRole).toString();
    const int status = index.data(MessageListModel::StatusRole).toInt();
    if (auto it = m_cache.find(id);
        it != m_cache.end() && it->width == width && it->contentSize == content.size() && it->status == status)
        return *it;
    if (m_cache.size() > kMaxCache) {
        // Forget layouts of other messages; they are rebuilt when next shown.
        for (auto it = m_cache.begin(); it != m_cache.end();)
            it = it.key() == id ? std::next(it) : m_cache.erase(it);
    }
    Layout &l = m_cache[id];
    // The closed segments of the text; the open block after the last cut is one more.
    QList<qsizetype> ends = markdownSegmentEnds(content);
    if (ends.isEmpty() || ends.last() < content.size())
        ends.append(content.size());
    QList<Segment> segments;
    segments.reserve(ends.size());
    qsizetype begin = 0;
    for (qsizetype i = 0; i < ends.size(); ++i) {
        const QStringView text = QStringView(content).mid(begin, ends[i] - begin);
        // A closed segment with the same text as before keeps its document (re-flowed if the
        // width changed); only what changed is parsed again.
        if (i < l.segments.size() && l.segments[i].text == text && l.segments[i].doc) {
            Segment kept = l.segments[i];
            if (l.width != width)
                setSegmentWidth(kept, width);
            segments.append(kept);
        } else if (i < l.segments.size() && l.segments[i].doc && l.width == width &&
                   text.startsWith(l.segments[i].text) &&
                   appendToOpenCodeBlock(l.segments[i].doc.get(), l.segments[i].text,
                                         text.mid(l.segments[i].text.size()))) {
            // The open block is a code block still being written: its new lines were appended
            // to its document, not parsed again with everything before them.
            Segment grown = l.segments[i];
            grown.text = text.toString();
            updateOpenCodeBlock(grown);
            segments.append(grown);
        } else {
            const bool placeholder = content.isEmpty() && status == int(ReplyStatus::Streaming);
            segments.append(parseSegment(placeholder ? QStringLiteral("…") : text.toString(), width));
        }
        begin = ends[i];
    }
    // A segment ends a markdown block, and one document would leave a paragraph's space there.
    qreal top = 0;
    for (Segment &segment : segments) {
        if (top > 0)
            top += kSegmentGap;
        segment.top = top;
        top += segment.doc->size().height();
    }
    l.segments = std::move(segments);
    l.height = top;
    l.width = width;
    l.contentSize = content.size();
    l.status = status;
    return l;
}

MessageDelegate::Geometry MessageDelegate::geometry(const QStyleOptionViewItem &option, const QModelIndex &index,
                                                    int bodyHeight) const
{
    Geometry g;
    const QFontMetrics fm(option.font);
    const bool user = roleOf(index) == MessageRole::User;
    const int width = bodyWidth(option) + 2 * kPad;
    const int headerH = fm.height();
    const int footerH = fm.height() + 4;
    const int height = kPad + headerH + 4 + bodyHeight + 4 + footerH + kPad;
    const int x = user ? option.rect.right() - kOuter - width : option.rect.left() + kOuter;
    g.bubble = QRect(x, option.rect.top() + kOuter / 2, width, height);
    g.header = QRect(x + kPad, g.bubble.top() + kPad, width - 2 * kPad, headerH);
    g.body = QRect(x + kPad, g.header.bottom() + 5, width - 2 * kPad, bodyHeight);
    g.footer = QRect(x + kPad, g.body.bottom() + 5, width - 2 * kPad, footerH);
    // Footer, right to left: actions, then the branch switcher.
    int right = g.footer.right();
    auto take = [&](const QString &text) {
        const int w = fm.horizontalAdvance(text) + 8;
        QRect r(right - w + 1, g.footer.top(), w, g.footer.height());
        right -= w + 4;
        return r;
    };
    if (user) {
        g.edit = take(tr("Edit"));
    } else {
        g.regenerate = take(tr("Regenerate"));
    }
    g.copy = take(tr("Copy"));
    if (index.data(MessageListModel::BranchCountRole).toInt() > 1) {
        g.next = take(QStringLiteral("›"));
        const QString count = QStringLiteral("%1/%2")
                                  .arg(index.data(MessageListModel::BranchIndexRole).toInt() + 1)
                                  .arg(index.data(MessageListModel::BranchCountRole).toInt());
        right -= fm.horizontalAdvance(count) + 4;
        g.prev = take(QStringLiteral("‹"));
    }
    return g;
}

QSize MessageDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const qint64 id = index.data(MessageListModel::IdRole).toLongLong();
    const auto it = m_cache.constFind(id);
    const QString content = index.data(MessageListModel::ContentRole).toString();
    int body = 0;
    if (it != m_cache.constEnd() && !it->segments.isEmpty() && it->width == bodyWidth(option) &&
        it->contentSize == content.size())
        body = int(std::ceil(it->height));
    else
        body = estimateBodyHeight(option, index);
    m_reportedHeight[id] = body;
    const Geometry g = geometry(option, index, body);
    return QSize(option.rect.width(), g.bubble.height() + kOuter);
}

void MessageDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const int width = bodyWidth(option);
    Layout &l = layoutFor(index, width);
    const int body = int(std::ceil(l.height));
    const qint64 id = index.data(MessageListModel::IdRole).toLongLong();
    if (m_reportedHeight.value(id, -1) != body) {
        // The estimate was off (or the streaming text grew): ask the view for a new layout.
        m_reportedHeight[id] = body;
        auto *self = const_cast<MessageDelegate *>(this);
        const QPersistentModelIndex persistent(index);
        QTimer::singleShot(0, self, [self, persistent] {
            if (persistent.isValid())
                Q_EMIT self->sizeHintChanged(persistent);
        });
    }
    const Geometry g = geometry(option, index, body);
    painter->save();
    paintBubble(painter, option, index, g);
    paintBody(painter, option, l, g);
    paintFooter(painter, option, index, g);
    painter->restore();
}

// The rounded bubble, coloured by role, with the role's name on top.
void MessageDelegate::paintBubble(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index,
                                  const Geometry &g) const
{
    const QPalette &pal = option.palette;
    const bool dark = isDark(pal);
    const MessageRole role = roleOf(index);
    const bool user = role == MessageRole::User;
    painter->setRenderHint(QPainter::Antialiasing);
    QColor fill = user ? (dark ? QColor(0x1f, 0x3a, 0x5f) : QColor(0xe3, 0xee, 0xfb))
                       : (dark ? pal.color(QPalette::AlternateBase).lighter(115) : pal.color(QPalette::AlternateBase));
    if (role == MessageRole::System)
        fill = dark ? QColor(0x3a, 0x33, 0x1c) : QColor(0xfb, 0xf5, 0xe0);
    QPainterPath path;
    path.addRoundedRect(QRectF(g.bubble).adjusted(0.5, 0.5, -0.5, -0.5), 8, 8);
    painter->fillPath(path, fill);
    painter->setPen(pal.color(QPalette::Mid));
    painter->drawPath(path);

    QFont bold = option.font;
    bold.setBold(true);
    painter->setFont(bold);
    painter->setPen(pal.color(QPalette::Text));
    painter->drawText(g.header, Qt::AlignLeft | Qt::AlignVCenter, roleLabel(role));
}

// The body: the segments one under the other; only those inside the exposed area are drawn.
void MessageDelegate::paintBody(QPainter *painter, const QStyleOptionViewItem &option, const Layout &l,
                                const Geometry &g) const
{
    const QFontMetrics fm(option.font);
    const QPalette &pal = option.palette;
    // What can be seen: the view's viewport (a long reply is many screens tall), and within it
    // the painter's clip when there is one.
    QRectF exposed(g.body);
    if (const auto *view = qobject_cast<const QAbstractItemView *>(option.widget))
        exposed = exposed.intersected(QRectF(view->viewport()->rect()));
    if (painter->hasClipping())
        exposed = exposed.intersected(painter->clipBoundingRect());
    for (const Segment &segment : std::as_const(l.segments)) {
        const QRectF area(g.body.left(), g.body.top() + segment.top, g.body.width(), segment.doc->size().height());
        if (!area.intersects(exposed))
            continue;
        painter->save();
        painter->translate(area.topLeft());
        QAbstractTextDocumentLayout::PaintContext ctx;
        ctx.palette = pal;
        // The document draws only the blocks inside this clip: a long list or code block is one
        // document, laid out whole but drawn a screen at a time (a 3,000-line block: 32 → 1.2 ms).
        ctx.clip = exposed.translated(-area.topLeft()).intersected(QRectF(0, 0, area.width(), area.height()));
        segment.doc->documentLayout()->draw(painter, ctx);
        // Copy buttons on code blocks.
        painter->setFont(option.font);
        for (const CodeBlock &cb : segment.codeBlocks) {
            const QString text = tr("Copy");
            const QRect r(int(cb.rect.right()) - fm.horizontalAdvance(text) - 12, int(cb.rect.top()) + 2,
                          fm.horizontalAdvance(text) + 10, fm.height() + 2);
            painter->setPen(pal.color(QPalette::Mid));
            painter->setBrush(pal.color(QPalette::Button));
            painter->drawRoundedRect(r, 4, 4);
            painter->setPen(pal.color(QPalette::ButtonText));
            painter->drawText(r, Qt::AlignCenter, text);
        }
        painter->restore();
    }
}

// The footer: status and metrics on the left, actions (and the branch switcher) on the right.
void MessageDelegate::paintFooter(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index,
                                  const Geometry &g) const
{
    const QPalette &pal = option.palette;
    const QFontMetrics fm(option.font);
    painter->setFont(option.font);
    QColor dim = pal.color(QPalette::PlaceholderText);
    painter->setPen(dim);
    QStringList left;
    const QString status = index.data(MessageListModel::StatusTextRole).toString();
    if (!status.isEmpty())
        left << status;
    const QString metrics = index.data(MessageListModel::MetricsTextRole).toString();
    if (!metrics.isEmpty())
        left << metrics;
    const int leftLimit = (g.prev.isValid() ? g.prev.left() : g.copy.left()) - 8;
    painter->drawText(
        QRect(g.footer.left(), g.footer.top(), std::max(0, leftLimit - g.footer.left()), g.footer.height()),
        Qt::AlignLeft | Qt::AlignVCenter,
        fm.elidedText(left.join(QStringLiteral(" · ")), Qt::ElideRight, std::max(0, leftLimit - g.footer.left())));
    painter->setPen(pal.color(QPalette::Link));
    auto link = [&](const QRect &r, const QString &text) {
        if (r.isValid())
            painter->drawText(r, Qt::AlignCenter, text);
    };
    link(g.copy, tr("Copy"));
    link(g.regenerate, tr("Regenerate"));
    link(g.edit, tr("Edit"));
    if (g.prev.isValid()) {
        link(g.prev, QStringLiteral("‹"));
        link(g.next, QStringLiteral("›"));
        painter->setPen(dim);
        const QString count = QStringLiteral("%1/%2")
                                  .arg(index.data(MessageListModel::BranchIndexRole).toInt() + 1)
                                  .arg(index.data(MessageListModel::BranchCountRole).toInt());
        painter->drawText(QRect(g.prev.right(), g.footer.top(), g.next.left() - g.prev.right(), g.footer.height()),
                          Qt::AlignCenter, count);
    }
}

bool MessageDelegate::editorEvent(QEvent *event, QAbstractItemModel *model, const QStyleOptionViewItem &option,
                                  const QModelIndex &index)
{
    if (event->type() != QEvent::MouseButtonRelease)
        return QStyledItemDelegate::editorEvent(event, model, option, index);
    const QPoint pos = static_cast<QMouseEvent *>(event)->position().toPoint();
    Layout &l = layoutFor(index, bodyWidth(option));
    const Geometry g = geometry(option, index, int(std::ceil(l.height)));
    if (g.copy.contains(pos)) {
        Q_EMIT copyRequested(index.data(MessageListModel::ContentRole).toString());
        return true;
    }
    if (g.regenerate.contains(pos)) {
        Q_EMIT regenerateRequested(index);
        return true;
    }
    if (g.edit.contains(pos)) {
        Q_EMIT editRequested(index);
        return true;
    }
    if (g.prev.contains(pos) || g.next.contains(pos)) {
        Q_EMIT siblingRequested(index, g.prev.contains(pos) ? -1 : 1);
        return true;
    }
    const QFontMetrics fm(option.font);
    for (const Segment &segment : std::as_const(l.segments)) {
        for (const CodeBlock &cb : segment.codeBlocks) {
            const QRect r(int(cb.rect.right()) - fm.horizontalAdvance(tr("Copy")) - 12, int(cb.rect.top()) + 2,
                          fm.horizontalAdvance(tr("Copy")) + 10, fm.height() + 2);
            if (r.translated(g.body.topLeft() + QPoint(0, int(segment.top))).contains(pos)) {
                Q_EMIT copyRequested(codeText(segment.doc.get(), cb));
                return true;
            }
        }
    }
    return QStyledItemDelegate::editorEvent(event, model, option, index);
}

} // namespace gantry::ui
