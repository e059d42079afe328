#include "core/common/StatePaths.h"

#include <QDir>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>

namespace gantry {

namespace {

constexpr QFileDevice::Permissions kOwnerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
constexpr QFileDevice::Permissions kOwnerOnlyDir = kOwnerOnly | QFileDevice::ExeOwner;

} // namespace

QString makePrivateDir(const QString &path)
{
    const QFileInfo info(path);
    if (!info.isDir())
        QDir().mkpath(path);
    // Tokens in spec.json's environment, every conversation, editor backups: no other local
    // user may read them, whatever the umask. Also tightens a directory an older Gantry made 0755.
    // Only when the mode differs: even a chmod to the same mode is an attribute change that
    // wakes every watcher of the directory, and the local backend, which watches runs/, calls
    // this on each change — it used to wake itself again at once, forever.
    constexpr QFileDevice::Permissions kModeBits =
        QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner | QFileDevice::ReadGroup |
        QFileDevice::WriteGroup | QFileDevice::ExeGroup | QFileDevice::ReadOther | QFileDevice::WriteOther |
        QFileDevice::ExeOther;
    if (!info.isDir() || (info.permissions() & kModeBits) != kOwnerOnlyDir)
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

bool writeFileAtomically(const QString &path, const QByteArray &data, QString *error)
{
    QSaveFile file(path);
    auto fail = [&]() {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    };
    if (!file.open(QIODevice::WriteOnly))
        return fail();
    file.setPermissions(kOwnerOnly); // the temporary file, renamed over path below
    if (file.write(data) != data.size() || !file.commit())
        return fail();
    return true;
}

} // namespace gantry
