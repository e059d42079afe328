#include "app/cli/RunModel.h"

#include <algorithm>

namespace gantry::cli {

std::optional<RunModel> findRunModel(Backend &backend, const QList<RunInfo> &runs, const QString &name, QString *error)
{
    const auto run = std::find_if(runs.begin(), runs.end(), [&](const RunInfo &r) { return r.name == name; });
    if (run == runs.end()) {
        *error = QStringLiteral("there is no run named '%1' (gantry-cli ps lists them)").arg(name);
        return std::nullopt;
    }
    if (isFinal(run->status)) {
        *error = QStringLiteral("run '%1' is %2; there is no model to talk to (start it again with gantry-cli apply)")
                     .arg(name, toString(run->status));
        return std::nullopt;
    }
    if (!run->model) {
        *error = QStringLiteral("run '%1' publishes no model (its configuration has no `model:`); give --url BASE_URL")
                     .arg(name);
        return std::nullopt;
    }
    return RunModel{*run->model, backend.modelToken(name), run->price, run->ready, run->status};
}

} // namespace gantry::cli
