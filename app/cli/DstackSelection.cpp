#include "DstackSelection.h"

#include "backends/BackendFactory.h"
#include "backends/dstack/DstackBackend.h"
#include "backends/dstack/DstackConfigFile.h"

#include <QEventLoop>
#include <QStringList>
#include <QTimer>

namespace gantry::cli {

std::unique_ptr<gantry::Backend> connectDstackProject(const QString &projectName, QString *error)
{
    const DstackConfigFile config = DstackConfigFile::load();
    if (!config.error.isEmpty()) {
        *error = config.error;
        return nullptr;
    }
    const auto project = config.find(projectName);
    if (!project) {
        QStringList known;
        for (const DstackProject &p : config.projects)
            known << p.name;
        *error = projectName.isEmpty()
                     ? QStringLiteral("no default dstack project in %1 (add one with `dstack project add`, or pass --project NAME)").arg(config.path)
                     : QStringLiteral("no dstack project `%1` in %2 (known: %3)")
                           .arg(projectName, config.path, known.isEmpty() ? QStringLiteral("none") : known.join(QStringLiteral(", ")));
        return nullptr;
    }
    std::unique_ptr<Backend> backend = createDstackBackend(*project);
    auto *dstack = qobject_cast<DstackBackend *>(backend.get());
    QEventLoop loop;
    QString lost;
    QObject::connect(dstack, &DstackBackend::synchronized, &loop, &QEventLoop::quit);
    QObject::connect(dstack, &Backend::connectionChanged, &loop, [&](bool connected, const QString &message) {
        if (!connected)
            lost = message;
    });
    QTimer::singleShot(60000, &loop, &QEventLoop::quit);
    dstack->synchronize();
    loop.exec();
    if (!lost.isEmpty() || !dstack->isConnected() || !dstack->lastError().isEmpty()) {
        *error = !dstack->lastError().isEmpty() ? dstack->lastError()
                 : !lost.isEmpty()              ? lost
                                                : QStringLiteral("the dstack server at %1 did not answer").arg(project->url);
        return nullptr;
    }
    return backend;
}

} // namespace gantry::cli
