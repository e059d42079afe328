#include "core/secrets/KeychainAccess.h"

#include "core/common/GantryModule.h"

namespace gantry {

KeychainAccess *keychainAccess(QString *error)
{
    return gantryModuleInstance<KeychainAccess>(QStringLiteral("libgantry_keychain.so"), GANTRY_MAKE_KEYCHAIN_ACCESS,
                                                error);
}

} // namespace gantry
