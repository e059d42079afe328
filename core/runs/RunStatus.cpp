#include "core/runs/RunStatus.h"

#include <array>

namespace gantry {

namespace {
constexpr std::array<const char *, 8> kNames = {"pending",     "submitted",  "provisioning", "running",
                                                "terminating", "terminated", "failed",       "done"};
}

QString toString(RunStatus status)
{
    return QString::fromLatin1(kNames[static_cast<size_t>(status)]);
}

RunStatus runStatusFromString(const QString &text)
{
    for (size_t i = 0; i < kNames.size(); ++i) {
        if (text == QLatin1String(kNames[i]))
            return static_cast<RunStatus>(i);
    }
    return RunStatus::Pending;
}

bool isFinal(RunStatus status)
{
    return status == RunStatus::Terminated || status == RunStatus::Failed || status == RunStatus::Done;
}

} // namespace gantry
