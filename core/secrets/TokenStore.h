#pragma once

// dstack tokens in the OS keychain (Secret Service on Linux) through qtkeychain, keyed by
// server URL + project. Never in QSettings, never in logs. The keychain is a module loaded at
// the first read, write or removal (KeychainAccess.h), not at start.
//
// Without a keychain (no D-Bus session, no Secret Service: qtkeychain's NoBackendAvailable)
// the documented fallback is: a written token is kept in memory for this session only, and
// reads fall back to that, then to ~/.dstack/config.yml (where the dstack CLI already keeps
// the token in plain text). Every fallback is reported in TokenResult::message and through
// keychainUnavailable(); nothing crashes and no token is dropped silently.

#include "core/secrets/KeychainAccess.h"

#include <QHash>
#include <QObject>
#include <QString>

#include <functional>

namespace gantry {

struct TokenResult {
    enum class Source { Keychain, SessionMemory, DstackConfig, None };
    bool ok = false; // the operation did what was asked (maybe through the fallback)
    QString token; // read(): the token; empty when none is stored
    Source source = Source::None;
    QString message; // what went wrong or which fallback was used; empty when all is well
};

class TokenStore : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const TokenResult &)>;

    explicit TokenStore(QObject *parent = nullptr);

    // The keychain service name ("gantry"); tests use their own.
    void setServiceName(const QString &name) { m_service = name; }
    // Where the read fallback looks (default: DstackConfigFile::defaultPath()).
    void setDstackConfigPath(const QString &path) { m_configPath = path; }

    static QString keyFor(const QString &serverUrl, const QString &project);

    // All three answer once through the callback, on the event loop; context bounds its life.
    void write(const QString &serverUrl, const QString &project, const QString &token, QObject *context, Callback done);
    void read(const QString &serverUrl, const QString &project, QObject *context, Callback done);
    void remove(const QString &serverUrl, const QString &project, QObject *context, Callback done);

    bool keychainAvailable() const { return m_available; }

Q_SIGNALS:
    void keychainUnavailable(const QString &message);

private:
    QString unavailableMessage(const QString &why) const;
    TokenResult fallbackRead(const QString &serverUrl, const QString &project, const QString &why) const;
    // One keychain job through the module; without the module, answered Unavailable.
    void run(KeychainAccess::Operation operation, const QString &key, const QString &data,
             KeychainAccess::Callback done);

    QString m_service = QStringLiteral("gantry");
    QString m_configPath;
    QHash<QString, QString> m_sessionTokens; // fallback only
    bool m_available = true;
};

} // namespace gantry
