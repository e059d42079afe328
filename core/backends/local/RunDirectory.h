#pragma once

// One local run on disk: runsDir()/<name>/ holds
//   spec.json        what to run (resolved commands, env, port, GPUs, probes, pinned offer,
//                    the configuration's canonical JSON) — written once by apply
//   status.json      RunInfo + the supervisor's pid/pgid — replaced atomically on every change
//   log              the LogStore file (stdout/stderr/gantry lines with timestamps)
//   supervisor.pid   written by the supervisor when it starts
//   supervisor.out   the supervisor's own stdout/stderr (crash traces)
//   supervisor.lock  flock'ed by the supervisor for its whole life: held ⇔ the supervisor lives
//   stop             a stop request ("stop" or "abort"), written by any process
// Any process can read a run from these files alone: that is what makes reattach work.

#include "core/config/Configuration.h"
#include "core/offers/Offer.h"
#include "core/runs/RunInfo.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <optional>
#include <utility>
#include <vector>

namespace gantry {

struct LocalRunSpec {
    QString runName;
    QString runId; // uuid, DSTACK_RUN_ID
    QString jobId; // uuid, DSTACK_JOB_ID
    QString typeName = QStringLiteral("service");
    QString configurationPath;
    QString workingDir; // the project folder; commands run here
    QString shell = QStringLiteral("/bin/bash");
    QStringList commands;
    // KEY=VALUE as written in the configuration; a value-less entry (nullopt) is recorded by
    // key only and its value comes from the supervisor's inherited environment, so that a
    // secret such as HF_TOKEN never lands on disk.
    std::vector<std::pair<QString, std::optional<QString>>> env;
    std::optional<int> port; // the port the service listens on
    QList<int> gpuIndexes; // devices given to the run (CUDA_VISIBLE_DEVICES)
    std::vector<ProbeSpec> probes; // empty with a port: TCP connect decides readiness
    std::optional<ModelSpec> model;
    QString image; // set: run in a container through containerEngine
    QString containerEngine;
    int stopGraceSec = 10; // `stop_duration` when set (seconds; "off" = 0: SIGKILL at once)
    std::optional<int> maxDurationSec; // `max_duration`: stop the run after this long running
    Offer offer;
    nlohmann::json configuration; // canonical JSON, as dstack stores it

    nlohmann::json toJson() const;
    static std::optional<LocalRunSpec> fromJson(const nlohmann::json &j, QString *error);
};

// What only the local backend needs besides RunInfo, kept in status.json under "local".
struct LocalRunState {
    qint64 supervisorPid = 0;
    quint64 supervisorStartTime = 0; // /proc/<pid>/stat field 22: with the boot id, who the pid was
    qint64 processGroup = 0; // the service's process group (= its leader's pid)
    quint64 processGroupStartTime = 0;
    QByteArray bootId; // the boot these pids belong to
    QList<int> gpuIndexes;
    std::optional<int> port;
};

namespace runfiles {
QString directory(const QString &runName); // runsDir()/<name>
QString spec(const QString &runDir);
QString status(const QString &runDir);
QString log(const QString &runDir);
QString supervisorPid(const QString &runDir);
QString supervisorOutput(const QString &runDir);
QString stopRequest(const QString &runDir);
QString supervisorLock(const QString &runDir);
} // namespace runfiles

// Readers return nullopt (and say why) for missing or unreadable files; writers replace the
// file atomically and return false (and say why) when they cannot.
std::optional<LocalRunSpec> readRunSpec(const QString &runDir, QString *error = nullptr);
bool writeRunSpec(const QString &runDir, const LocalRunSpec &spec, QString *error);

std::optional<RunInfo> readRunStatus(const QString &runDir, LocalRunState *state = nullptr, QString *error = nullptr);
bool writeRunStatus(const QString &runDir, const RunInfo &info, const LocalRunState &state, QString *error);

// Appends a status event and sets the status (and its message) in one step.
void recordStatus(RunInfo &info, RunStatus status, const QString &message);

} // namespace gantry
