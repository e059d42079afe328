#include "app/cli/DstackSelection.h"

#include "core/backends/BackendFactory.h"
#include "core/backends/BackendRegistry.h"
#include "core/secrets/TokenStore.h"

#include <QEventLoop>
#include <QTimer>

namespace gantry::cli {

std::unique_ptr<gantry::Backend> connectDstackProject(const QString &projectName, QString *error)
{
    TokenStore tokens;
    const auto project = BackendRegistry::findProject(projectName, &tokens, error);
    if (!project)
        return nullptr;
    std::unique_ptr<Backend> backend = createDstackBackend(*project);
    QEventLoop loop;
    QString lost;
    QObject::connect(backend.get(), &Backend::synchronized, &loop, &QEventLoop::quit);
    QObject::connect(backend.get(), &Backend::connectionChanged, &loop, [&](bool connected, const QString &message) {
        if (!connected)
            lost = message;
    });
    QTimer::singleShot(60000, &loop, &QEventLoop::quit);
    backend->synchronize();
    loop.exec();
    if (!lost.isEmpty() || !backend->isConnected() || !backend->lastError().isEmpty()) {
        *error = !backend->lastError().isEmpty() ? backend->lastError()
                 : !lost.isEmpty()               ? lost
                                   : QStringLiteral("the dstack server at %1 did not answer").arg(project->url);
        return nullptr;
    }
    return backend;
}

} // namespace gantry::cli
