#include "core/config/Grammar.h"

#include "core/common/NumberText.h"

#include <cctype>
#include <charconv>
#include <limits>
#include <string>

namespace gantry::grammar {

namespace {

std::string withoutSpaces(std::string_view text)
{
    std::string s;
    s.reserve(text.size());
    for (char c : text) {
        if (c != ' ' && c != '\t')
            s.push_back(c);
    }
    return s;
}

QString quoted(std::string_view text)
{
    return QStringLiteral("'%1'").arg(QString::fromUtf8(text.data(), qsizetype(text.size())));
}

bool parseNonNegativeInt(std::string_view s, int *value)
{
    if (s.empty())
        return false;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *value);
    return ec == std::errc() && end == s.data() + s.size() && *value >= 0;
}

bool parseNumber(std::string_view s, double *value)
{
    if (s.empty() || s.front() == '+' || s.front() == '-')
        return false;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *value);
    return ec == std::errc() && end == s.data() + s.size();
}

bool equalsIgnoreCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(uchar(a[i])) != std::tolower(uchar(b[i])))
            return false;
    }
    return true;
}

// Splits "A..B" into its sides; false when there is no "..".
bool splitRange(std::string_view s, std::string_view *lo, std::string_view *hi)
{
    const size_t dots = s.find("..");
    if (dots == std::string_view::npos)
        return false;
    *lo = s.substr(0, dots);
    *hi = s.substr(dots + 2);
    return true;
}

} // namespace

std::optional<Range<int>> parseCountRange(std::string_view text, QString *error)
{
    const std::string s = withoutSpaces(text);
    std::string_view lo, hi;
    Range<int> r;
    int v = 0;
    if (!splitRange(s, &lo, &hi)) {
        if (!parseNonNegativeInt(s, &v)) {
            *error = QStringLiteral("%1 is not a count: use N, A..B, A.. or ..B with whole numbers").arg(quoted(text));
            return std::nullopt;
        }
        r.min = r.max = v;
        return r;
    }
    if (lo.empty() && hi.empty()) {
        *error = QStringLiteral("'..' alone is not a range: give a minimum, a maximum or both (e.g. 1..)");
        return std::nullopt;
    }
    if (!lo.empty()) {
        if (!parseNonNegativeInt(lo, &v)) {
            *error = QStringLiteral("%1 is not a count range: %2 is not a whole number").arg(quoted(text), quoted(lo));
            return std::nullopt;
        }
        r.min = v;
    }
    if (!hi.empty()) {
        if (!parseNonNegativeInt(hi, &v)) {
            *error = QStringLiteral("%1 is not a count range: %2 is not a whole number").arg(quoted(text), quoted(hi));
            return std::nullopt;
        }
        r.max = v;
    }
    if (r.min && r.max && *r.min > *r.max) {
        *error = QStringLiteral("range %1 has its minimum above its maximum").arg(quoted(text));
        return std::nullopt;
    }
    return r;
}

std::optional<double> parseMemory(std::string_view text, bool unitRequired, QString *error)
{
    const std::string s = withoutSpaces(text);
    std::string_view number = s;
    double factor = 1.0;
    size_t unitStart = 0;
    while (unitStart < s.size() && (std::isdigit(uchar(s[unitStart])) || s[unitStart] == '.'))
        ++unitStart;
    const std::string_view unit = std::string_view(s).substr(unitStart);
    if (!unit.empty()) {
        number = std::string_view(s).substr(0, unitStart);
        if (equalsIgnoreCase(unit, "MB"))
            factor = 1.0 / 1024.0;
        else if (equalsIgnoreCase(unit, "GB"))
            factor = 1.0;
        else if (equalsIgnoreCase(unit, "TB"))
            factor = 1024.0;
        else {
            *error = QStringLiteral("%1 is not a memory size: the unit must be MB, GB or TB (binary units such as GiB "
                                    "are not accepted)")
                         .arg(quoted(text));
            return std::nullopt;
        }
    } else if (unitRequired) {
        *error = QStringLiteral("%1 needs a unit here (MB, GB or TB), e.g. %2GB")
                     .arg(quoted(text), QString::fromStdString(s));
        return std::nullopt;
    }
    double v = 0;
    if (!parseNumber(number, &v)) {
        *error =
            QStringLiteral("%1 is not a memory size: write a number with MB, GB or TB, e.g. 16GB").arg(quoted(text));
        return std::nullopt;
    }
    return v * factor;
}

std::optional<Range<double>> parseMemoryRange(std::string_view text, bool unitRequired, QString *error)
{
    const std::string s = withoutSpaces(text);
    std::string_view lo, hi;
    Range<double> r;
    if (!splitRange(s, &lo, &hi)) {
        const auto v = parseMemory(s, unitRequired, error);
        if (!v)
            return std::nullopt;
        r.min = r.max = *v;
        return r;
    }
    if (lo.empty() && hi.empty()) {
        *error = QStringLiteral("'..' alone is not a range: give a minimum, a maximum or both (e.g. 16GB..)");
        return std::nullopt;
    }
    if (!lo.empty()) {
        const auto v = parseMemory(lo, unitRequired, error);
        if (!v)
            return std::nullopt;
        r.min = *v;
    }
    if (!hi.empty()) {
        const auto v = parseMemory(hi, unitRequired, error);
        if (!v)
            return std::nullopt;
        r.max = *v;
    }
    if (r.min && r.max && *r.min > *r.max) {
        *error = QStringLiteral("range %1 has its minimum above its maximum").arg(quoted(text));
        return std::nullopt;
    }
    return r;
}

std::optional<int> parseDuration(std::string_view text, QString *error)
{
    const std::string s = withoutSpaces(text);
    size_t digits = 0;
    while (digits < s.size() && std::isdigit(uchar(s[digits])))
        ++digits;
    int value = 0;
    if (digits == 0 || !parseNonNegativeInt(std::string_view(s).substr(0, digits), &value)) {
        *error =
            QStringLiteral(
                "%1 is not a duration: use seconds or a number with one unit s, m, h, d or w (e.g. 90, 30s, 5m, 2h)")
                .arg(quoted(text));
        return std::nullopt;
    }
    const std::string_view unit = std::string_view(s).substr(digits);
    long long multiplier = 0;
    if (unit.empty() || unit == "s")
        multiplier = 1;
    else if (unit == "m")
        multiplier = 60;
    else if (unit == "h")
        multiplier = 3600;
    else if (unit == "d")
        multiplier = 86400;
    else if (unit == "w")
        multiplier = 604800;
    if (multiplier == 0) {
        *error =
            QStringLiteral("%1 is not a duration: use one number with one unit s, m, h, d or w (e.g. 26h, not 1d2h)")
                .arg(quoted(text));
        return std::nullopt;
    }
    const long long seconds = value * multiplier;
    if (seconds > std::numeric_limits<int>::max()) {
        *error = QStringLiteral("duration %1 is too long").arg(quoted(text));
        return std::nullopt;
    }
    return int(seconds);
}

nlohmann::json toJson(const Range<int> &range)
{
    return {{"min", range.min ? nlohmann::json(*range.min) : nlohmann::json(nullptr)},
            {"max", range.max ? nlohmann::json(*range.max) : nlohmann::json(nullptr)}};
}

nlohmann::json toJson(const Range<double> &range)
{
    return {{"min", range.min ? nlohmann::json(double(*range.min)) : nlohmann::json(nullptr)},
            {"max", range.max ? nlohmann::json(double(*range.max)) : nlohmann::json(nullptr)}};
}

QString rangeText(const Range<int> &range)
{
    if (range.min && range.max && *range.min == *range.max)
        return QString::number(*range.min);
    return (range.min ? QString::number(*range.min) : QString()) + QStringLiteral("..") +
           (range.max ? QString::number(*range.max) : QString());
}

QString memoryText(double gb)
{
    return trimmedNumber(gb, 3) + QStringLiteral("GB");
}

QString memoryRangeText(const Range<double> &range)
{
    if (range.min && range.max && *range.min == *range.max)
        return memoryText(*range.min);
    return (range.min ? memoryText(*range.min) : QString()) + QStringLiteral("..") +
           (range.max ? memoryText(*range.max) : QString());
}

} // namespace gantry::grammar
