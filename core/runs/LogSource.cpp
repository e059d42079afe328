#include "core/runs/LogSource.h"

namespace gantry {

QString logSourceName(LogSource source)
{
    switch (source) {
    case LogSource::Stdout:
        return QStringLiteral("stdout");
    case LogSource::Stderr:
        return QStringLiteral("stderr");
    case LogSource::Gantry:
        return QStringLiteral("gantry");
    }
    return QStringLiteral("stdout");
}

LogSource logSourceFromName(QStringView name)
{
    if (name == QLatin1String("stderr"))
        return LogSource::Stderr;
    if (name == QLatin1String("gantry"))
        return LogSource::Gantry;
    return LogSource::Stdout;
}

} // namespace gantry
