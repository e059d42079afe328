#pragma once

#include <QString>

namespace gantry {

// dstack's run statuses (docs/reference/dstack-configuration.md#run-statuses). Final: Terminated, Failed, Done.
enum class RunStatus { Pending, Submitted, Provisioning, Running, Terminating, Terminated, Failed, Done };

QString toString(RunStatus status); // "running", …
RunStatus runStatusFromString(const QString &text); // unknown → Pending
bool isFinal(RunStatus status);

} // namespace gantry
