#pragma once

// The application's style, with its standard icons (the menu bar's overflow button, a line
// edit's clear button, the problem list's severities…) decoded only when one is first drawn.
//
// Why: QMenuBar's constructor asks the style for its overflow button's icon, and reading the
// size of that PNG makes QImageReader load every image-format plugin (SVG with QtSvg, JPEG, GIF,
// ICO) before the first frame, for a button that is only shown when the menus do not fit; a
// search field's clear button did the same for a button shown only once something is typed.
// Every other call is the wrapped style's own.

#include <QProxyStyle>

namespace gantry::ui {

class DeferredIconStyle : public QProxyStyle
{
public:
    // Wraps a new instance of the style named `key` (the application's current style, so that
    // `-style` and QT_STYLE_OVERRIDE are kept).
    explicit DeferredIconStyle(const QString &key);

    QIcon standardIcon(StandardPixmap icon, const QStyleOption *option = nullptr,
                       const QWidget *widget = nullptr) const override;
};

// Makes a DeferredIconStyle of the current style the application's style. Call once, after
// QApplication exists and before the first widget.
void useDeferredIconStyle();

} // namespace gantry::ui
