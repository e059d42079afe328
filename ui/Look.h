#pragma once

// Small shared decisions about how the views look, so that every panel agrees.

#include <QPalette>

class QLabel;
class QTableView;

namespace gantry::ui {

// Is this a dark palette (the system's dark mode)? Colours we choose ourselves follow it.
bool isDark(const QPalette &palette);

// A section heading of the first frame ("Configurations", "Runs"): the text's own face in the
// palette's secondary text colour, not bold. A bold face is one more font to match, open and
// rasterize before the first frame (3.8 M instructions, 1–2 ms of a 36 ms start: issue 14,
// bench/RESULTS.md, "Start, sixth round").
void setHeadingLook(QLabel *label);

// A data table: whole-row single selection, no grid, one line per row at a fixed height.
void setUpDataTable(QTableView *table);

} // namespace gantry::ui
