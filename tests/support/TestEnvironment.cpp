#include "tests/support/TestEnvironment.h"

#include <QDir>
#include <QFile>
#include <QTest>

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
    const QByteArray text = maps.open(QIODevice::ReadOnly) ? maps.readAll() : QByteArray();
    // An unread map holds no library, so every "is not mapped" check after it would pass: the
    // test fails here instead.
    if (text.isEmpty())
        QTest::qFail(qPrintable(QStringLiteral("cannot read %1: %2").arg(maps.fileName(), maps.errorString())),
                     __FILE__, __LINE__);
    return text;
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
