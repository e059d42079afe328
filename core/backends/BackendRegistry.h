#pragma once

// The one owner of every backend of this process: this machine, every project of the dstack
// CLI's ~/.dstack/config.yml, and the dstack servers saved in Gantry (their tokens read from
// the keychain). The GUI and gantry-cli build their backends from the same registry, so a
// server saved in the GUI is a `gantry-cli --project` too. Views follow added()/removed().

#include "core/backends/Backend.h"
#include "core/backends/SavedServers.h"
#include "core/backends/dstack/DstackConfigFile.h"

#include <QHash>
#include <QObject>

#include <functional>
#include <memory>
#include <vector>

namespace gantry {

class TokenStore;

class BackendRegistry : public QObject
{
    Q_OBJECT
public:
    explicit BackendRegistry(QObject *parent = nullptr);
    ~BackendRegistry() override;

    // This machine, then one backend per project of ~/.dstack/config.yml ($DSTACK_CONFIG_PATH
    // overrides). A config file that cannot be read is reported in configError().
    void loadLocalAndDstackConfig();
    // The servers saved in Gantry that the config file does not already name; each is added
    // once its token is read from the keychain (tokens: where from; must outlive the reads).
    void loadSavedServers(TokenStore *tokens);

    // Takes ownership, emits added(); returns the backend for the caller's convenience.
    Backend *add(std::unique_ptr<Backend> backend);
    // A dstack project (from the config file, a saved server or the servers dialog): one
    // backend per URL + project; an existing one is returned instead of a second.
    Backend *addDstackProject(const DstackProject &project);
    // Emits removed(), then deletes the backend later (views may still hold it this turn).
    void remove(Backend *backend);

    QList<Backend *> backends() const;
    QString configError() const { return m_configError; }

    // A dstack project by name, for `gantry-cli --project NAME`: the config file's (its token
    // in hand), else a saved server's (its token read from the keychain, waited for).
    // Empty name: the config file's default project. nullopt with *error set when unknown.
    static std::optional<DstackProject> findProject(const QString &name, TokenStore *tokens, QString *error);

Q_SIGNALS:
    void added(gantry::Backend *backend);
    void removed(gantry::Backend *backend);

private:
    std::vector<std::unique_ptr<Backend>> m_backends;
    QHash<Backend *, SavedServer> m_dstackKeys; // url + project of each dstack backend
    QString m_configError;
};

} // namespace gantry
