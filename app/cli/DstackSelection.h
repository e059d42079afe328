#pragma once

// `--project NAME` (or `--backend dstack`): the dstack backend for a project of
// ~/.dstack/config.yml ($DSTACK_CONFIG_PATH overrides), connected and synchronised before the
// verb runs — a one-shot CLI needs the project's runs and logs in hand, not on their way.

#include "core/backends/Backend.h"

#include <QString>

#include <memory>

namespace gantry::cli {

// Empty projectName = the config's default project. nullptr with *error set when the project
// is unknown or the server cannot be reached.
std::unique_ptr<gantry::Backend> connectDstackProject(const QString &projectName, QString *error);

} // namespace gantry::cli
