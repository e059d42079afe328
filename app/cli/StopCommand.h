#pragma once

#include <QStringList>

namespace gantry::cli {

// gantry-cli stop: see StopCommand.cpp for its options.
int runStop(const QStringList &args);

} // namespace gantry::cli
