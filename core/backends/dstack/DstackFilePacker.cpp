#include "core/backends/dstack/DstackFilePacker.h"

#include "core/backends/dstack/TarWriter.h"
#include "core/common/IgnoreRules.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <memory>

namespace gantry {

namespace {

QString expandHome(const QString &path)
{
    if (path == QLatin1String("~"))
        return QDir::homePath();
    if (path.startsWith(QLatin1String("~/")))
        return QDir::homePath() + path.mid(1);
    return path;
}

QString sizeText(qint64 bytes)
{
    if (bytes >= 1024 * 1024)
        return QStringLiteral("%1 MB").arg(bytes / (1024 * 1024));
    return QStringLiteral("%1 KB").arg(bytes / 1024);
}

struct Item {
    QString absolute;
    QStringList parts; // below the packed path; empty for the path itself
    struct stat st {
    };
};

class Packer
{
public:
    Packer(const QString &root, qint64 maxBytes)
        : m_root(root)
        , m_maxBytes(maxBytes)
        , m_ignore(root)
    {}

    DstackPackedFiles pack(const QString &tarPath);

private:
    bool collect();
    bool walk(const QString &folder, const QStringList &parts);
    bool write(TarWriter &tar, const Item &item);
    bool writeContent(TarWriter &tar, const QString &path);
    // Keeps the first reason; false, so that `return fail(…);` ends a step.
    bool fail(const QString &why)
    {
        if (m_error.isEmpty())
            m_error = QStringLiteral("Could not pack '%1' for upload: %2").arg(m_root, why);
        return false;
    }

    QString m_root;
    qint64 m_maxBytes;
    IgnoreTree m_ignore;
    std::vector<Item> m_items;
    std::map<std::pair<dev_t, ino_t>, QString> m_linked; // hard links: the first name of each inode
    QStringList m_members;
    QString m_error;
};

bool Packer::collect()
{
    Item root;
    root.absolute = m_root;
    if (::lstat(QFile::encodeName(m_root).constData(), &root.st) != 0)
        return fail(QStringLiteral("it does not exist"));
    m_items.push_back(root);
    if (S_ISDIR(root.st.st_mode) && !walk(m_root, {}))
        return false;
    // Path order, component by component (as dstack sorts its paths): "a/b" before "a-c".
    std::sort(m_items.begin(), m_items.end(), [](const Item &x, const Item &y) { return x.parts < y.parts; });
    return true;
}

bool Packer::walk(const QString &folder, const QStringList &parts)
{
    QDir dir(folder);
    if (!dir.isReadable()) {
        fail(QStringLiteral("the folder '%1' cannot be read").arg(folder));
        return false;
    }
    m_ignore.enter(folder);
    const QStringList names =
        dir.entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::NoSort);
    for (const QString &name : names) {
        Item item;
        item.absolute = folder + QLatin1Char('/') + name;
        item.parts = parts + QStringList{name};
        if (::lstat(QFile::encodeName(item.absolute).constData(), &item.st) != 0)
            continue; // gone meanwhile
        const bool isDir = S_ISDIR(item.st.st_mode);
        if (m_ignore.isIgnored(item.absolute, isDir))
            continue;
        m_items.push_back(item);
        if (isDir && !walk(item.absolute, item.parts))
            return false;
    }
    return true;
}

DstackPackedFiles Packer::pack(const QString &tarPath)
{
    DstackPackedFiles result;
    if (QFileInfo(m_root).fileName().isEmpty()) {
        result.error =
            QStringLiteral("Gantry does not pack the whole file system ('%1'); name a folder in `files`.").arg(m_root);
        return result;
    }
    if (!collect()) {
        result.error = m_error;
        return result;
    }
    std::unique_ptr<TarWriter> tar = makeTarWriter(&m_error);
    if (!tar) {
        result.error = m_error;
        return result;
    }
    if (!tar->open(tarPath)) {
        fail(tar->error());
        result.error = m_error;
        return result;
    }
    for (const Item &item : m_items) {
        if (!write(*tar, item)) {
            result.error = m_error;
            return result;
        }
    }
    if (!tar->close()) {
        fail(tar->error());
        result.error = m_error;
        return result;
    }
    tar.reset();
    QFile written(tarPath);
    if (!written.open(QIODevice::ReadOnly)) {
        fail(written.errorString());
        result.error = m_error;
        return result;
    }
    QCryptographicHash sha(QCryptographicHash::Sha256);
    sha.addData(&written);
    result.hash = QString::fromLatin1(sha.result().toHex());
    result.bytes = written.size();
    result.members = m_members;
    return result;
}

bool Packer::write(TarWriter &tar, const Item &item)
{
    const QString name = QFileInfo(m_root).fileName() +
                         (item.parts.isEmpty() ? QString() : QLatin1Char('/') + item.parts.join(QLatin1Char('/')));
    struct stat st = item.st;
    QString content = item.absolute; // what a regular file's bytes are read from
    QString symlink;
    if (S_ISLNK(st.st_mode)) {
        char buffer[4096];
        const ssize_t n = ::readlink(QFile::encodeName(item.absolute).constData(), buffer, sizeof buffer);
        if (n < 0 || n == ssize_t(sizeof buffer))
            return fail(QStringLiteral("the link '%1' cannot be read").arg(item.absolute));
        const QString written = QFile::decodeName(QByteArray(buffer, int(n)));
        const QString parent = QFileInfo(item.absolute).path();
        const QString pointsTo =
            QDir::cleanPath(QDir::isAbsolutePath(written) ? written : parent + QLatin1Char('/') + written);
        if (pointsTo == m_root || pointsTo.startsWith(m_root + QLatin1Char('/'))) {
            QString relative = QDir(parent).relativeFilePath(pointsTo);
            symlink = relative.isEmpty() ? QStringLiteral(".") : relative;
        } else {
            // Outside: what it finally points to, as a file (or an empty folder).
            const QString resolved = QFileInfo(item.absolute).canonicalFilePath();
            if (resolved.isEmpty() || ::stat(QFile::encodeName(resolved).constData(), &st) != 0)
                return fail(
                    QStringLiteral("the link '%1' points to '%2', which does not exist").arg(item.absolute, written));
            content = resolved;
        }
    }
    if (!S_ISLNK(st.st_mode) && !S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
        return true; // sockets, pipes, devices: nothing to carry to a container

    const QString member = S_ISDIR(st.st_mode) && symlink.isEmpty() ? name + QLatin1Char('/') : name;
    TarWriter::Kind kind = TarWriter::Kind::File;
    QString link;
    bool withContent = false;
    if (!symlink.isEmpty()) {
        kind = TarWriter::Kind::Symlink;
        link = symlink;
    } else if (S_ISDIR(st.st_mode)) {
        kind = TarWriter::Kind::Directory;
    } else {
        const auto inode = std::make_pair(st.st_dev, st.st_ino);
        const auto seen = m_linked.find(inode);
        if (st.st_nlink > 1 && seen != m_linked.end()) { // a second name of the same file: a hard link, as tar keeps it
            kind = TarWriter::Kind::HardLink;
            link = seen->second;
        } else {
            if (st.st_nlink > 1)
                m_linked.emplace(inode, name);
            withContent = true;
            const qint64 after = tar.bytesWritten() + 1024 + qint64(st.st_size);
            if (after > m_maxBytes)
                return fail(
                    QStringLiteral("the archive would be larger than %1 (at '%2'), more than Gantry uploads in one "
                                   "archive. Leave large files out with a .gitignore or .dstackignore rule, or put "
                                   "them in the image or a volume.")
                        .arg(sizeText(m_maxBytes), item.absolute));
        }
    }
    if (!tar.header(st, member, kind, link))
        return fail(tar.error());
    if (withContent && !writeContent(tar, content))
        return false;
    m_members << member;
    return true;
}

bool Packer::writeContent(TarWriter &tar, const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("'%1' cannot be read: %2").arg(path, file.errorString()));
    QByteArray buffer(64 * 1024, Qt::Uninitialized);
    while (true) {
        const qint64 n = file.read(buffer.data(), buffer.size());
        if (n < 0)
            return fail(QStringLiteral("'%1' cannot be read: %2").arg(path, file.errorString()));
        if (n == 0)
            return true;
        if (!tar.data(buffer.constData(), n))
            return fail(tar.error());
    }
}

} // namespace

std::optional<std::vector<DstackFileMapping>> dstackFileMappings(const Configuration &configuration, QString *error)
{
    std::vector<DstackFileMapping> out;
    // The configuration's folder, resolved (as dstack's Path.resolve().parent); the file itself
    // need not be saved yet.
    QString base;
    if (!configuration.filePath.isEmpty()) {
        const QString folder = QFileInfo(configuration.filePath).absolutePath();
        const QString canonical = QDir(folder).canonicalPath();
        base = canonical.isEmpty() ? QDir::cleanPath(folder) : canonical;
    }
    for (const FileMapping &mapping : configuration.files) {
        QString local = expandHome(mapping.localPath);
        const QString where =
            QStringLiteral("%1:%2:%3: ").arg(configuration.filePath).arg(mapping.line).arg(mapping.column);
        if (!QDir::isAbsolutePath(local)) {
            if (base.isEmpty()) {
                if (error)
                    *error = where + QStringLiteral(
                                         "Path '%1' in `files` is relative, and this configuration has no file to be "
                                         "relative to: save it first, or give an absolute path.")
                                         .arg(local);
                return std::nullopt;
            }
            local = base + QLatin1Char('/') + local;
        }
        local = QDir::cleanPath(local);
        if (!QFileInfo::exists(local) && !QFileInfo(local).isSymLink()) {
            if (error)
                *error = where + QStringLiteral("Path '%1' specified in `files` does not exist").arg(local);
            return std::nullopt;
        }
        out.push_back({local, mapping.path});
    }
    return out;
}

DstackPackedFiles packDstackFiles(const QString &localPath, const QString &tarPath, qint64 maxBytes)
{
    return Packer(QDir::cleanPath(localPath), maxBytes).pack(tarPath);
}

} // namespace gantry
