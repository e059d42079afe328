#include "core/backends/BackendFactory.h"

#include "core/backends/dstack/DstackBackend.h"
#include "core/backends/local/LocalBackend.h"

namespace gantry {

std::unique_ptr<Backend> createLocalBackend(QObject *parent)
{
    return std::make_unique<LocalBackend>(parent);
}

std::unique_ptr<Backend> createDstackBackend(const DstackProject &project, QObject *parent)
{
    return std::make_unique<DstackBackend>(project, parent);
}

} // namespace gantry
