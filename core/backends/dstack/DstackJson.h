#pragma once

// Type-checked reads of a dstack server's JSON. A server (or anything answering in its place)
// may send any shape; nlohmann's value()/get<>() throw on a wrong type, and an exception must
// never leave a Qt slot. These accessors never throw: a missing or wrongly typed field reads
// as the fallback, and a whole answer of the wrong shape is reported by the caller as
// "not what dstack sends" (dstackShapeError).

#include "backends/dstack/DstackError.h"

#include <QString>

#include <nlohmann/json.hpp>

namespace gantry::dstackjson {

// j[key] when j is an object that has it, else a null.
inline const nlohmann::json &member(const nlohmann::json &j, const char *key)
{
    static const nlohmann::json null;
    if (!j.is_object())
        return null;
    auto it = j.find(key);
    return it == j.end() ? null : *it;
}

inline QString string(const nlohmann::json &j, const char *key, const QString &fallback = {})
{
    const nlohmann::json &v = member(j, key);
    return v.is_string() ? QString::fromStdString(v.get_ref<const std::string &>()) : fallback;
}

inline double number(const nlohmann::json &j, const char *key, double fallback = 0.0)
{
    const nlohmann::json &v = member(j, key);
    return v.is_number() ? v.get<double>() : fallback;
}

inline bool boolean(const nlohmann::json &j, const char *key, bool fallback = false)
{
    const nlohmann::json &v = member(j, key);
    return v.is_boolean() ? v.get<bool>() : fallback;
}

} // namespace gantry::dstackjson

namespace gantry {

// The server answered `path` with JSON that is not the shape dstack sends (`what` says which part).
DstackError dstackShapeError(const QString &serverUrl, const QString &path, const QString &what);

} // namespace gantry
