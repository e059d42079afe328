#include "BackendSelection.h"

#include "DstackSelection.h"
#include "backends/BackendFactory.h"

#include <optional>

namespace gantry::cli {

std::unique_ptr<gantry::Backend> selectBackend(QStringList &args, QString *error)
{
    QString backend = QStringLiteral("local");
    bool backendGiven = false;
    std::optional<QString> project;  // --project NAME selects the dstack backend
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &arg = args.at(i);
        if (arg == QLatin1String("--project")) {
            if (i + 1 >= args.size()) {
                *error = QStringLiteral("--project needs a dstack project name (from ~/.dstack/config.yml)");
                return nullptr;
            }
            project = args.at(i + 1);
            args.remove(i, 2);
            --i;
        } else if (arg.startsWith(QLatin1String("--project="))) {
            project = arg.mid(10);
            args.remove(i);
            --i;
        } else if (arg == QLatin1String("--backend")) {
            if (i + 1 >= args.size()) {
                *error = QStringLiteral("--backend needs a value (local)");
                return nullptr;
            }
            backend = args.at(i + 1);
            backendGiven = true;
            args.remove(i, 2);
            --i;
        } else if (arg.startsWith(QLatin1String("--backend="))) {
            backend = arg.mid(10);
            backendGiven = true;
            args.remove(i);
            --i;
        }
    }
    if (project && backendGiven && backend == QLatin1String("local")) {
        *error = QStringLiteral("--project selects a dstack project; it does not go with --backend local");
        return nullptr;
    }
    if (project || backend == QLatin1String("dstack"))
        return connectDstackProject(project.value_or(QString()), error);
    if (backend == QLatin1String("local"))
        return gantry::createLocalBackend();
    *error = QStringLiteral("unknown backend `%1` (known: local, dstack)").arg(backend);
    return nullptr;
}

} // namespace gantry::cli
