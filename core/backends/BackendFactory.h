#pragma once

// Where backends are made, so that callers (GUI, CLI) depend on Backend alone.

#include "core/backends/Backend.h"

#include <memory>

namespace gantry {

// This machine: runs under detached supervisors, state in runsDir().
std::unique_ptr<Backend> createLocalBackend(QObject *parent = nullptr);

// A dstack server's project (see backends/dstack/DstackConfigFile.h for where projects come from).
struct DstackProject;
std::unique_ptr<Backend> createDstackBackend(const DstackProject &project, QObject *parent = nullptr);

} // namespace gantry
