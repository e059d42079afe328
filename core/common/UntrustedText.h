#pragma once

// Text that came from someone else (a chat server, a dstack server, a service's output),
// made safe to show, print or store: bounded in size and depth, without control characters.

#include <QString>

#include <nlohmann/json.hpp>

namespace gantry {

// A compact, JSON-like rendering of value for messages, walked with a depth and size limit:
// nesting below maxDepth reads "…", and the text stops (with "…") near maxChars. Never
// dump() an untrusted value: dump() recurses once per level and 100 KB of '[' overflow the
// stack.
QString boundedJsonText(const nlohmann::json &value, int maxDepth = 8, qsizetype maxChars = 500);

// text without C0/C1 control characters (ESC sequences would drive the terminal, a CR would
// overwrite what is printed): each becomes U+FFFD, except '\n' and '\t' (and the CR of a
// CRLF, dropped) when keepNewlines. Bidi overrides and U+2028/2029 are replaced too.
QString withoutControlCharacters(const QString &text, bool keepNewlines = true);

} // namespace gantry
