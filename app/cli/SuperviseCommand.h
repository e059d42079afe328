#pragma once

#include <QStringList>

namespace gantry::cli {

// gantry-cli supervise: see SuperviseCommand.cpp for its options.
int runSupervise(const QStringList &args);

} // namespace gantry::cli
