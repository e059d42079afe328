#pragma once

// dstack's scalar grammars (docs/reference/dstack-configuration.md#resources-grammar, #durations): ranges, memory
// sizes, durations. Pure functions of text; each returns nullopt and sets *error to a message a user can act on when
// the text does not fit. They are what the parser applies to YAML scalars, and what tests pin down.

#include "core/config/Configuration.h"

#include <nlohmann/json.hpp>

#include <QString>

#include <optional>
#include <string_view>

namespace gantry::grammar {

// "N", "A..B", "A..", "..B" (spaces ignored) of non-negative integers; ".." alone and min > max are errors.
std::optional<Range<int>> parseCountRange(std::string_view text, QString *error);

// "16GB", "512MB", "1TB", "8" (a bare number is GB) → GB. With unitRequired a bare number is refused.
std::optional<double> parseMemory(std::string_view text, bool unitRequired, QString *error);
std::optional<Range<double>> parseMemoryRange(std::string_view text, bool unitRequired, QString *error);

// "90", "30s", "5m", "2h", "1d", "1w" → seconds (one unit only: "1d2h" is refused).
std::optional<int> parseDuration(std::string_view text, QString *error);

// Canonical JSON of ranges: {"min": 2, "max": null}; memory ranges always as floats.
nlohmann::json toJson(const Range<int> &range);
nlohmann::json toJson(const Range<double> &range);

// dstack's Range text: "2", "2..", "..8", "2..8"; memory adds "GB": "8GB..", "0.5GB".
QString rangeText(const Range<int> &range);
QString memoryRangeText(const Range<double> &range);
QString memoryText(double gb);

} // namespace gantry::grammar
