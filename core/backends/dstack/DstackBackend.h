#pragma once

// The dstack backend: Gantry as a client of a dstack server (self-hosted or dstack Sky) for
// one project. Clouds, spot and fleets are reached only through dstack's REST API
// (docs/reference/dstack-api.md); every view talks to it through the Backend interface, as to the local one.
//
// Monitoring: once anything asks (refresh(), apply()), runs/get polls every active run each
// second, backing off to 5 s while nothing changes; runs/list (every fifth round, and on
// refresh()) brings in runs started elsewhere. Logs go through logs/poll into the same
// LogStore the local backend writes (stateDir()/dstack/<project>/<run>/log), metrics come from
// metrics/job/{run}. The run's events (POST /api/events/list, within_runs) join its history and
// the runner's diagnostic log (logs/poll, diagnose) is its provisioning log; both are kept for
// finished runs. When the server goes away the last known state stays, connectionChanged
// (false, why) is emitted once, and polling carries on until it answers again.

#include "core/backends/Backend.h"
#include "core/backends/dstack/DstackConfigFile.h"
#include "core/backends/dstack/DstackError.h"

#include <QHash>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <map>
#include <memory>
#include <optional>

namespace gantry {

class DstackClient;
class DstackFleets;
class DstackPoller;
class DstackLogFollower;

class DstackBackend : public Backend
{
    Q_OBJECT
public:
    explicit DstackBackend(const DstackProject &project, QObject *parent = nullptr);
    ~DstackBackend() override;

    BackendKind kind() const override { return BackendKind::Dstack; }
    QString displayName() const override;
    QString projectName() const { return m_project.name; }
    QString serverUrl() const { return m_project.url; }
    DstackClient *client() const { return m_client; }
    // The project's fleets (list, plan, apply, delete), over the same client.
    DstackFleets *fleets() const { return m_fleets; }

    // "Test connection": server version (get_info), the user (get_my_user) and the project
    // (fleets/list answers 404 for an unknown one). Emits connectionTested once.
    int testConnection();

    int plan(const Configuration &configuration) override;
    int apply(const Configuration &configuration, const Offer &offer) override;
    QList<RunInfo> runs() const override;
    void refresh() override;
    void stop(const QString &runName, bool abort) override;
    LogStore *logStore(const QString &runName) override;
    // The runner's diagnostic log (logs/poll with diagnose: true), kept next to the run's log.
    LogStore *provisioningLogStore(const QString &runName) override;
    // Fetch the run's provisioning log and events (events/list within the run) now; emits
    // detailsFetched(runName) once both are in (for the CLI's `logs --diagnose` and `event`).
    void fetchRunDetails(const QString &runName) override;
    QList<MetricSample> metrics(const QString &runName) const override;
    // Another replica's or node's log (logs/poll with its own job_submission_id), kept next to
    // the run's log and followed from now on; its metrics come with replica_num/job_num.
    LogStore *jobLogStore(const QString &runName, const RunJob &job) override;
    QList<MetricSample> jobMetrics(const QString &runName, const RunJob &job) const override;
    QString modelToken(const QString &runName) const override;

    bool isConnected() const override { return m_connected; }
    // The server's version (server/get_info): asked before the first plan/apply and again each
    // time the connection comes back (it may be another server then); empty before, or for a
    // development build.
    QString serverVersion() const { return m_serverVersion; }
    // Why the last runs/list failed (token refused, unknown project, unreachable…); empty when it worked.
    QString lastError() const override { return m_lastError; }

    // For one-shot callers (the CLI): one full round — runs/list, runs/get of active runs —
    // then every known run's logs drained into its LogStore; emits synchronized() once.
    void synchronize() override;
    // Polling cadence (tests may shorten it); defaults 1000 → 5000 ms.
    void setPollIntervals(int minMs, int maxMs);
    void setRequestTimeoutMs(int ms);
    // The largest `files:` archive Gantry packs and uploads (default 100 MB); the server may
    // allow less (dstack's DSTACK_SERVER_CODE_UPLOAD_LIMIT) and says so itself.
    void setFileArchiveLimit(qint64 bytes);

    // The run's configuration, with value-less env entries filled from this process's
    // environment (docs/reference/dstack-configuration.md#env): the server cannot resolve them.
    // nullopt with *error on a missing variable or a `files:` path that does not exist.
    static std::optional<nlohmann::json> resolvedConfiguration(const Configuration &configuration, QString *error);

Q_SIGNALS:
    void connectionTested(int requestId, const QString &serverVersion, const QString &userName, const QString &error);
    void stopFinished(const QString &runName, const QString &error);
    void logsUpdated(const QString &runName);
    void provisioningUpdated(const QString &runName); // provisioning log or events grew
    void serverVersionChanged(const QString &version); // first answer of server/get_info, then each change

private:
    struct Tracked;

    Tracked &track(const QString &name);
    bool absorb(const nlohmann::json &run); // returns whether anything a user sees changed
    void tick();
    void finishTick();
    void requestDone();
    void drainAllLogs();
    void pollLogsAndMetrics(Tracked &tracked);
    void pollEvents(const QString &runName, std::function<void()> done = {});
    void pollProvisioning(Tracked &tracked);
    void fetchMetrics(const QString &runName, const RunJob &job);
    void markConnected();
    // Runs `then` once the server's version is known (asks server/get_info the first time; a
    // failure leaves it unknown and runs `then` anyway: the request itself will say what is wrong).
    void withServerVersion(std::function<void()> then);
    void setServerVersion(const QString &version);
    void sendPlan(int id, const Configuration &configuration, const nlohmann::json &conf,
                  const nlohmann::json &fileArchives);
    // No fleet: the same plan for offers only, so the user sees what a fleet could get.
    void sendOffersOnlyPlan(int id, const nlohmann::json &runSpec, const nlohmann::json &conf);
    void sendApply(int id, const Configuration &configuration, const Offer &offer, const nlohmann::json &conf,
                   const nlohmann::json &fileArchives);
    // Packs and uploads the configuration's `files:` (docs/reference/dstack-api.md#files); done gets
    // run_spec.file_archives, or an error in words.
    struct FileUpload;
    void uploadFiles(const Configuration &configuration,
                     std::function<void(const nlohmann::json &, const QString &)> done);
    void uploadNextFile(std::shared_ptr<FileUpload> upload);
    void markDisconnected(const DstackError &error);
    void handleError(const DstackError &error);
    QString runDir(const QString &runName) const;

    DstackProject m_project;
    DstackClient *m_client;
    DstackFleets *m_fleets;
    std::map<QString, std::unique_ptr<Tracked>> m_runs;
    QStringList m_order; // newest first, as runs/list gives them
    nlohmann::json m_lastPlanRaw;
    int m_nextRequestId = 1;

    DstackPoller *m_poller; // when to ask again, and whether a round changed anything
    bool m_listedOnce = false;
    bool m_connected = true;
    QString m_lastError;
    int m_logsDraining = 0;
    QString m_serverVersion;
    bool m_serverVersionKnown = false; // false again after the connection was lost
    bool m_serverVersionSeen = false;
    qint64 m_fileArchiveLimit = 100LL * 1024 * 1024;
    QHash<QString, QString> m_uploadedArchives; // archive hash → the server's id
};

} // namespace gantry
