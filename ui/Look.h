#pragma once

// Small shared decisions about how the views look, so that every panel agrees.

#include <QPalette>

class QTableView;

namespace gantry::ui {

// Is this a dark palette (the system's dark mode)? Colours we choose ourselves follow it.
bool isDark(const QPalette &palette);

// A data table: whole-row single selection, no grid, one line per row at a fixed height.
void setUpDataTable(QTableView *table);

} // namespace gantry::ui
