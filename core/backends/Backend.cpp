#include "core/backends/Backend.h"

namespace gantry {

QString backendKindName(BackendKind kind)
{
    return kind == BackendKind::Dstack ? QStringLiteral("dstack") : QStringLiteral("local");
}

std::optional<BackendKind> backendKindFromName(const QString &name)
{
    for (const BackendKind kind : {BackendKind::Local, BackendKind::Dstack})
        if (name == backendKindName(kind))
            return kind;
    return std::nullopt;
}

} // namespace gantry
