#include "tests/support/TestEnvironment.h"

#include <QDir>
#include <QFile>

namespace gantry::test {

QString sourceDir()
{
    return QStringLiteral(GANTRY_TEST_SOURCE_DIR);
}

QString binaryDir()
{
    return QStringLiteral(GANTRY_TEST_BINARY_DIR);
}

QString cliPath()
{
    return QStringLiteral(GANTRY_TEST_CLI);
}

QString guiPath()
{
    return QStringLiteral(GANTRY_TEST_GUI);
}

QString dataPath(const QString &relative)
{
    return sourceDir() + QStringLiteral("/tests/data/") + relative;
}

QByteArray memoryMap(qint64 pid)
{
    QFile maps(pid > 0 ? QStringLiteral("/proc/%1/maps").arg(pid) : QStringLiteral("/proc/self/maps"));
    return maps.open(QIODevice::ReadOnly) ? maps.readAll() : QByteArray();
}

QString freshDir(const QString &name)
{
    QDir dir(QDir::homePath() + QStringLiteral("/cases/") + name);
    dir.removeRecursively();
    dir.mkpath(QStringLiteral("."));
    return dir.absolutePath();
}

bool underCi()
{
    return qEnvironmentVariable("CI") == QLatin1String("true");
}

} // namespace gantry::test
