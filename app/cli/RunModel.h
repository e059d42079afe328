#pragma once

// The model a run publishes, found by name among a backend's runs: one lookup, with one set of
// messages, for `gantry-cli chat RUN` and `gantry-cli chat --compare RUN…`.

#include "core/backends/Backend.h"

#include <QList>
#include <QString>

#include <optional>

namespace gantry::cli {

struct RunModel {
    ModelEndpoint endpoint;
    QString token; // the backend's bearer token for it; never printed
    double pricePerHour = 0;
    bool ready = false; // false: it may not answer yet
    RunStatus status = RunStatus::Pending;
};

// RUN among `runs` (from `backend->runs()`); nullopt with *error when there is no such run, it
// has ended, or it publishes no model.
std::optional<RunModel> findRunModel(Backend &backend, const QList<RunInfo> &runs, const QString &name, QString *error);

} // namespace gantry::cli
