#include "core/backends/SavedServers.h"

#include <QSettings>

#include <memory>

namespace gantry::savedservers {

namespace {

const QString kArray = QStringLiteral("dstack/servers");
const QString kUrl = QStringLiteral("url");
const QString kProject = QStringLiteral("project");

// The GUI's settings file whatever program reads it (gantry, gantry-cli, a test): the GUI's
// organisation and application names, not this process's. (QSettings can be neither copied
// nor moved, hence the pointer.)
std::unique_ptr<QSettings> guiSettings()
{
    return std::make_unique<QSettings>(QSettings::NativeFormat, QSettings::UserScope, QStringLiteral("gantry"),
                                       QStringLiteral("gantry"));
}

void store(const QList<SavedServer> &servers)
{
    const auto file = guiSettings();
    QSettings &settings = *file;
    settings.remove(kArray);
    settings.beginWriteArray(kArray, int(servers.size()));
    for (int i = 0; i < servers.size(); ++i) {
        settings.setArrayIndex(i);
        settings.setValue(kUrl, servers.at(i).url);
        settings.setValue(kProject, servers.at(i).project);
    }
    settings.endArray();
}

} // namespace

QList<SavedServer> load()
{
    const auto file = guiSettings();
    QSettings &settings = *file;
    QList<SavedServer> servers;
    // Gantry 0.1 kept a list of "url#project" strings under the same key: read it once, and
    // write it back as the array.
    const QVariant legacy = settings.value(kArray);
    if (legacy.typeId() == QMetaType::QStringList || legacy.typeId() == QMetaType::QString) {
        for (const QString &entry : legacy.toStringList()) {
            const qsizetype hash = entry.lastIndexOf(QLatin1Char('#'));
            if (hash > 0)
                servers.append({entry.left(hash), entry.mid(hash + 1)});
        }
        store(servers);
        return servers;
    }
    const int n = settings.beginReadArray(kArray);
    for (int i = 0; i < n; ++i) {
        settings.setArrayIndex(i);
        const SavedServer server{settings.value(kUrl).toString(), settings.value(kProject).toString()};
        if (!server.url.isEmpty() && !server.project.isEmpty())
            servers.append(server);
    }
    settings.endArray();
    return servers;
}

void add(const SavedServer &server)
{
    QList<SavedServer> servers = load();
    if (servers.contains(server))
        return;
    servers.append(server);
    store(servers);
}

void remove(const SavedServer &server)
{
    QList<SavedServer> servers = load();
    if (servers.removeAll(server) > 0)
        store(servers);
}

} // namespace gantry::savedservers
