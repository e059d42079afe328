#pragma once

#include <QStringList>

namespace gantry::cli {

// gantry-cli ps: see PsCommand.cpp for its options.
int runPs(const QStringList &args);

} // namespace gantry::cli
