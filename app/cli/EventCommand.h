#pragma once

#include <QStringList>

namespace gantry::cli {

// gantry-cli event: see EventCommand.cpp for its options.
int runEvent(const QStringList &args);

} // namespace gantry::cli
