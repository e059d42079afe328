#include "core/backends/BackendRegistry.h"

#include "core/backends/BackendFactory.h"
#include "core/secrets/TokenStore.h"

#include <QEventLoop>
#include <QTimer>

namespace gantry {

BackendRegistry::BackendRegistry(QObject *parent)
    : QObject(parent)
{}

BackendRegistry::~BackendRegistry() = default;

void BackendRegistry::loadLocalAndDstackConfig()
{
    add(createLocalBackend());
    const DstackConfigFile config = DstackConfigFile::load();
    m_configError = config.error;
    for (const DstackProject &project : config.projects)
        addDstackProject(project);
}

void BackendRegistry::loadSavedServers(TokenStore *tokens)
{
    const DstackConfigFile config = DstackConfigFile::load();
    for (const SavedServer &server : savedservers::load()) {
        if (config.find(server.url, server.project))
            continue; // already connected from ~/.dstack/config.yml: one backend per project
        tokens->read(server.url, server.project, this, [this, server](const TokenResult &result) {
            addDstackProject({server.project, server.url, result.token, false});
        });
    }
}

Backend *BackendRegistry::add(std::unique_ptr<Backend> backend)
{
    Backend *raw = backend.get();
    raw->setParent(nullptr); // owned here, not by a QObject parent
    m_backends.push_back(std::move(backend));
    Q_EMIT added(raw);
    raw->refresh();
    return raw;
}

Backend *BackendRegistry::addDstackProject(const DstackProject &project)
{
    const SavedServer key{project.url, project.name};
    for (auto it = m_dstackKeys.cbegin(); it != m_dstackKeys.cend(); ++it) {
        if (it.value() == key)
            return it.key();
    }
    Backend *backend = add(createDstackBackend(project));
    m_dstackKeys.insert(backend, key);
    return backend;
}

void BackendRegistry::remove(Backend *backend)
{
    const auto it =
        std::find_if(m_backends.begin(), m_backends.end(), [backend](const auto &b) { return b.get() == backend; });
    if (it == m_backends.end())
        return;
    Q_EMIT removed(backend);
    m_dstackKeys.remove(backend);
    it->release()->deleteLater();
    m_backends.erase(it);
}

QList<Backend *> BackendRegistry::backends() const
{
    QList<Backend *> list;
    for (const auto &b : m_backends)
        list << b.get();
    return list;
}

std::optional<DstackProject> BackendRegistry::findProject(const QString &name, TokenStore *tokens, QString *error)
{
    const DstackConfigFile config = DstackConfigFile::load();
    if (!config.error.isEmpty()) {
        *error = config.error;
        return std::nullopt;
    }
    if (const auto project = config.find(name))
        return project;
    QStringList known;
    for (const DstackProject &p : config.projects)
        known << p.name;
    for (const SavedServer &server : savedservers::load()) {
        known << server.project;
        if (name.isEmpty() || server.project != name)
            continue;
        DstackProject project{server.project, server.url, {}, false};
        QEventLoop wait;
        bool read = false;
        tokens->read(server.url, server.project, &wait, [&](const TokenResult &result) {
            project.token = result.token;
            read = true;
            wait.quit();
        });
        QTimer::singleShot(30000, &wait, &QEventLoop::quit); // a keychain that never answers
        if (!read)
            wait.exec();
        return project;
    }
    known.removeDuplicates();
    *error =
        name.isEmpty()
            ? QStringLiteral(
                  "no default dstack project in %1 (add one with `dstack project add`, or pass --project NAME)")
                  .arg(config.path)
            : QStringLiteral("no dstack project `%1` in %2 or among the servers saved in Gantry (known: %3)")
                  .arg(name, config.path, known.isEmpty() ? QStringLiteral("none") : known.join(QStringLiteral(", ")));
    return std::nullopt;
}

} // namespace gantry
