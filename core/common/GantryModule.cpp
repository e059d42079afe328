#include "core/common/GantryModule.h"

#include <QCoreApplication>
#include <QLibrary>

namespace gantry {

QString gantryModuleDirectory()
{
    static const QString directory = QCoreApplication::applicationDirPath() + QStringLiteral("/../lib/gantry/");
    return directory;
}

QFunctionPointer gantryModuleSymbol(const QString &fileName, const char *symbol, QString *error)
{
    QLibrary module(gantryModuleDirectory() + fileName);
    // QLibrary does not unload on destruction: what resolve() loaded stays.
    const QFunctionPointer found = module.resolve(symbol);
    if (!found && error)
        *error = QStringLiteral("Gantry's module %1 cannot be loaded: %2; reinstalling Gantry puts it back")
                     .arg(fileName, module.errorString());
    return found;
}

} // namespace gantry
