#include "core/secrets/KeychainAccess.h"

#include "core/common/GantryModule.h"

#include <QMutex>

namespace gantry {

KeychainAccess *keychainAccess(QString *error)
{
    static QMutex mutex;
    static KeychainAccess *access = nullptr;
    static QString problem;
    const QMutexLocker lock(&mutex);
    if (!access && problem.isEmpty()) {
        if (const auto make = reinterpret_cast<GantryMakeKeychainAccess>(
                gantryModuleSymbol(QStringLiteral("libgantry_keychain.so"), GANTRY_MAKE_KEYCHAIN_ACCESS, &problem)))
            access = make();
    }
    if (!access && error)
        *error = problem;
    return access;
}

} // namespace gantry
