#include "core/config/ResourcesGrammar.h"

#include "core/config/Grammar.h"

#include <cctype>
#include <charconv>
#include <string>
#include <vector>

namespace gantry::grammar {

namespace {

std::string lowered(std::string_view s)
{
    std::string out(s);
    for (char &c : out)
        c = char(std::tolower(uchar(c)));
    return out;
}

bool hasLetter(std::string_view s)
{
    for (char c : s) {
        if (std::isalpha(uchar(c)))
            return true;
    }
    return false;
}

QString q(std::string_view s)
{
    return QStringLiteral("'%1'").arg(QString::fromUtf8(s.data(), qsizetype(s.size())));
}

std::vector<std::string_view> split(std::string_view s, char separator)
{
    std::vector<std::string_view> parts;
    size_t start = 0;
    for (;;) {
        const size_t at = s.find(separator, start);
        parts.push_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
        if (at == std::string_view::npos)
            return parts;
        start = at + 1;
    }
}

} // namespace

std::optional<QString> gpuVendorFromWord(std::string_view word)
{
    const std::string w = lowered(word);
    if (w == "nvidia" || w == "amd" || w == "intel" || w == "google" || w == "tenstorrent")
        return QString::fromStdString(w);
    if (w == "tpu")
        return QStringLiteral("google");
    if (w == "tt")
        return QStringLiteral("tenstorrent");
    return std::nullopt;
}

std::optional<GpuSpec> parseGpuSpec(std::string_view text, QString *error)
{
    std::string s;
    for (char c : text) {
        if (c != ' ')
            s.push_back(c);
    }
    if (s.empty()) {
        *error = QStringLiteral("empty gpu spec: write e.g. 24GB, A100:2 or nvidia:1..");
        return std::nullopt;
    }
    GpuSpec gpu;
    gpu.count = Range<int>{1, std::nullopt};
    bool haveVendor = false, haveName = false, haveMemory = false, haveCount = false;
    auto conflict = [&](const char *what, std::string_view token) {
        *error =
            QStringLiteral("gpu spec %1: %2 conflict at %3 (each of vendor, name, memory and count may appear once)")
                .arg(q(text), QLatin1String(what), q(token));
        return std::nullopt;
    };
    for (std::string_view token : split(s, ':')) {
        if (token.empty()) {
            *error = QStringLiteral("gpu spec %1 has an empty part between ':' separators").arg(q(text));
            return std::nullopt;
        }
        if (const auto vendor = gpuVendorFromWord(token)) {
            if (haveVendor)
                return conflict("vendor", token);
            haveVendor = true;
            gpu.vendor = vendor;
        } else if (std::isalpha(uchar(token.front()))) {
            if (haveName)
                return conflict("name", token);
            haveName = true;
            for (std::string_view name : split(token, ',')) {
                if (name.empty()) {
                    *error = QStringLiteral("gpu spec %1 has an empty name in the list %2").arg(q(text), q(token));
                    return std::nullopt;
                }
                if (name.size() > 4 && lowered(name.substr(0, 4)) == "tpu-")
                    name.remove_prefix(4);
                gpu.names << QString::fromUtf8(name.data(), qsizetype(name.size()));
            }
        } else if (hasLetter(token)) {
            if (haveMemory)
                return conflict("memory", token);
            haveMemory = true;
            QString why;
            const auto memory = parseMemoryRange(token, true, &why);
            if (!memory) {
                *error = QStringLiteral("gpu spec %1: %2").arg(q(text), why);
                return std::nullopt;
            }
            gpu.memoryGb = memory;
        } else {
            if (haveCount)
                return conflict("count", token);
            haveCount = true;
            QString why;
            const auto count = parseCountRange(token, &why);
            if (!count) {
                *error = QStringLiteral("gpu spec %1: %2").arg(q(text), why);
                return std::nullopt;
            }
            gpu.count = *count;
        }
    }
    return gpu;
}

bool parseCpuSpec(std::string_view text, std::optional<QString> *arch, Range<int> *count, QString *error)
{
    std::string s;
    for (char c : text) {
        if (c != ' ')
            s.push_back(c);
    }
    const std::vector<std::string_view> parts = split(s, ':');
    if (parts.size() > 2) {
        *error = QStringLiteral("cpu spec %1: use COUNT, ARCH:COUNT or COUNT:ARCH (e.g. x86:4, arm:2..)").arg(q(text));
        return false;
    }
    bool haveCount = false;
    for (std::string_view part : parts) {
        const std::string word = lowered(part);
        if (word == "x86" || word == "arm") {
            if (arch->has_value()) {
                *error = QStringLiteral("cpu spec %1 names the architecture twice").arg(q(text));
                return false;
            }
            *arch = QString::fromStdString(word);
            continue;
        }
        if (hasLetter(part)) {
            *error = QStringLiteral("cpu spec %1: unknown architecture %2 (use x86 or arm)").arg(q(text), q(part));
            return false;
        }
        if (haveCount) {
            *error = QStringLiteral("cpu spec %1 gives the count twice").arg(q(text));
            return false;
        }
        const auto r = parseCountRange(part, error);
        if (!r)
            return false;
        *count = *r;
        haveCount = true;
    }
    if (!haveCount && parts.size() == 2) {
        *error = QStringLiteral("cpu spec %1 has no count (e.g. x86:4)").arg(q(text));
        return false;
    }
    return true;
}

std::optional<std::pair<int, int>> parseComputeCapability(std::string_view text, QString *error)
{
    const size_t dot = text.find('.');
    int major = 0, minor = 0;
    if (dot != std::string_view::npos) {
        const std::string_view a = text.substr(0, dot), b = text.substr(dot + 1);
        const auto ra = std::from_chars(a.data(), a.data() + a.size(), major);
        const auto rb = std::from_chars(b.data(), b.data() + b.size(), minor);
        if (!a.empty() && !b.empty() && ra.ec == std::errc() && rb.ec == std::errc() && ra.ptr == a.data() + a.size() &&
            rb.ptr == b.data() + b.size() && major >= 0 && minor >= 0)
            return std::make_pair(major, minor);
    }
    *error = QStringLiteral("compute_capability %1 must be MAJOR.MINOR, e.g. 8.0").arg(q(text));
    return std::nullopt;
}

nlohmann::json toJson(const GpuSpec &gpu)
{
    nlohmann::json names = nullptr;
    if (!gpu.names.isEmpty()) {
        names = nlohmann::json::array();
        for (const QString &n : gpu.names)
            names.push_back(n.toStdString());
    }
    nlohmann::json cc = nullptr;
    if (gpu.computeCapability)
        cc = nlohmann::json::array({gpu.computeCapability->first, gpu.computeCapability->second});
    return {{"vendor", gpu.vendor ? nlohmann::json(gpu.vendor->toStdString()) : nlohmann::json(nullptr)},
            {"name", names},
            {"count", toJson(gpu.count)},
            {"memory", gpu.memoryGb ? toJson(*gpu.memoryGb) : nlohmann::json(nullptr)},
            {"total_memory", gpu.totalMemoryGb ? toJson(*gpu.totalMemoryGb) : nlohmann::json(nullptr)},
            {"compute_capability", cc}};
}

nlohmann::json toJson(const ResourcesSpec &r)
{
    return {{"cpu",
             {{"arch", r.cpuArch ? nlohmann::json(r.cpuArch->toStdString()) : nlohmann::json(nullptr)},
              {"count", toJson(r.cpuCount)}}},
            {"memory", toJson(r.memoryGb)},
            {"shm_size", r.shmSizeGb ? nlohmann::json(double(*r.shmSizeGb)) : nlohmann::json(nullptr)},
            {"gpu", toJson(r.gpu)},
            {"disk", r.diskGb ? nlohmann::json{{"size", toJson(*r.diskGb)}} : nlohmann::json(nullptr)}};
}

} // namespace gantry::grammar
