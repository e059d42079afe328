#pragma once

// The contract between TokenStore (in gantry_core) and the OS keychain, which lives in a module
// of its own (keychain/, libgantry_keychain.so, over qtkeychain) loaded the first time a token
// is read, written or removed. qtkeychain brings QtDBus, libdbus and, when it asks, libsecret,
// gio and gobject: ~2.5 MB resident and ~20 libraries that a start which needs no token does
// not load (issue 14).

#include <QString>

#include <functional>

class QObject;

namespace gantry {

class KeychainAccess
{
public:
    enum class Operation { Read, Write, Remove };
    enum class Outcome {
        Done, // read: text holds the secret
        NotFound, // no such entry
        Unavailable, // no keychain here (no D-Bus session, no Secret Service, no backend)
        Refused, // the keychain answered with an error
    };
    struct Answer {
        Outcome outcome = Outcome::Unavailable;
        QString text; // the secret a read found
        QString error; // the keychain's words when not Done
    };
    using Callback = std::function<void(const Answer &)>;

    virtual ~KeychainAccess() = default;
    // One job; done runs once, on the event loop, through context (not at all once context is
    // gone). data is the secret to write; ignored otherwise.
    virtual void start(Operation operation, const QString &service, const QString &key, const QString &data,
                       QObject *context, Callback done) = 0;
};

// The module, loaded once per process and kept; nullptr and *error in words when it cannot be
// loaded (a broken installation), which callers treat as "no keychain".
KeychainAccess *keychainAccess(QString *error);

} // namespace gantry

// The one symbol the module exports: the process's keychain access.
extern "C" {
using GantryMakeKeychainAccess = gantry::KeychainAccess *(*)();
}
#define GANTRY_MAKE_KEYCHAIN_ACCESS "gantry_make_keychain_access"
