#pragma once

// Helpers for the local backend suites: configurations built in code, free ports, waiting
// for a run's status, and looking at a run's process group in /proc.

#include "core/backends/Backend.h"
#include "core/backends/local/ProcessGroup.h"
#include "core/backends/local/RunDirectory.h"
#include "core/runs/LogStore.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <optional>

namespace gantry::test {

inline int freeTcpPort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    return server.serverPort();
}

inline Configuration commandsConfiguration(const QString &projectDir, RunType type, const QStringList &commands,
                                           std::optional<int> port = std::nullopt)
{
    Configuration c;
    c.type = type;
    c.typeName = type == RunType::Service ? QStringLiteral("service") : QStringLiteral("task");
    c.filePath = projectDir + QStringLiteral("/.dstack.yml");
    c.commands = commands;
    c.containerPort = port;
    c.resources.cpuCount = {1, std::nullopt};
    c.resources.memoryGb = {0.5, std::nullopt};
    c.resources.diskGb = Range<double>{0.1, std::nullopt};
    c.canonical = {{"type", c.typeName.toStdString()}};
    return c;
}

inline std::optional<RunInfo> findRun(Backend &backend, const QString &name)
{
    backend.refresh();
    for (const RunInfo &run : backend.runs())
        if (run.name == name)
            return run;
    return std::nullopt;
}

inline RunStatus statusOf(Backend &backend, const QString &name)
{
    const auto run = findRun(backend, name);
    return run ? run->status : RunStatus::Pending;
}

inline bool readyOf(Backend &backend, const QString &name)
{
    const auto run = findRun(backend, name);
    return run && run->ready;
}

inline qint64 processGroupOf(const QString &name)
{
    LocalRunState state;
    readRunStatus(runfiles::directory(name), &state);
    return state.processGroup;
}

inline qint64 supervisorPidOf(const QString &name)
{
    LocalRunState state;
    readRunStatus(runfiles::directory(name), &state);
    return state.supervisorPid;
}

inline bool logContains(Backend &backend, const QString &name, const QString &text)
{
    LogStore *log = backend.logStore(name);
    if (!log)
        return false;
    log->refresh();
    return log->find(text, 0) >= 0;
}

// plan → first offer → apply; returns the run name (empty and *error on failure).
inline QString planAndApply(Backend &backend, const Configuration &configuration, QString *error,
                            Plan *planOut = nullptr)
{
    QSignalSpy planned(&backend, &Backend::planFinished);
    backend.plan(configuration);
    if (!planned.wait(30000)) {
        *error = QStringLiteral("no plan");
        return {};
    }
    const Plan plan = planned.first().at(1).value<Plan>();
    if (planOut)
        *planOut = plan;
    if (plan.offers.isEmpty()) {
        *error = QStringLiteral("no offers: ") + plan.noOffersReason + plan.error;
        return {};
    }
    QSignalSpy applied(&backend, &Backend::applyFinished);
    backend.apply(configuration, plan.offers.first());
    if (!applied.wait(30000)) {
        *error = QStringLiteral("apply did not finish");
        return {};
    }
    *error = applied.first().at(2).toString();
    return applied.first().at(1).toString();
}

} // namespace gantry::test
