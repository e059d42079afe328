#pragma once

// dstack's resources grammar (docs/reference/dstack-configuration.md#resources-grammar): the GPU and CPU spec strings,
// and the canonical JSON of a ResourcesSpec as the server echoes it in run_spec.configuration.resources.

#include "core/config/Configuration.h"

#include <nlohmann/json.hpp>

#include <QString>

#include <optional>
#include <string_view>

namespace gantry::grammar {

// The GPU string tokenizer: split on ':', classify each token as vendor word, name list,
// memory (has a letter but does not start with one; unit required) or count. A spec
// without a count means 1.. (one or more). "24" alone is handled by the caller as a count.
std::optional<GpuSpec> parseGpuSpec(std::string_view text, QString *error);

// "nvidia", "NVIDIA", "tpu" (→ google), "tt" (→ tenstorrent); nullopt for other words.
std::optional<QString> gpuVendorFromWord(std::string_view word);

// "x86:4", "arm:2..", "8:arm", "2..", "4" → arch and count.
bool parseCpuSpec(std::string_view text, std::optional<QString> *arch, Range<int> *count, QString *error);

// "7.5" → (7, 5).
std::optional<std::pair<int, int>> parseComputeCapability(std::string_view text, QString *error);

// {"cpu": {"arch", "count"}, "memory", "shm_size", "gpu": {...}, "disk": {"size"} | null}
nlohmann::json toJson(const ResourcesSpec &resources);
nlohmann::json toJson(const GpuSpec &gpu);

} // namespace gantry::grammar
