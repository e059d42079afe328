#include "common/StatePaths.h"

#include <QDir>
#include <QSaveFile>
#include <QStandardPaths>

namespace gantry {

QString stateDir()
{
    QString dir = qEnvironmentVariable("GANTRY_HOME");
    if (dir.isEmpty()) {
        QString data = qEnvironmentVariable("XDG_DATA_HOME");
        if (data.isEmpty())
            data = QDir::homePath() + QStringLiteral("/.local/share");
        dir = data + QStringLiteral("/gantry");
    }
    QDir().mkpath(dir);
    return QDir(dir).absolutePath();
}

QString runsDir()
{
    const QString dir = stateDir() + QStringLiteral("/runs");
    QDir().mkpath(dir);
    return dir;
}

QString chatDatabasePath()
{
    return stateDir() + QStringLiteral("/chat.sqlite");
}

QString writeFileAtomically(const QString &path, const QByteArray &data)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    if (file.write(data) != data.size() || !file.commit())
        return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    return {};
}

} // namespace gantry
