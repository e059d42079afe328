#pragma once

#include <QStringList>

namespace gantry::cli {

// gantry-cli logs: see LogsCommand.cpp for its options.
int runLogs(const QStringList &args);

} // namespace gantry::cli
