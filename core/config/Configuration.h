#pragma once

// The parsed, validated model of one dstack run configuration (*.dstack.yml).
// Contract shared by the backends, the CLI and the GUI. The parser (ConfigParser) fills it;
// `canonical` holds exactly what a dstack server stores in run_spec.configuration.

#include "core/common/Diagnostic.h"

#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <optional>
#include <utility>
#include <vector>

namespace gantry {

enum class RunType { Service, Task, DevEnvironment };

// dstack's Range: either side may be open, never both.
template <typename T>
struct Range {
    std::optional<T> min;
    std::optional<T> max;
    bool contains(T v) const { return (!min || v >= *min) && (!max || v <= *max); }
    friend bool operator==(const Range &, const Range &) = default;
};

struct GpuSpec {
    std::optional<QString> vendor; // nvidia, amd, intel, google, tenstorrent
    QStringList names; // empty = any
    Range<int> count{0, std::nullopt}; // default 0.. (none required); a spec without count → 1..
    std::optional<Range<double>> memoryGb; // per GPU
    std::optional<Range<double>> totalMemoryGb;
    std::optional<std::pair<int, int>> computeCapability;
    bool required() const { return count.min.value_or(0) > 0; }
};

struct ResourcesSpec {
    std::optional<QString> cpuArch; // x86, arm
    Range<int> cpuCount{2, std::nullopt};
    Range<double> memoryGb{8.0, std::nullopt};
    GpuSpec gpu;
    std::optional<Range<double>> diskGb = Range<double>{100.0, std::nullopt}; // nullopt = no constraint
    std::optional<double> shmSizeGb;
};

struct ModelSpec {
    QString type = QStringLiteral("chat");
    QString name;
    QString format = QStringLiteral("openai"); // openai | tgi
    QString prefix = QStringLiteral("/v1"); // openai only
};

struct ProbeSpec {
    QString url = QStringLiteral("/");
    QString method = QStringLiteral("get");
    std::vector<std::pair<QString, QString>> headers;
    std::optional<QString> body;
    int timeoutSec = 10;
    int intervalSec = 15;
    int readyAfter = 1;
};

struct EnvVar {
    QString key;
    std::optional<QString> value; // nullopt = value-less entry, taken from the caller's environment
};

struct Configuration {
    QString filePath; // where it came from (for diagnostics and run specs)
    RunType type = RunType::Service;
    QString typeName; // "service", "task", "dev-environment"
    std::optional<QString> name;
    std::optional<QString> image;
    std::optional<QString> python;
    QStringList commands;
    std::optional<QString> shell; // sh, bash or absolute path; nullopt = dstack's default
    std::vector<EnvVar> env;
    std::optional<int> containerPort; // services: the port the app listens on
    std::optional<ModelSpec> model;
    std::optional<std::vector<ProbeSpec>> probes; // nullopt = omitted (defaults apply); empty = disabled
    ResourcesSpec resources;
    std::optional<QString> spotPolicy; // spot | on-demand | auto
    std::optional<double> maxPrice;
    QStringList backends, regions, instanceTypes;
    std::optional<int> maxDurationSec; // nullopt = off
    // The top-level keys the file sets to a value, in file order: what a client sends to a
    // server (dstack's client sends what was written, not every field at its default).
    QStringList writtenKeys;

    // Canonical JSON, as the dstack server stores and echoes run_spec.configuration: every
    // key of the run type, shorthands normalised (port → {local_port, container_port}, model →
    // full object, resources → {cpu: {arch, count}, memory, shm_size, gpu: {...}, disk: {size}}
    // with GB as floats, env → mapping with {"key": K} placeholders for value-less entries,
    // durations → int seconds or "off" (idle_duration off → -1), python → "3.10" text).
    // Deliberately NOT applied here (the server adds them only in effective_run_spec /
    // job_spec): the default openai probe (see effectiveProbes), gpu vendor nvidia when no
    // vendor/name/image, cpu arch x86 without a custom image, priority 0, stop_duration 300,
    // the default image and shell, the random run name, replicas 1, retry's 1h duration for
    // `retry: true`. Unset probe fields stay null; repos/files/fleets/instances/gateway/
    // groups/backend_options pass through as written (validated, not normalised).
    nlohmann::json canonical;

    // The probes dstack would run for this service: the configured ones, else the default
    // chat-completions probe for an openai model, else none (the caller falls back to TCP).
    std::vector<ProbeSpec> effectiveProbes() const;
};

struct ParseResult {
    std::optional<Configuration> configuration; // set whenever the file parsed (even with warnings)
    Diagnostics diagnostics;
    bool valid() const { return configuration.has_value() && !hasErrors(diagnostics); }
};

} // namespace gantry
