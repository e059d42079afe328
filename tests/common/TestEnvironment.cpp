#include "TestEnvironment.h"

#include <QDir>

namespace gantry::test {

QString sourceDir()
{
    return qEnvironmentVariable("GANTRY_SOURCE_DIR", QStringLiteral(GANTRY_TEST_SOURCE_DIR));
}

QString cliPath()
{
    return qEnvironmentVariable("GANTRY_CLI");
}

QString dataPath(const QString &relative)
{
    return sourceDir() + QStringLiteral("/tests/data/") + relative;
}

QString freshDir(const QString &name)
{
    const QString home = qEnvironmentVariable("GANTRY_HOME", QDir::tempPath() + QStringLiteral("/gantry-test"));
    QDir dir(home + QStringLiteral("/cases/") + name);
    dir.removeRecursively();
    dir.mkpath(QStringLiteral("."));
    return dir.absolutePath();
}

} // namespace gantry::test
