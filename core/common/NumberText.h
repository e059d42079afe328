#pragma once

#include <QString>

namespace gantry {

// A number as dstack prints it: at most maxDecimals decimals, trailing zeros (and a
// trailing dot) removed — 8 → "8", 0.5 → "0.5", 0.28530 → "0.2853".
QString trimmedNumber(double value, int maxDecimals);

} // namespace gantry
