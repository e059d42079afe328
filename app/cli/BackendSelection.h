#pragma once

// Which backend a verb talks to: `--backend local` (the default), or a dstack server's project
// with `--project NAME` (a project of ~/.dstack/config.yml) or `--backend dstack` (its default
// project). Declared once here; every verb that talks to a backend lists these options.

#include "core/backends/Backend.h"

#include <QCommandLineOption>
#include <QCommandLineParser>

#include <memory>

namespace gantry::cli {

struct BackendChoice {
    QString backend = QStringLiteral("local"); // as typed: checked by openBackend
    bool backendGiven = false;
    QString project; // empty: the dstack config's default project
    bool projectGiven = false;

    static BackendChoice from(const QCommandLineParser &arguments);
};

// --backend B and --project P, for a verb's declaration.
QList<QCommandLineOption> backendOptions();

// The chosen backend, connected (dstack: synchronised); nullptr with *error set when the
// choice is wrong or the server cannot be reached.
std::unique_ptr<gantry::Backend> openBackend(const BackendChoice &choice, QString *error);

} // namespace gantry::cli
