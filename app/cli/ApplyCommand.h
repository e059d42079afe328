#pragma once

#include <QStringList>

namespace gantry::cli {

// gantry-cli apply: see ApplyCommand.cpp for its options.
int runApply(const QStringList &args);

} // namespace gantry::cli
