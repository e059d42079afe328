#include "core/secrets/TokenStore.h"

#include "core/backends/dstack/DstackConfigFile.h"

#include <QPointer>

namespace gantry {

namespace {

QString normalisedUrl(QString url)
{
    url = url.trimmed();
    while (url.endsWith(QLatin1Char('/')))
        url.chop(1);
    return url;
}

} // namespace

TokenStore::TokenStore(QObject *parent)
    : QObject(parent)
    , m_configPath(DstackConfigFile::defaultPath())
{}

QString TokenStore::keyFor(const QString &serverUrl, const QString &project)
{
    return QStringLiteral("dstack:%1#%2").arg(normalisedUrl(serverUrl), project);
}

QString TokenStore::unavailableMessage(const QString &why) const
{
    return QStringLiteral(
               "No OS keychain is available (%1). The token is kept in memory for this session only and will be asked "
               "for again next time; a token in ~/.dstack/config.yml (kept there by the dstack CLI) is used when "
               "present. "
               "Start a Secret Service (e.g. gnome-keyring) to store it safely.")
        .arg(why);
}

TokenResult TokenStore::fallbackRead(const QString &serverUrl, const QString &project, const QString &why) const
{
    TokenResult r;
    r.ok = true;
    const QString key = keyFor(serverUrl, project);
    if (m_sessionTokens.contains(key)) {
        r.token = m_sessionTokens.value(key);
        r.source = TokenResult::Source::SessionMemory;
    } else if (const auto p = DstackConfigFile::load(m_configPath).find(serverUrl, project); p && !p->token.isEmpty()) {
        r.token = p->token;
        r.source = TokenResult::Source::DstackConfig;
    }
    if (!why.isEmpty())
        r.message = unavailableMessage(why);
    return r;
}

void TokenStore::write(const QString &serverUrl, const QString &project, const QString &token, QObject *context,
                       Callback done)
{
    const QString key = keyFor(serverUrl, project);
    QPointer<QObject> guard(context);
    run(KeychainAccess::Operation::Write, key, token,
        [this, guard, hasContext = context != nullptr, key, token, done](const KeychainAccess::Answer &a) {
            TokenResult r;
            if (a.outcome == KeychainAccess::Outcome::Done) {
                m_available = true;
                m_sessionTokens.remove(key);
                r.ok = true;
                r.source = TokenResult::Source::Keychain;
            } else {
                // Keep it for this session whatever happened: never drop a token silently.
                m_sessionTokens.insert(key, token);
                r.source = TokenResult::Source::SessionMemory;
                if (a.outcome == KeychainAccess::Outcome::Unavailable) {
                    m_available = false;
                    r.ok = true;
                    r.message = unavailableMessage(a.error);
                    Q_EMIT keychainUnavailable(r.message);
                } else {
                    r.message =
                        QStringLiteral(
                            "The keychain refused to store the token (%1); it is kept in memory for this session only.")
                            .arg(a.error);
                }
            }
            if ((!hasContext || guard) && done)
                done(r);
        });
}

void TokenStore::read(const QString &serverUrl, const QString &project, QObject *context, Callback done)
{
    QPointer<QObject> guard(context);
    run(KeychainAccess::Operation::Read, keyFor(serverUrl, project), QString(),
        [this, guard, hasContext = context != nullptr, serverUrl, project, done](const KeychainAccess::Answer &a) {
            TokenResult r;
            switch (a.outcome) {
            case KeychainAccess::Outcome::Done:
                m_available = true;
                r.ok = true;
                r.token = a.text;
                r.source = TokenResult::Source::Keychain;
                break;
            case KeychainAccess::Outcome::NotFound:
                r = fallbackRead(serverUrl, project, QString());
                break;
            case KeychainAccess::Outcome::Unavailable:
                m_available = false;
                r = fallbackRead(serverUrl, project, a.error);
                Q_EMIT keychainUnavailable(r.message);
                break;
            case KeychainAccess::Outcome::Refused:
                r = fallbackRead(serverUrl, project, QString());
                r.ok = false;
                r.message = QStringLiteral("The keychain refused to give the token (%1).").arg(a.error);
                break;
            }
            if ((!hasContext || guard) && done)
                done(r);
        });
}

void TokenStore::remove(const QString &serverUrl, const QString &project, QObject *context, Callback done)
{
    const QString key = keyFor(serverUrl, project);
    m_sessionTokens.remove(key);
    QPointer<QObject> guard(context);
    run(KeychainAccess::Operation::Remove, key, QString(),
        [this, guard, hasContext = context != nullptr, done](const KeychainAccess::Answer &a) {
            TokenResult r;
            r.ok = a.outcome != KeychainAccess::Outcome::Refused;
            if (a.outcome == KeychainAccess::Outcome::Unavailable) {
                m_available = false;
                r.message = unavailableMessage(a.error);
            } else if (!r.ok) {
                r.message = QStringLiteral("The keychain could not delete the token (%1).").arg(a.error);
            }
            if ((!hasContext || guard) && done)
                done(r);
        });
}

void TokenStore::run(KeychainAccess::Operation operation, const QString &key, const QString &data,
                     KeychainAccess::Callback done)
{
    QString problem;
    if (KeychainAccess *access = keychainAccess(&problem)) {
        access->start(operation, m_service, key, data, this, std::move(done));
        return;
    }
    // No module, no keychain: answered on the event loop like a job, with the reason.
    QMetaObject::invokeMethod(
        this,
        [done = std::move(done), problem] {
            KeychainAccess::Answer a;
            a.outcome = KeychainAccess::Outcome::Unavailable;
            a.error = problem;
            done(a);
        },
        Qt::QueuedConnection);
}

} // namespace gantry
