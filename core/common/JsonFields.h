#pragma once

// Type-checked reads of one field of a JSON object, for everything Gantry reads as JSON (its
// own state files, a dstack server's answers, a model server's chunks, the chat store's
// metrics). nlohmann's value()/get<>() throw on a wrong type, and an exception must never
// leave a Qt slot: these never throw. A missing or wrongly typed field reads as the fallback;
// a non-object reads as having no fields.

#include <QDateTime>
#include <QList>
#include <QString>

#include <nlohmann/json.hpp>

#include <limits>

namespace gantry::jsonfields {

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

inline qint64 integer(const nlohmann::json &j, const char *key, qint64 fallback = 0)
{
    const nlohmann::json &v = member(j, key);
    return v.is_number_integer() ? v.get<qint64>() : fallback;
}

inline double number(const nlohmann::json &j, const char *key, double fallback = 0.0)
{
    const nlohmann::json &v = member(j, key);
    return v.is_number() ? v.get<double>() : fallback;
}

// A number that fits an int (counts, indexes): a fraction is truncated; anything outside int's
// range, or not a number, reads as the fallback (a server's 1e97 must not become UB).
inline int intNumber(const nlohmann::json &j, const char *key, int fallback = 0)
{
    const double v = number(j, key, double(fallback));
    return v >= double(std::numeric_limits<int>::min()) && v <= double(std::numeric_limits<int>::max()) ? int(v)
                                                                                                        : fallback;
}

// The same for 64-bit quantities (MiB of memory or disk).
inline qint64 int64Number(const nlohmann::json &j, const char *key, qint64 fallback = 0)
{
    const double v = number(j, key, double(fallback));
    // 2^63 is exactly representable and the first double past qint64's range.
    return v >= -9223372036854775808.0 && v < 9223372036854775808.0 ? qint64(v) : fallback;
}

inline bool boolean(const nlohmann::json &j, const char *key, bool fallback = false)
{
    const nlohmann::json &v = member(j, key);
    return v.is_boolean() ? v.get<bool>() : fallback;
}

// An ISO 8601 timestamp (with or without milliseconds), in UTC; invalid when absent.
inline QDateTime dateTime(const nlohmann::json &j, const char *key)
{
    const QString text = string(j, key);
    return text.isEmpty() ? QDateTime() : QDateTime::fromString(text, Qt::ISODateWithMs).toUTC();
}

// The integers of an array field; other elements are skipped.
inline QList<int> integers(const nlohmann::json &j, const char *key)
{
    QList<int> values;
    const nlohmann::json &v = member(j, key);
    if (v.is_array()) {
        for (const auto &e : v)
            if (e.is_number_integer())
                values << e.get<int>();
    }
    return values;
}

} // namespace gantry::jsonfields
