#pragma once

// Type-checked reads of a dstack server's JSON. A server (or anything answering in its place)
// may send any shape: the accessors (common/JsonFields.h) never throw, a missing or wrongly
// typed field reads as the fallback, and a whole answer of the wrong shape is reported by the
// caller as "not what dstack sends" (dstackShapeError).

#include "core/backends/dstack/DstackError.h"
#include "core/common/JsonFields.h"

#include <QString>

#include <nlohmann/json.hpp>

namespace gantry::dstackjson {

// The shared accessors (common/JsonFields.h), under the name the dstack code reads them by.
using jsonfields::boolean;
using jsonfields::dateTime;
using jsonfields::int64Number;
using jsonfields::intNumber;
using jsonfields::integer;
using jsonfields::member;
using jsonfields::number;
using jsonfields::string;

} // namespace gantry::dstackjson

namespace gantry {

// The server answered `path` with JSON that is not the shape dstack sends (`what` says which part).
DstackError dstackShapeError(const QString &serverUrl, const QString &path, const QString &what);

} // namespace gantry
