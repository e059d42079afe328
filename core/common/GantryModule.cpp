#include "core/common/GantryModule.h"

#include <QCoreApplication>
#include <QLibrary>

namespace gantry {

QFunctionPointer gantryModuleSymbol(const QString &fileName, const char *symbol, QString *error)
{
    QLibrary module(QCoreApplication::applicationDirPath() + QStringLiteral("/../lib/gantry/") + fileName);
    // QLibrary does not unload on destruction: what resolve() loaded stays.
    const QFunctionPointer found = module.resolve(symbol);
    if (!found && error)
        *error = QStringLiteral("Gantry's module %1 cannot be loaded: %2; reinstalling Gantry puts it back")
                     .arg(fileName, module.errorString());
    return found;
}

} // namespace gantry
