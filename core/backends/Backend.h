#pragma once

// The one provisioning interface. The local backend and the dstack backend implement it;
// the CLI and every GUI view talk to this and nothing else. All calls return at once and
// report through signals on the Qt event loop; no call blocks the caller's thread.

#include "core/config/Configuration.h"
#include "core/offers/Offer.h"
#include "core/runs/RunInfo.h"

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QString>

#include <optional>

namespace gantry {

class LogStore;

// Which provisioning engine a backend is; backendKindName() is what the CLI's --backend and
// the GUI show ("local", "dstack").
enum class BackendKind { Local, Dstack };
QString backendKindName(BackendKind kind);
std::optional<BackendKind> backendKindFromName(const QString &name);

// One sample of a run's resource use, for the run monitor's charts.
struct MetricSample {
    QDateTime at;
    double cpuPercent = 0; // 0..100, normalised over the CPUs the run has
    double memoryBytes = 0;
    double memoryTotalBytes = 0;
    QList<double> gpuUtilPercent; // per GPU
    QList<double> gpuMemoryBytes; // per GPU
    QList<double> gpuMemoryTotalBytes;
};

class Backend : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~Backend() override = default;

    virtual BackendKind kind() const = 0;
    virtual QString displayName() const = 0; // "This machine", "dstack: main @ http://…"

    // Plan: emits planFinished(requestId, plan) once; plan.error is set on failure.
    virtual int plan(const Configuration &configuration) = 0;

    // Deploy exactly this offer. Emits applyFinished(requestId, runName, error).
    virtual int apply(const Configuration &configuration, const Offer &offer) = 0;

    // Runs this backend knows (including ones started by an earlier process). refresh()
    // re-reads them and emits runsChanged() when anything changed.
    virtual QList<RunInfo> runs() const = 0;
    virtual void refresh() = 0;

    // Graceful stop (abort=false) or kill at once (abort=true). Emits runsChanged as it progresses.
    virtual void stop(const QString &runName, bool abort) = 0;

    // The run's log store, owned by the backend (nullptr for an unknown run).
    virtual LogStore *logStore(const QString &runName) = 0;

    // The run's provisioning log: what happened before the service's own output (dstack: the
    // runner's diagnostic log). nullptr when the backend keeps no separate one; for local runs
    // the supervisor's own lines (source "gantry") in logStore() are the provisioning log.
    virtual LogStore *provisioningLogStore(const QString &runName)
    {
        Q_UNUSED(runName);
        return nullptr;
    }

    // Latest metric samples (newest last); may be empty.
    virtual QList<MetricSample> metrics(const QString &runName) const
    {
        Q_UNUSED(runName);
        return {};
    }

    // One job's log and metrics (RunInfo::jobs: a service's replica, a multi-node task's node).
    // The run's first job is what logStore()/metrics() show; a backend with one job per run
    // has nothing else. A job's log is fetched once asked for; metricsUpdated(run) says when
    // its metrics changed.
    virtual LogStore *jobLogStore(const QString &runName, const RunJob &job)
    {
        return job.replica == 0 && job.job == 0 ? logStore(runName) : nullptr;
    }
    virtual QList<MetricSample> jobMetrics(const QString &runName, const RunJob &job) const
    {
        return job.replica == 0 && job.job == 0 ? metrics(runName) : QList<MetricSample>();
    }
    // Brings the runs (and for a remote backend the connection and the logs) up to date, then
    // emits synchronized() once; a one-shot CLI waits for it. Local: a refresh, at once.
    virtual void synchronize()
    {
        refresh();
        Q_EMIT synchronized();
    }
    // A run's events and provisioning log where the backend fetches them on demand; emits
    // detailsFetched(runName) once they are in. Local: nothing to fetch.
    virtual void fetchRunDetails(const QString &runName) { Q_EMIT detailsFetched(runName); }
    virtual bool isConnected() const { return true; }
    // The last error talking to the backend's server; empty when all is well.
    virtual QString lastError() const { return {}; }

    // The bearer token a chat client must send to this run's model, if any (never logged).
    virtual QString modelToken(const QString &runName) const
    {
        Q_UNUSED(runName);
        return {};
    }

Q_SIGNALS:
    void planFinished(int requestId, const gantry::Plan &plan);
    void applyFinished(int requestId, const QString &runName, const QString &error);
    void runsChanged();
    void metricsUpdated(const QString &runName);
    void connectionChanged(bool connected, const QString &message);
    void synchronized();
    void detailsFetched(const QString &runName);
    // A jobLogStore that fetches on demand (dstack) has all the server had for that job.
    void jobLogsCaughtUp(const QString &runName, int replica, int job);
};

} // namespace gantry
