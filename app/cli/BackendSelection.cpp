#include "app/cli/BackendSelection.h"

#include "app/cli/DstackSelection.h"
#include "core/backends/BackendFactory.h"

namespace gantry::cli {

namespace {
const QString kBackend = QStringLiteral("backend");
const QString kProject = QStringLiteral("project");
} // namespace

QList<QCommandLineOption> backendOptions()
{
    return {QCommandLineOption(
                kBackend, QStringLiteral("local (the default) or dstack (the default project of ~/.dstack/config.yml)"),
                QStringLiteral("B")),
            QCommandLineOption(
                kProject, QStringLiteral("a dstack project of ~/.dstack/config.yml ($DSTACK_CONFIG_PATH overrides)"),
                QStringLiteral("P"))};
}

BackendChoice BackendChoice::from(const QCommandLineParser &arguments)
{
    BackendChoice choice;
    if (arguments.isSet(kBackend)) {
        choice.backend = arguments.value(kBackend);
        choice.backendGiven = true;
    }
    if (arguments.isSet(kProject)) {
        choice.project = arguments.value(kProject);
        choice.projectGiven = true;
    }
    return choice;
}

std::unique_ptr<gantry::Backend> openBackend(const BackendChoice &choice, QString *error)
{
    const std::optional<BackendKind> kind = backendKindFromName(choice.backend);
    if (!kind) {
        *error = QStringLiteral("unknown backend `%1` (known: local, dstack)").arg(choice.backend);
        return nullptr;
    }
    if (choice.projectGiven && choice.backendGiven && *kind == BackendKind::Local) {
        *error = QStringLiteral("--project selects a dstack project; it does not go with --backend local");
        return nullptr;
    }
    if (choice.projectGiven || *kind == BackendKind::Dstack)
        return connectDstackProject(choice.project, error);
    return gantry::createLocalBackend();
}

} // namespace gantry::cli
