#pragma once

// Which backend a verb talks to: `--backend local` (the default), or a dstack server's project
// with `--project NAME` (a project of ~/.dstack/config.yml) or `--backend dstack` (its default
// project).

#include "backends/Backend.h"

#include <QStringList>

#include <memory>

namespace gantry::cli {

// Consumes the backend options from args; nullptr with *error set when they are wrong.
std::unique_ptr<gantry::Backend> selectBackend(QStringList &args, QString *error);

} // namespace gantry::cli
