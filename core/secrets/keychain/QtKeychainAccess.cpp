// libgantry_keychain.so: the OS keychain through qtkeychain (see ../KeychainAccess.h).

#include "core/secrets/KeychainAccess.h"

#include <QPointer>

#include <qt6keychain/keychain.h>

namespace {

using gantry::KeychainAccess;

class QtKeychainAccess final : public KeychainAccess
{
public:
    void start(Operation operation, const QString &service, const QString &key, const QString &data, QObject *context,
               Callback done) override
    {
        QKeychain::Job *job = nullptr;
        switch (operation) {
        case Operation::Read:
            job = new QKeychain::ReadPasswordJob(service);
            break;
        case Operation::Write: {
            auto *write = new QKeychain::WritePasswordJob(service);
            write->setTextData(data);
            job = write;
            break;
        }
        case Operation::Remove:
            job = new QKeychain::DeletePasswordJob(service);
            break;
        }
        job->setAutoDelete(true);
        job->setInsecureFallback(false); // never a plain-text file of our own
        job->setKey(key);
        QPointer<QObject> guard(context);
        QObject::connect(job, &QKeychain::Job::finished, job,
                         [guard, hasContext = context != nullptr, operation, done](QKeychain::Job *j) {
                             if ((hasContext && !guard) || !done)
                                 return;
                             Answer a;
                             switch (j->error()) {
                             case QKeychain::NoError:
                                 a.outcome = Outcome::Done;
                                 if (operation == Operation::Read)
                                     a.text = static_cast<QKeychain::ReadPasswordJob *>(j)->textData();
                                 break;
                             case QKeychain::EntryNotFound:
                                 a.outcome = Outcome::NotFound;
                                 break;
                             // "No keychain here" rather than "the keychain said no".
                             case QKeychain::NoBackendAvailable:
                             case QKeychain::NotImplemented:
                             case QKeychain::OtherError:
                                 a.outcome = Outcome::Unavailable;
                                 break;
                             default:
                                 a.outcome = Outcome::Refused;
                                 break;
                             }
                             if (a.outcome != Outcome::Done)
                                 a.error = j->errorString();
                             done(a);
                         });
        job->start();
    }
};

} // namespace

extern "C" Q_DECL_EXPORT gantry::KeychainAccess *gantry_make_keychain_access()
{
    static QtKeychainAccess access;
    return &access;
}
