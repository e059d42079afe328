#pragma once

// The local backend: this machine as the one offer, each run owned by a detached supervisor
// (`gantry-cli supervise`), all state in runsDir() so that any later GUI or CLI process sees
// the same runs, statuses and logs (reattach). runsChanged() is driven by a directory watcher
// and a one-second timer that also notices supervisors that vanished.

#include "core/backends/Backend.h"
#include "core/backends/local/HostProbe.h"
#include "core/backends/local/LocalPlanner.h"
#include "core/backends/local/RunDirectory.h"

#include <QHash>
#include <QMap>

#include <map>
#include <memory>
#include <optional>

class QFileSystemWatcher;
class QTimer;

namespace gantry {

class LocalBackend : public Backend
{
    Q_OBJECT
public:
    explicit LocalBackend(QObject *parent = nullptr);
    ~LocalBackend() override;

    BackendKind kind() const override { return BackendKind::Local; }
    QString displayName() const override;
    int plan(const Configuration &configuration) override;
    int apply(const Configuration &configuration, const Offer &offer) override;
    QList<RunInfo> runs() const override;
    void refresh() override;
    void stop(const QString &runName, bool abort) override;
    LogStore *logStore(const QString &runName) override;
    QList<MetricSample> metrics(const QString &runName) const override;

    // The executable started as `<program> supervise <run-dir>`: gantry-cli. Found as this
    // process (when it is gantry-cli), $GANTRY_CLI, gantry-cli next to this program, or PATH.
    static QString supervisorProgram();

    // Is something listening on this TCP port (any address) already? Empty when free,
    // else a sentence naming the port.
    static QString portProblem(int port);

    // The run that currently holds each GPU index (for plans and GPU exclusivity).
    QMap<int, QString> heldGpus() const;

private:
    struct Metrics;
    void planWithProbe(const Configuration &configuration, bool forApply,
                       std::function<void(const LocalPlan &, const HostFacts &)> done);
    std::optional<QString> startRun(const Configuration &configuration, const LocalPlan &plan, const HostFacts &facts,
                                    QString *error);
    std::optional<QString> claimRunName(const Configuration &configuration, QString *error);
    static LocalRunSpec runSpec(const QString &name, const Configuration &configuration, const LocalPlan &plan,
                                const HostFacts &facts);
    bool launch(const LocalRunSpec &spec, const Configuration &configuration, const HostFacts &facts, QString *error);
    void markVanished(const QString &runDir, RunInfo &info, const LocalRunState &state, const QString &why);
    void sampleMetrics();
    void scheduleRefresh();
    // A watched directory changed: a run's own directory is re-read alone and at once (a run
    // becoming ready reaches the views in a file read, however many runs there are); the runs
    // directory itself (a run created or removed) means a full refresh.
    void onDirectoryChanged(const QString &path);
    bool refreshRun(const QString &runDir);

    int m_nextRequest = 1;
    QList<RunInfo> m_runs;
    QHash<QString, LocalRunState> m_states;
    std::map<QString, std::unique_ptr<LogStore>> m_logs;
    std::map<QString, std::unique_ptr<Metrics>> m_metrics;
    QFileSystemWatcher *m_watcher = nullptr;
    QTimer *m_refreshTimer = nullptr;
    QTimer *m_coalesce = nullptr; // quiet period after a refresh caused by a file change
    bool m_refreshPending = false; // a change arrived during that period
    QTimer *m_metricsTimer = nullptr;
    QTimer *m_logTimer = nullptr;
};

} // namespace gantry
