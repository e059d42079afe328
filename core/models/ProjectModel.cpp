#include "core/models/ProjectModel.h"

#include <QDir>
#include <QFileInfo>

namespace gantry {

ProjectModel::ProjectModel(QObject *parent)
    : QAbstractListModel(parent)
{
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, &ProjectModel::rescan);
}

bool ProjectModel::isConfigurationFile(const QString &fileName)
{
    return fileName.endsWith(QLatin1String(".dstack.yml")) || fileName.endsWith(QLatin1String(".dstack.yaml")) ||
           fileName == QLatin1String(".dstack.yml") || fileName == QLatin1String(".dstack.yaml");
}

void ProjectModel::setRoot(const QString &directory)
{
    if (!m_watcher.directories().isEmpty())
        m_watcher.removePaths(m_watcher.directories());
    m_root = directory.isEmpty() ? QString() : QDir(directory).absolutePath();
    if (!m_root.isEmpty())
        m_watcher.addPath(m_root);
    rescan();
}

void ProjectModel::rescan()
{
    QStringList found;
    if (!m_root.isEmpty()) {
        const QDir root(m_root);
        const auto filters = QDir::Files | QDir::Hidden;
        for (const QString &name : root.entryList(filters, QDir::Name))
            if (isConfigurationFile(name))
                found << root.filePath(name);
        for (const QString &sub : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
            const QDir dir(root.filePath(sub));
            for (const QString &name : dir.entryList(filters, QDir::Name))
                if (isConfigurationFile(name))
                    found << dir.filePath(name);
        }
    }
    if (found == m_paths)
        return;
    beginResetModel();
    m_paths = found;
    endResetModel();
}

int ProjectModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_paths.size());
}

QVariant ProjectModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QString &path = m_paths[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        return QDir(m_root).relativeFilePath(path);
    case Qt::ToolTipRole:
    case PathRole:
        return path;
    default:
        return {};
    }
}

} // namespace gantry
