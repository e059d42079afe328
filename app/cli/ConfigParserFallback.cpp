// TEMPORARY: weak stand-ins for the configuration parser (branch `config`) so that gantry-cli
// links (and `gantry-cli supervise` works) before the parser lands on main. The parser's
// definitions are strong and win as soon as they are linked. Delete after merging it.

#include "config/ConfigParser.h"

#include <QDir>

namespace gantry {

__attribute__((weak)) ParseResult loadConfiguration(const QString &path)
{
    ParseResult result;
    result.diagnostics.append({path, 0, 0, Severity::Error, QStringLiteral("this gantry-cli was built without the configuration parser")});
    return result;
}

__attribute__((weak)) QString findConfiguration(const QString &directory)
{
    const QDir dir(directory);
    for (const char *name : {".dstack.yml", ".dstack.yaml"})
        if (dir.exists(QLatin1String(name)))
            return dir.filePath(QLatin1String(name));
    const QStringList found = dir.entryList({QStringLiteral("*.dstack.yml")}, QDir::Files, QDir::Name);
    return found.isEmpty() ? QString() : dir.filePath(found.first());
}

} // namespace gantry
