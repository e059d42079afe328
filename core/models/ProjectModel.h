#pragma once

// The project folder's run configurations (*.dstack.yml, *.dstack.yaml, .dstack.yml), found
// in the folder and one level of sub-folders, kept current as files come and go.

#include <QAbstractListModel>
#include <QFileSystemWatcher>
#include <QStringList>

namespace gantry {

class ProjectModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role { PathRole = Qt::UserRole }; // absolute file path

    explicit ProjectModel(QObject *parent = nullptr);

    void setRoot(const QString &directory); // empty: no project
    QString root() const { return m_root; }
    QStringList paths() const { return m_paths; }
    void rescan();

    static bool isConfigurationFile(const QString &fileName);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

private:
    QString m_root;
    QStringList m_paths;
    QFileSystemWatcher m_watcher;
};

} // namespace gantry
