#pragma once

// Gantry's icon (the window's and the tray's), drawn with QPainter from the geometry of
// resources/icons/gantry.svg, at any size.
//
// Why not the SVG: a QIcon of an SVG loads Qt's SVG icon engine plugin and QtSvg (~0.5 MB
// resident) to draw 11 shapes. The desktop file's icon stays the SVG (packaging/), and
// test_gantry_icon holds this drawing to it, pixel by pixel.

#include <QIcon>

class QPainter;
class QRectF;

namespace gantry::ui {

// Paints the icon (its 128×128 design scaled to fit `target`, centred).
void paintGantryIcon(QPainter *painter, const QRectF &target);

QIcon gantryIcon();

} // namespace gantry::ui
