#pragma once

// Where a log line came from: the service's standard output or error, or Gantry itself (the
// supervisor's provisioning lines). A log file names it ("stdout", "stderr", "gantry").

#include <QString>

namespace gantry {

enum class LogSource { Stdout, Stderr, Gantry };

QString logSourceName(LogSource source);
// A name read back (from a log file, or dstack's log_source); anything else reads as stdout.
LogSource logSourceFromName(QStringView name);

} // namespace gantry
