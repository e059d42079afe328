#pragma once

// What a dstack run configuration may contain: the known keys of every mapping and the
// allowed literals of every enumerated value. One table serves both the parser (unknown-key
// errors, "did you mean") and the GUI editor (completion), so the two can never disagree.
//
// A path names a mapping by the keys leading to it from the top level; list items are
// transparent: {"resources", "gpu"} is the gpu object, {"probes"} is one probe object,
// {"probes", "headers"} one probe header. The empty path is the top level, which depends
// on the run type.

#include "core/config/Configuration.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace gantry {

namespace ConfigSchema {

// "service", "task", "dev-environment" (what `type:` accepts for a run).
QStringList runTypeNames();
QString runTypeName(RunType type);
std::optional<RunType> runTypeFromName(const QString &name);

// Known keys of the mapping at `path` for a configuration of `type`; empty when `path` is
// not a mapping the schema knows (free-form maps such as env or tags included).
QStringList keysFor(const QStringList &path, RunType type);

// Allowed literal values at `path` (the last element is the key), e.g. {"spot_policy"} or
// {"model", "format"}; empty when the value is free-form.
QStringList valuesFor(const QStringList &path);

// Top-level keys valid for some run type other than `type` (for "only in tasks" messages).
QStringList runTypesAccepting(const QString &topLevelKey);

// dstack's backend ids (Appendix A) and GPU vendor words (with aliases tpu → google, tt → tenstorrent).
const QStringList &backendIds();
const QStringList &gpuVendors();

} // namespace ConfigSchema

} // namespace gantry
