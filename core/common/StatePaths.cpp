#include "core/common/StatePaths.h"

#include <QDir>
#include <QSaveFile>
#include <QStandardPaths>

namespace gantry {

namespace {

constexpr QFileDevice::Permissions kOwnerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
constexpr QFileDevice::Permissions kOwnerOnlyDir = kOwnerOnly | QFileDevice::ExeOwner;

} // namespace

QString makePrivateDir(const QString &path)
{
    QDir().mkpath(path);
    // Tokens in spec.json's environment, every conversation, editor backups: no other local
    // user may read them, whatever the umask. Also tightens a directory an older Gantry made 0755.
    QFile::setPermissions(path, kOwnerOnlyDir);
    return path;
}

void makePrivateFile(const QString &path)
{
    QFile::setPermissions(path, kOwnerOnly);
}

QString stateDir()
{
    QString dir = qEnvironmentVariable("GANTRY_HOME");
    if (dir.isEmpty()) {
        QString data = qEnvironmentVariable("XDG_DATA_HOME");
        if (data.isEmpty())
            data = QDir::homePath() + QStringLiteral("/.local/share");
        dir = data + QStringLiteral("/gantry");
    }
    return makePrivateDir(QDir(dir).absolutePath());
}

QString runsDir()
{
    return makePrivateDir(stateDir() + QStringLiteral("/runs"));
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
    file.setPermissions(kOwnerOnly); // the temporary file, renamed over path below
    if (file.write(data) != data.size() || !file.commit())
        return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    return {};
}

} // namespace gantry
