#pragma once

// Work that the first frame does not show (the keychain check, the window and tray icons)
// runs once the window's first paint has been handled, so that it does not hold the first
// frame back (issue 14). A window that is never shown never runs it.

#include <QWidget>

#include <functional>

namespace gantry::ui {

void afterFirstPaint(QWidget *window, std::function<void()> work);

} // namespace gantry::ui
