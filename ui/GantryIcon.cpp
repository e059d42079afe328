#include "ui/GantryIcon.h"

#include <QIconEngine>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

namespace gantry::ui {

namespace {

constexpr qreal kDesign = 128; // the SVG's viewBox

class GantryIconEngine : public QIconEngine
{
public:
    void paint(QPainter *painter, const QRect &rect, QIcon::Mode, QIcon::State) override
    {
        paintGantryIcon(painter, rect);
    }
    QPixmap pixmap(const QSize &size, QIcon::Mode mode, QIcon::State state) override
    {
        QPixmap image(size);
        image.fill(Qt::transparent);
        QPainter painter(&image);
        paint(&painter, QRect(QPoint(0, 0), size), mode, state);
        return image;
    }
    QSize actualSize(const QSize &size, QIcon::Mode, QIcon::State) override
    {
        const int side = qMin(size.width(), size.height()); // square
        return {side, side};
    }
    // What a window manager is handed (X11's _NET_WM_ICON takes a list of sizes).
    QList<QSize> availableSizes(QIcon::Mode, QIcon::State) override
    {
        return {{16, 16}, {24, 24}, {32, 32}, {48, 48}, {64, 64}, {128, 128}, {256, 256}};
    }
    QString key() const override { return QStringLiteral("gantry-icon"); }
    QIconEngine *clone() const override { return new GantryIconEngine; }
};

} // namespace

void paintGantryIcon(QPainter *painter, const QRectF &target)
{
    const qreal side = qMin(target.width(), target.height());
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    painter->translate(target.center() - QPointF(side, side) / 2);
    painter->scale(side / kDesign, side / kDesign);
    const QColor navy(0x1d, 0x35, 0x57), white(0xf1, 0xfa, 0xee), red(0xe6, 0x39, 0x46), bubble(0xa8, 0xda, 0xdc);
    const auto rounded = [painter](const QRectF &r, qreal radius, const QColor &color) {
        painter->setBrush(color);
        painter->drawRoundedRect(r, radius, radius);
    };
    rounded({4, 4, 120, 120}, 24, navy); // the tile
    rounded({22, 28, 10, 76}, 2, white); // two legs
    rounded({96, 28, 10, 76}, 2, white);
    rounded({16, 22, 96, 12}, 3, red); // the beam
    painter->fillRect(QRectF(62, 34, 4, 18), white); // the hoist's cable
    QPainterPath chat; // the load: a chat bubble with its tail
    chat.addRoundedRect(QRectF(38, 54, 52, 30), 6, 6);
    QPainterPath tail;
    tail.addPolygon(QPolygonF({{62, 84}, {52, 93}, {52, 84}, {62, 84}}));
    painter->setBrush(bubble);
    painter->drawPath(chat.united(tail));
    painter->setBrush(navy); // three dots
    for (const qreal x : {54.0, 64.0, 74.0})
        painter->drawEllipse(QPointF(x, 69), 3.5, 3.5);
    painter->restore();
}

QIcon gantryIcon()
{
    return QIcon(new GantryIconEngine);
}

} // namespace gantry::ui
