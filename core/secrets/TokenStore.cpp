#include "core/secrets/TokenStore.h"

#include "core/backends/dstack/DstackConfigFile.h"

#include <QPointer>

#include <qt6keychain/keychain.h>

namespace gantry {

namespace {

QString normalisedUrl(QString url)
{
    url = url.trimmed();
    while (url.endsWith(QLatin1Char('/')))
        url.chop(1);
    return url;
}

// "No keychain here" rather than "the keychain said no".
bool isUnavailable(QKeychain::Error error)
{
    return error == QKeychain::NoBackendAvailable || error == QKeychain::NotImplemented ||
           error == QKeychain::OtherError;
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
    auto *job = new QKeychain::WritePasswordJob(m_service, this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never a plain-text file of our own
    job->setKey(keyFor(serverUrl, project));
    job->setTextData(token);
    QPointer<QObject> guard(context);
    const QString key = keyFor(serverUrl, project);
    connect(
        job, &QKeychain::Job::finished, this,
        [this, guard, hasContext = context != nullptr, key, token, done](QKeychain::Job *j) {
            TokenResult r;
            if (j->error() == QKeychain::NoError) {
                m_available = true;
                m_sessionTokens.remove(key);
                r.ok = true;
                r.source = TokenResult::Source::Keychain;
            } else {
                // Keep it for this session whatever happened: never drop a token silently.
                m_sessionTokens.insert(key, token);
                r.source = TokenResult::Source::SessionMemory;
                if (isUnavailable(j->error())) {
                    m_available = false;
                    r.ok = true;
                    r.message = unavailableMessage(j->errorString());
                    Q_EMIT keychainUnavailable(r.message);
                } else {
                    r.message =
                        QStringLiteral(
                            "The keychain refused to store the token (%1); it is kept in memory for this session only.")
                            .arg(j->errorString());
                }
            }
            if ((!hasContext || guard) && done)
                done(r);
        });
    job->start();
}

void TokenStore::read(const QString &serverUrl, const QString &project, QObject *context, Callback done)
{
    auto *job = new QKeychain::ReadPasswordJob(m_service, this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(keyFor(serverUrl, project));
    QPointer<QObject> guard(context);
    connect(job, &QKeychain::Job::finished, this,
            [this, guard, hasContext = context != nullptr, serverUrl, project, done](QKeychain::Job *j) {
                TokenResult r;
                if (j->error() == QKeychain::NoError) {
                    m_available = true;
                    r.ok = true;
                    r.token = static_cast<QKeychain::ReadPasswordJob *>(j)->textData();
                    r.source = TokenResult::Source::Keychain;
                } else if (j->error() == QKeychain::EntryNotFound) {
                    r = fallbackRead(serverUrl, project, QString());
                } else if (isUnavailable(j->error())) {
                    m_available = false;
                    r = fallbackRead(serverUrl, project, j->errorString());
                    Q_EMIT keychainUnavailable(r.message);
                } else {
                    r = fallbackRead(serverUrl, project, QString());
                    r.ok = false;
                    r.message = QStringLiteral("The keychain refused to give the token (%1).").arg(j->errorString());
                }
                if ((!hasContext || guard) && done)
                    done(r);
            });
    job->start();
}

void TokenStore::remove(const QString &serverUrl, const QString &project, QObject *context, Callback done)
{
    const QString key = keyFor(serverUrl, project);
    m_sessionTokens.remove(key);
    auto *job = new QKeychain::DeletePasswordJob(m_service, this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    QPointer<QObject> guard(context);
    connect(job, &QKeychain::Job::finished, this,
            [this, guard, hasContext = context != nullptr, done](QKeychain::Job *j) {
                TokenResult r;
                r.ok = j->error() == QKeychain::NoError || j->error() == QKeychain::EntryNotFound ||
                       isUnavailable(j->error());
                if (isUnavailable(j->error())) {
                    m_available = false;
                    r.message = unavailableMessage(j->errorString());
                } else if (!r.ok) {
                    r.message = QStringLiteral("The keychain could not delete the token (%1).").arg(j->errorString());
                }
                if ((!hasContext || guard) && done)
                    done(r);
            });
    job->start();
}

} // namespace gantry
