#include "core/backends/dstack/TarWriter.h"

#include "core/common/GantryModule.h"

namespace gantry {

std::unique_ptr<TarWriter> makeTarWriter(QString *error)
{
    const auto make = reinterpret_cast<GantryMakeTarWriter>(
        gantryModuleSymbol(QStringLiteral("libgantry_archive.so"), GANTRY_MAKE_TAR_WRITER, error));
    return std::unique_ptr<TarWriter>(make ? make() : nullptr);
}

} // namespace gantry
