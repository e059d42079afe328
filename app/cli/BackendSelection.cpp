#include "BackendSelection.h"

#include "backends/BackendFactory.h"

namespace gantry::cli {

std::unique_ptr<gantry::Backend> selectBackend(QStringList &args, QString *error)
{
    QString backend = QStringLiteral("local");
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &arg = args.at(i);
        if (arg == QLatin1String("--backend")) {
            if (i + 1 >= args.size()) {
                *error = QStringLiteral("--backend needs a value (local)");
                return nullptr;
            }
            backend = args.at(i + 1);
            args.remove(i, 2);
            --i;
        } else if (arg.startsWith(QLatin1String("--backend="))) {
            backend = arg.mid(10);
            args.remove(i);
            --i;
        }
    }
    if (backend == QLatin1String("local"))
        return gantry::createLocalBackend();
    *error = QStringLiteral("unknown backend `%1` (known: local)").arg(backend);
    return nullptr;
}

} // namespace gantry::cli
