#include "backends/BackendFactory.h"

#include "backends/local/LocalBackend.h"

namespace gantry {

std::unique_ptr<Backend> createLocalBackend(QObject *parent)
{
    return std::make_unique<LocalBackend>(parent);
}

} // namespace gantry
