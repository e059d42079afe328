#include "core/backends/dstack/DstackBackend.h"

#include "core/backends/dstack/DstackPoller.h"

#include "core/backends/dstack/DstackClient.h"
#include "core/backends/dstack/DstackFleets.h"
#include "core/backends/dstack/DstackJson.h"
#include "core/backends/dstack/DstackLogFollower.h"
#include "core/backends/dstack/DstackModels.h"
#include "core/backends/dstack/DstackRequests.h"
#include "core/common/GantryModule.h"
#include "core/common/StatePaths.h"
#include "core/runs/LogStore.h"

#include <QDir>
#include <QFile>
#include <QFutureWatcher>
#include <QTemporaryFile>
#include <QtConcurrent/QtConcurrentRun>

namespace gantry {

struct DstackBackend::Tracked {
    RunInfo info;
    QString signature; // what a user sees; a change resets the polling interval
    QString submissionId; // jobs[0].job_submissions[-1].id
    bool seen = false;
    std::unique_ptr<LogStore> store;
    DstackLogFollower *follower = nullptr;
    bool finalLogsFetched = false;
    bool metricsInFlight = false;
    QList<MetricSample> metrics;
    std::optional<Offer> pinnedOffer;
    QString pinned; // "pinned to aws (us-east-1) …", when Gantry applied it
    QString runId; // the server's run id (events are asked for by id)
    std::unique_ptr<LogStore> diagStore; // the runner's diagnostic (provisioning) log
    DstackLogFollower *diagFollower = nullptr;
    bool finalDiagFetched = false;
    QString lastEventId, lastEventTime; // events/list cursor
    QList<StatusEvent> events; // the server's events, oldest first
    bool eventsInFlight = false;
    bool finalEventsFetched = false;
    bool everActive = false; // seen before it ended: its events are followed
    std::vector<std::function<void()>> eventWaiters; // told when the events poll in flight ends
    RunJob firstJob; // jobs[0]: the job store, follower and metrics above are for
    // The other jobs (replicas, nodes): every one's current submission, and the log and
    // metrics of those someone looked at (jobLogStore).
    struct JobView {
        QString submissionId;
        std::unique_ptr<LogStore> store;
        DstackLogFollower *follower = nullptr;
        bool finalLogsFetched = false;
        bool metricsInFlight = false;
        QList<MetricSample> metrics;
    };
    std::map<std::pair<int, int>, QString> jobSubmissions;
    std::map<std::pair<int, int>, std::unique_ptr<JobView>> jobViews;

    // Followers write into the stores: they go first.
    void dropFollowers()
    {
        delete follower;
        follower = nullptr;
        delete diagFollower;
        diagFollower = nullptr;
        for (auto &[key, view] : jobViews) {
            delete view->follower;
            view->follower = nullptr;
        }
    }
};

namespace {

// A job's log as cached on disk, resumed where the last gantry process stopped: from its cursor,
// with the line that was still unterminated then. A run name can be reused by a new run: a
// cache kept for another submission is not this one's.
std::unique_ptr<LogStore> openLogCache(const QString &logPath, const QString &cursorPath, const QString &submissionId)
{
    if (!submissionId.isEmpty()) {
        QFile cursor(cursorPath);
        const QString saved =
            cursor.open(QIODevice::ReadOnly) ? QString::fromUtf8(cursor.readLine()).trimmed() : QString();
        if (saved != submissionId) {
            QFile::remove(logPath);
            QFile::remove(cursorPath);
            LogStore::removeKeptPartialLines(logPath);
        }
    }
    return std::make_unique<LogStore>(logPath, LogStore::PartialLines::KeepForNextOpen);
}

QString signatureOf(const RunInfo &r)
{
    return QStringList{toString(r.status),
                       r.statusMessage,
                       r.terminationReason,
                       r.error,
                       r.ready ? QStringLiteral("ready") : QString(),
                       r.serviceUrl,
                       r.offer.instanceName,
                       r.finishedAt.toString(Qt::ISODate)}
        .join(QLatin1Char('|'));
}

QString safeFileName(const QString &name)
{
    QString out = name;
    for (QChar &c : out)
        if (!(c.isLetterOrNumber() || c == QLatin1Char('-') || c == QLatin1Char('_') || c == QLatin1Char('.')))
            c = QLatin1Char('_');
    return out;
}

} // namespace

DstackBackend::DstackBackend(const DstackProject &project, QObject *parent)
    : Backend(parent)
    , m_project(project)
    , m_client(new DstackClient(project.url, project.name, project.token, this))
    , m_fleets(new DstackFleets(m_client, project.name, this))
    , m_poller(new DstackPoller(this))
{
    connect(m_poller, &DstackPoller::roundDue, this, &DstackBackend::tick);
    connect(m_poller, &DstackPoller::roundFinished, this, [this](bool changed, bool synced) {
        if (changed)
            Q_EMIT runsChanged();
        if (synced)
            drainAllLogs();
    });
}

DstackBackend::~DstackBackend()
{
    // Followers write into the stores: end them first.
    for (auto &[name, tracked] : m_runs)
        tracked->dropFollowers();
    m_runs.clear();
}

QString DstackBackend::displayName() const
{
    return QStringLiteral("dstack: %1 @ %2").arg(m_project.name, m_project.url);
}

void DstackBackend::setPollIntervals(int minMs, int maxMs)
{
    m_poller->setIntervals(minMs, maxMs);
}

void DstackBackend::setRequestTimeoutMs(int ms)
{
    m_client->setTimeoutMs(ms);
}

QString DstackBackend::runDir(const QString &runName) const
{
    return stateDir() + QStringLiteral("/dstack/") + safeFileName(m_project.name) + QLatin1Char('/') +
           safeFileName(runName);
}

std::optional<nlohmann::json> DstackBackend::resolvedConfiguration(const Configuration &configuration, QString *error)
{
    std::optional<nlohmann::json> body = dstackConfigurationBody(configuration, error);
    if (!body || configuration.files.empty())
        return body;
    // As dstack's client: local paths made absolute (and checked) before anything is sent.
    const std::optional<std::vector<DstackFileMapping>> mappings = dstackFileMappings(configuration, error);
    if (!mappings)
        return std::nullopt;
    (*body)["files"] = dstackFilesBody(*mappings);
    return body;
}

// ---------------------------------------------------------------------------------------------
// `files:` uploads

struct DstackBackend::FileUpload {
    std::vector<DstackFileMapping> mappings;
    size_t next = 0;
    nlohmann::json archives = nlohmann::json::array();
    std::function<void(const nlohmann::json &, const QString &)> done;
};

void DstackBackend::setFileArchiveLimit(qint64 bytes)
{
    m_fileArchiveLimit = qMax<qint64>(1024, bytes);
}

void DstackBackend::uploadFiles(const Configuration &configuration,
                                std::function<void(const nlohmann::json &, const QString &)> done)
{
    auto upload = std::make_shared<FileUpload>();
    upload->done = std::move(done);
    QString error;
    std::optional<std::vector<DstackFileMapping>> mappings = dstackFileMappings(configuration, &error);
    if (!mappings)
        return upload->done(nlohmann::json(), error);
    upload->mappings = std::move(*mappings);
    uploadNextFile(upload);
}

// One mapping at a time, as dstack's client: packed on the thread pool, then (unless the server
// has it already) uploaded.
void DstackBackend::uploadNextFile(std::shared_ptr<FileUpload> upload)
{
    if (upload->next == upload->mappings.size())
        return upload->done(upload->archives, QString());
    const DstackFileMapping mapping = upload->mappings[upload->next];
    auto tar = std::make_shared<QTemporaryFile>(QDir::tempPath() + QStringLiteral("/gantry-files-XXXXXX.tar"));
    if (!tar->open())
        return upload->done(
            nlohmann::json(),
            QStringLiteral("Cannot make a temporary file to pack `files:` into: %1").arg(tar->errorString()));
    tar->close(); // the packer writes it by name
    const QString tarPath = tar->fileName();
    const qint64 limit = m_fileArchiveLimit;
    auto *watcher = new QFutureWatcher<DstackPackedFiles>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, upload, mapping, tar] {
        watcher->deleteLater();
        const DstackPackedFiles packed = watcher->result();
        if (!packed.error.isEmpty())
            return upload->done(nlohmann::json(), packed.error);
        auto use = [this, upload, mapping, hash = packed.hash](const nlohmann::json &archive) {
            const QString archiveId = dstackjson::string(archive, "id");
            if (archiveId.isEmpty())
                return upload->done(nlohmann::json(),
                                    dstackShapeError(m_project.url, QStringLiteral("/api/files/upload_archive"),
                                                     QStringLiteral("a file archive without an id"))
                                        .message);
            m_uploadedArchives.insert(hash, archiveId);
            upload->archives.push_back({{"id", archiveId.toStdString()}, {"path", mapping.path.toStdString()}});
            ++upload->next;
            uploadNextFile(upload);
        };
        auto failed = [this, upload, mapping](const DstackError &e) {
            handleError(e);
            upload->done(nlohmann::json(),
                         QStringLiteral("Uploading `files:` entry '%1' failed: %2").arg(mapping.localPath, e.message));
        };
        if (const auto known = m_uploadedArchives.constFind(packed.hash); known != m_uploadedArchives.cend())
            return use(nlohmann::json{{"id", known->toStdString()}});
        // The server keeps archives by hash: what it has already is not sent again.
        m_client->post(QStringLiteral("/api/files/get_archive_by_hash"), dstackArchiveByHashBody(packed.hash), this,
                       use, [this, tar, hash = packed.hash, use, failed](const DstackError &e) {
                           if (!e.isResourceNotExists())
                               return failed(e);
                           m_client->upload(QStringLiteral("/api/files/upload_archive"), QStringLiteral("file"), hash,
                                            tar->fileName(), this, use, failed, 300000);
                       });
    });
    // The worker holds the temporary file too: it is removed only after the packer is done with it.
    gantryModuleDirectory(); // found here, on this thread: the packer loads its tar module there
    watcher->setFuture(QtConcurrent::run(
        [mapping, tar, tarPath, limit] { return packDstackFiles(mapping.localPath, tarPath, limit); }));
}

// ---------------------------------------------------------------------------------------------
// Connection

int DstackBackend::testConnection()
{
    const int id = m_nextRequestId++;
    auto fail = [this, id](const DstackError &e) {
        handleError(e);
        Q_EMIT connectionTested(id, QString(), QString(), e.message);
    };
    m_client->post(
        QStringLiteral("/api/server/get_info"), nullptr, this,
        [this, id, fail](const nlohmann::json &info) {
            setServerVersion(dstackjson::string(info, "server_version"));
            const QString version = m_serverVersion.isEmpty() ? QStringLiteral("development build") : m_serverVersion;
            m_client->post(
                QStringLiteral("/api/users/get_my_user"), nullptr, this,
                [this, id, version, fail](const nlohmann::json &user) {
                    const QString name = dstackjson::string(user, "username");
                    m_client->post(
                        m_client->projectPath(QStringLiteral("fleets/list")), dstackListFleetsBody(), this,
                        [this, id, version, name](const nlohmann::json &) {
                            markConnected();
                            Q_EMIT connectionTested(id, version, name, QString());
                        },
                        fail);
                },
                fail);
        },
        fail);
    return id;
}

void DstackBackend::withServerVersion(std::function<void()> then)
{
    if (m_serverVersionKnown) {
        then();
        return;
    }
    m_client->post(
        QStringLiteral("/api/server/get_info"), nullptr, this,
        [this, then](const nlohmann::json &info) {
            setServerVersion(dstackjson::string(info, "server_version"));
            then();
        },
        [then](const DstackError &) { then(); });
}

void DstackBackend::setServerVersion(const QString &version)
{
    const bool changed = !m_serverVersionSeen || version != m_serverVersion;
    m_serverVersion = version;
    m_serverVersionKnown = true;
    m_serverVersionSeen = true;
    if (changed)
        Q_EMIT serverVersionChanged(version);
}

void DstackBackend::markConnected()
{
    if (m_connected)
        return;
    m_connected = true;
    m_poller->setConnected(true);
    Q_EMIT connectionChanged(true, QStringLiteral("Connected to the dstack server at %1 again.").arg(m_project.url));
    // What comes back may be another server (upgraded or downgraded while away): ask its
    // version again now, so the next body is built for the server that answers.
    withServerVersion([] {});
}

void DstackBackend::markDisconnected(const DstackError &error)
{
    if (!m_connected)
        return;
    m_connected = false;
    m_poller->setConnected(false);
    m_serverVersionKnown = false;
    m_uploadedArchives.clear(); // what comes back may be another server, with other archives
    Q_EMIT connectionChanged(false, error.message + QStringLiteral(" Showing the last known state; retrying."));
}

void DstackBackend::handleError(const DstackError &error)
{
    if (error.isConnectionLoss())
        markDisconnected(error);
}

// ---------------------------------------------------------------------------------------------
// Plan and apply

int DstackBackend::plan(const Configuration &configuration)
{
    const int id = m_nextRequestId++;
    QString envError = configuration.isFleet()
                           ? QStringLiteral("%1 is a fleet: it is applied to the project as a fleet (fleets/get_plan, "
                                            "fleets/apply), not planned as a run")
                                 .arg(configuration.filePath)
                           : QString();
    const std::optional<nlohmann::json> resolved =
        envError.isEmpty() ? resolvedConfiguration(configuration, &envError) : std::nullopt;
    if (!resolved) {
        Plan failed;
        failed.backend = QStringLiteral("dstack");
        failed.error = envError;
        QTimer::singleShot(0, this, [this, id, failed] { Q_EMIT planFinished(id, failed); });
        return id;
    }
    withServerVersion([this, id, configuration, conf = *resolved] {
        auto failWith = [this, id](const QString &error) {
            Plan failed;
            failed.backend = QStringLiteral("dstack");
            failed.project = m_project.name;
            failed.error = error;
            QTimer::singleShot(0, this, [this, id, failed] { Q_EMIT planFinished(id, failed); });
        };
        const QString problem = dstackVersionProblem(configuration, m_serverVersion);
        if (!problem.isEmpty())
            return failWith(problem);
        // As dstack's client: `files:` are packed and uploaded before the plan is asked for.
        uploadFiles(configuration,
                    [this, id, configuration, conf, failWith](const nlohmann::json &archives, const QString &error) {
                        if (!error.isEmpty())
                            return failWith(error);
                        sendPlan(id, configuration, conf, archives);
                    });
    });
    return id;
}

// runs/get_plan together with fleets/list (whose answer says why a plan has no offers).
void DstackBackend::sendPlan(int id, const Configuration &configuration, const nlohmann::json &conf,
                             const nlohmann::json &fileArchives)
{
    const nlohmann::json runSpec = dstackRunSpec(configuration, conf, fileArchives);
    struct Pending {
        bool planDone = false, fleetsDone = false;
        nlohmann::json plan;
        int fleets = -1;
        nlohmann::json fleetList;
        QString error;
    };
    auto pending = std::make_shared<Pending>();
    auto finish = [this, id, pending, conf, runSpec] {
        if (!pending->planDone || !pending->fleetsDone)
            return;
        if (pending->error.isEmpty() && pending->fleets == 0) {
            sendOffersOnlyPlan(id, runSpec, conf);
            return;
        }
        Plan result;
        if (pending->error.isEmpty()) {
            result = dstackPlan(pending->plan, pending->fleets);
            m_lastPlanRaw = result.raw;
            m_lastPlanRaw["sent_configuration"] = conf; // which configuration this plan answers
            m_lastPlanRaw["fleets"] = pending->fleetList; // whose idle instances offers may name
        } else {
            result.backend = QStringLiteral("dstack");
            result.project = m_project.name;
            result.error = pending->error;
        }
        Q_EMIT planFinished(id, result);
    };
    m_client->post(
        m_client->projectPath(QStringLiteral("runs/get_plan")), dstackGetPlanBody(runSpec, 1000), this,
        [this, pending, finish](const nlohmann::json &body) {
            markConnected();
            pending->plan = body;
            pending->planDone = true;
            finish();
        },
        [this, pending, finish](const DstackError &e) {
            handleError(e);
            pending->error = e.message;
            pending->planDone = true;
            finish();
        },
        60000);
    m_client->post(
        m_client->projectPath(QStringLiteral("fleets/list")), dstackListFleetsBody(), this,
        [pending, finish](const nlohmann::json &body) {
            pending->fleets = body.is_array() ? int(body.size()) : -1;
            pending->fleetList = body;
            pending->fleetsDone = true;
            finish();
        },
        [pending, finish](const DstackError &) {
            pending->fleetsDone = true; // the plan itself says what failed
            finish();
        });
}

void DstackBackend::sendOffersOnlyPlan(int id, const nlohmann::json &runSpec, const nlohmann::json &conf)
{
    m_client->post(
        m_client->projectPath(QStringLiteral("runs/get_plan")), dstackGetPlanBody(runSpec, 1000, true), this,
        [this, id, conf](const nlohmann::json &body) {
            markConnected();
            Plan result = dstackPlan(body, 0);
            result.needsFleet = true;
            result.header.append({QStringLiteral("Fleet"),
                                  QStringLiteral("none: these are the backends' offers; deploying needs a fleet")});
            m_lastPlanRaw = result.raw;
            m_lastPlanRaw["sent_configuration"] = conf;
            m_lastPlanRaw["fleets"] = nlohmann::json::array();
            Q_EMIT planFinished(id, result);
        },
        [this, id](const DstackError &e) {
            handleError(e);
            Plan failed;
            failed.backend = QStringLiteral("dstack");
            failed.project = m_project.name;
            failed.error = e.message;
            Q_EMIT planFinished(id, failed);
        },
        60000);
}

int DstackBackend::apply(const Configuration &configuration, const Offer &offer)
{
    const int id = m_nextRequestId++;
    QString envError =
        configuration.isFleet() ? QStringLiteral("%1 is a fleet, not a run").arg(configuration.filePath) : QString();
    const std::optional<nlohmann::json> resolved =
        envError.isEmpty() ? resolvedConfiguration(configuration, &envError) : std::nullopt;
    if (!resolved) {
        QTimer::singleShot(0, this, [this, id, envError] { Q_EMIT applyFinished(id, QString(), envError); });
        return id;
    }
    withServerVersion([this, id, configuration, offer, conf = *resolved] {
        auto failWith = [this, id](const QString &error) {
            QTimer::singleShot(0, this, [this, id, error] { Q_EMIT applyFinished(id, QString(), error); });
        };
        const QString problem = dstackVersionProblem(configuration, m_serverVersion);
        if (!problem.isEmpty())
            return failWith(problem);
        // The plan made for this configuration already uploaded its `files:` (dstack applies
        // the plan's run_spec); without one they are uploaded now.
        const bool samePlan =
            m_lastPlanRaw.is_object() && m_lastPlanRaw.value("sent_configuration", nlohmann::json()) == conf;
        if (samePlan || configuration.files.empty()) {
            const nlohmann::json archives =
                samePlan ? dstackjson::member(m_lastPlanRaw["run_spec"], "file_archives") : nlohmann::json();
            return sendApply(id, configuration, offer, conf, archives);
        }
        uploadFiles(configuration, [this, id, configuration, offer, conf, failWith](const nlohmann::json &archives,
                                                                                    const QString &error) {
            if (!error.isEmpty())
                return failWith(error);
            sendApply(id, configuration, offer, conf, archives);
        });
    });
    return id;
}

void DstackBackend::sendApply(int id, const Configuration &configuration, const Offer &offer,
                              const nlohmann::json &conf, const nlohmann::json &fileArchives)
{
    // A plan made for this very configuration says whether the run exists: `update` re-sends
    // the server's own run_spec with the plan's current_resource (dstack updates the run in
    // place, so no offer is pinned); anything else submits the picked offer, pinned.
    const bool samePlan =
        m_lastPlanRaw.is_object() && m_lastPlanRaw.value("sent_configuration", nlohmann::json()) == conf;
    const nlohmann::json current =
        samePlan ? m_lastPlanRaw.value("current_resource", nlohmann::json()) : nlohmann::json();
    const bool update = samePlan && m_lastPlanRaw.value("action", nlohmann::json()) == "update" &&
                        m_lastPlanRaw.value("run_spec", nlohmann::json()).is_object();
    nlohmann::json runSpec;
    QString pinned;
    if (update) {
        runSpec = m_lastPlanRaw["run_spec"];
        pinned = QStringLiteral("update in place of the active run (rolling deployment)");
    } else {
        runSpec = dstackRunSpec(
            configuration,
            dstackPinOffer(conf, offer, samePlan ? m_lastPlanRaw.value("fleets", nlohmann::json()) : nlohmann::json()),
            fileArchives);
        pinned = dstackPinDescription(offer);
    }
    const nlohmann::json body = dstackApplyBody(runSpec, current);
    m_client->post(
        m_client->projectPath(QStringLiteral("runs/apply")), body, this,
        [this, id, offer, pinned, update](const nlohmann::json &run) {
            markConnected();
            const RunInfo info = dstackRunInfo(run, m_project.url);
            Tracked &t = track(info.name);
            if (!update)
                t.pinnedOffer = offer;
            t.pinned = pinned;
            QDir().mkpath(runDir(info.name));
            writeFileAtomically(
                runDir(info.name) + QStringLiteral("/pinned.json"),
                QByteArray::fromStdString(
                    nlohmann::json{{"description", pinned.toStdString()}, {"offer", offer.toJson()}}.dump()),
                nullptr);
            absorb(run);
            if (!m_order.contains(info.name))
                m_order.prepend(info.name);
            Q_EMIT runsChanged();
            Q_EMIT applyFinished(id, info.name, QString());
            m_poller->hurry();
        },
        [this, id, name = configuration.name.value_or(QString())](const DstackError &e) {
            handleError(e);
            QString message = e.message;
            if (message.contains(QLatin1String("Cannot override active run")))
                message =
                    QStringLiteral("A run named '%1' is already active in project '%2', and dstack does not replace an "
                                   "active run. Plan again to update it in place (the plan then says `update`), "
                                   "stop it first, or give this configuration another `name`. (dstack: %3)")
                        .arg(name, m_project.name, e.message);
            Q_EMIT applyFinished(id, QString(), message);
        },
        60000);
}

// ---------------------------------------------------------------------------------------------
// Runs

DstackBackend::Tracked &DstackBackend::track(const QString &name)
{
    auto it = m_runs.find(name);
    if (it != m_runs.end())
        return *it->second;
    auto tracked = std::make_unique<Tracked>();
    QFile pinnedFile(runDir(name) + QStringLiteral("/pinned.json"));
    if (pinnedFile.open(QIODevice::ReadOnly)) { // applied by an earlier Gantry process
        const QByteArray data = pinnedFile.readAll();
        const nlohmann::json j =
            nlohmann::json::parse(data.constData(), data.constData() + data.size(), nullptr, false);
        if (j.is_object()) {
            tracked->pinned = dstackjson::string(j, "description");
            if (j.contains("offer") && j["offer"].is_object())
                tracked->pinnedOffer = Offer::fromJson(j["offer"]);
        }
    }
    Tracked &ref = *tracked;
    m_runs.emplace(name, std::move(tracked));
    return ref;
}

bool DstackBackend::absorb(const nlohmann::json &run)
{
    if (!run.is_object() || dstackjson::boolean(run, "deleted"))
        return false;
    RunInfo info = dstackRunInfo(run, m_project.url);
    if (info.name.isEmpty())
        return false;
    Tracked &t = track(info.name);
    if (info.offer.backend.isEmpty() && t.pinnedOffer) { // not placed yet: show the pinned offer
        info.offer = *t.pinnedOffer;
        info.price = t.pinnedOffer->price;
    }
    t.runId = dstackjson::string(run, "id", t.runId);
    if (!isFinal(info.status))
        t.everActive = true;
    info.history = t.info.history;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (!t.seen) {
        info.history.append({info.submittedAt.isValid() ? info.submittedAt : now, QStringLiteral("submitted"),
                             t.pinned.isEmpty() ? QStringLiteral("submitted") : t.pinned});
    }
    const bool statusChanged = !t.seen ? info.status != RunStatus::Submitted
                                       : (info.status != t.info.status || info.statusMessage != t.info.statusMessage);
    if (statusChanged)
        info.history.append({now, toString(info.status), info.statusMessage});
    if (info.ready && !t.info.ready)
        info.history.append({now, QStringLiteral("ready"), QStringLiteral("probes pass: the service answers")});
    const QString signature = signatureOf(info);
    const bool changed = !t.seen || signature != t.signature;
    t.seen = true;
    t.signature = signature;
    t.info = info;
    t.firstJob = info.jobs.value(0);
    t.jobSubmissions.clear();
    for (const RunJob &job : info.jobs)
        t.jobSubmissions[{job.replica, job.job}] = dstackJobSubmissionId(run, job);
    for (auto &[key, view] : t.jobViews) {
        const QString id = t.jobSubmissions.count(key) ? t.jobSubmissions[key] : QString();
        if (!id.isEmpty() && id != view->submissionId) { // the job was retried: follow its new attempt
            view->submissionId = id;
            view->finalLogsFetched = false;
            view->follower->setSubmission(id);
        }
    }
    const QString submission = dstackCurrentSubmissionId(run);
    if (!submission.isEmpty() && submission != t.submissionId) {
        t.submissionId = submission;
        t.finalLogsFetched = false;
        t.finalDiagFetched = false;
        if (t.follower)
            t.follower->setSubmission(submission);
        if (t.diagFollower)
            t.diagFollower->setSubmission(submission);
    }
    return changed;
}

QList<RunInfo> DstackBackend::runs() const
{
    QList<RunInfo> out;
    for (const QString &name : m_order) {
        auto it = m_runs.find(name);
        if (it != m_runs.end() && it->second->seen)
            out.append(it->second->info);
    }
    for (const auto &[name, tracked] : m_runs)
        if (!m_order.contains(name) && tracked->seen)
            out.append(tracked->info);
    return out;
}

void DstackBackend::refresh()
{
    m_poller->refreshNow();
}

void DstackBackend::synchronize()
{
    m_poller->requestSync();
    refresh();
}

void DstackBackend::drainAllLogs()
{
    m_logsDraining = 1; // released below
    auto released = [this] {
        if (--m_logsDraining == 0)
            Q_EMIT synchronized();
    };
    for (const auto &[name, tracked] : m_runs) {
        if (tracked->submissionId.isEmpty() || !logStore(name))
            continue;
        ++m_logsDraining;
        auto *context = new QObject(this); // one answer per follower, then gone
        connect(tracked->follower, &DstackLogFollower::caughtUp, context, [context, released] {
            context->deleteLater();
            released();
        });
        connect(tracked->follower, &DstackLogFollower::failed, context, [context, released] {
            context->deleteLater();
            released();
        });
        if (!tracked->follower->isPolling())
            tracked->follower->poll();
    }
    released();
}

void DstackBackend::tick()
{
    m_poller->beginRound();
    if (m_poller->takeListDue()) {
        m_poller->requestStarted();
        m_client->post(
            QStringLiteral("/api/runs/list"), dstackListRunsBody(m_project.name), this,
            [this](const nlohmann::json &list) {
                markConnected();
                QString shape;
                if (!list.is_array())
                    shape = QStringLiteral("%1 instead of a list of runs").arg(QString::fromLatin1(list.type_name()));
                for (size_t i = 0; shape.isEmpty() && i < list.size(); ++i)
                    if (!list[i].is_object())
                        shape = QStringLiteral("item %1 being %2, not a run")
                                    .arg(i)
                                    .arg(QString::fromLatin1(list[i].type_name()));
                if (!shape.isEmpty()) {
                    m_lastError = dstackShapeError(m_project.url, QStringLiteral("/api/runs/list"), shape).message;
                    requestDone();
                    return;
                }
                m_lastError.clear();
                QStringList order;
                {
                    for (const auto &run : list) {
                        if (dstackjson::boolean(run, "deleted"))
                            continue;
                        if (absorb(run))
                            m_poller->markChanged();
                        const QString name = dstackRunInfo(run, m_project.url).name;
                        if (!name.isEmpty() && !order.contains(name))
                            order.append(name);
                    }
                }
                if (order != m_order)
                    m_poller->markChanged();
                m_order = order;
                if (!m_listedOnce)
                    m_poller->markChanged();
                m_listedOnce = true;
                requestDone();
            },
            [this](const DstackError &e) {
                m_lastError = e.message;
                handleError(e);
                requestDone();
            });
    }

    QStringList active;
    for (const auto &[name, tracked] : m_runs)
        if (tracked->seen && !isFinal(tracked->info.status))
            active.append(name);
    for (const QString &name : active) {
        m_poller->requestStarted();
        m_client->post(
            m_client->projectPath(QStringLiteral("runs/get")), dstackGetRunBody(name), this,
            [this](const nlohmann::json &run) {
                markConnected();
                if (absorb(run))
                    m_poller->markChanged();
                requestDone();
            },
            [this, name](const DstackError &e) {
                if (e.isResourceNotExists()) { // deleted elsewhere
                    if (auto it = m_runs.find(name); it != m_runs.end())
                        it->second->dropFollowers();
                    m_runs.erase(name);
                    m_order.removeAll(name);
                    m_poller->markChanged();
                }
                handleError(e);
                requestDone();
            });
    }
    for (const auto &[name, tracked] : m_runs)
        pollLogsAndMetrics(*tracked);
    requestDone();
}

void DstackBackend::requestDone()
{
    m_poller->requestFinished();
}

void DstackBackend::pollLogsAndMetrics(Tracked &t)
{
    pollProvisioning(t);
    const RunInfo &info = t.info;
    if (t.submissionId.isEmpty() || info.status == RunStatus::Submitted || info.status == RunStatus::Pending)
        return;
    if (!t.finalLogsFetched && logStore(info.name) && !t.follower->isPolling()) {
        if (isFinal(info.status))
            t.finalLogsFetched = true; // one last drain after the end
        t.follower->poll();
    }
    const bool running = info.status == RunStatus::Running || info.status == RunStatus::Terminating;
    if (running && !t.metricsInFlight) {
        t.metricsInFlight = true;
        fetchMetrics(info.name, t.firstJob);
    }
    for (auto &[key, view] : t.jobViews) {
        if (view->submissionId.isEmpty())
            continue;
        if (!view->finalLogsFetched && !view->follower->isPolling()) {
            if (isFinal(info.status))
                view->finalLogsFetched = true;
            view->follower->poll();
        }
        if (running && !view->metricsInFlight) {
            view->metricsInFlight = true;
            fetchMetrics(info.name, RunJob{key.first, key.second, QString()});
        }
    }
}

// GET metrics/job/{run}?replica_num&job_num (the one GET endpoint: dstack 0.21.2
// routers/metrics.py), into the run's first job or the job's view.
void DstackBackend::fetchMetrics(const QString &name, const RunJob &job)
{
    auto slot = [this, name, job]() -> std::pair<bool *, QList<MetricSample> *> {
        auto it = m_runs.find(name);
        if (it == m_runs.end())
            return {nullptr, nullptr};
        Tracked &t = *it->second;
        if (job.replica == t.firstJob.replica && job.job == t.firstJob.job)
            return {&t.metricsInFlight, &t.metrics};
        auto view = t.jobViews.find({job.replica, job.job});
        if (view == t.jobViews.end())
            return {nullptr, nullptr};
        return {&view->second->metricsInFlight, &view->second->metrics};
    };
    m_client->get(
        m_client->projectPath(QStringLiteral("metrics/job/")) + QString::fromLatin1(QUrl::toPercentEncoding(name)) +
            QStringLiteral("?replica_num=%1&job_num=%2&limit=60").arg(job.replica).arg(job.job),
        this,
        [this, name, slot](const nlohmann::json &response) {
            const auto [inFlight, samples] = slot();
            if (!inFlight)
                return;
            *inFlight = false;
            *samples = dstackMetricSamples(response);
            Q_EMIT metricsUpdated(name);
        },
        [this, slot](const DstackError &e) {
            if (const auto [inFlight, samples] = slot(); inFlight)
                *inFlight = false;
            handleError(e);
        });
}

LogStore *DstackBackend::jobLogStore(const QString &runName, const RunJob &job)
{
    auto it = m_runs.find(runName);
    if (it == m_runs.end())
        return nullptr;
    Tracked &t = *it->second;
    if (t.jobSubmissions.empty() || (job.replica == t.firstJob.replica && job.job == t.firstJob.job))
        return job.replica == t.firstJob.replica && job.job == t.firstJob.job ? logStore(runName) : nullptr;
    const auto key = std::make_pair(job.replica, job.job);
    const auto submission = t.jobSubmissions.find(key);
    if (submission == t.jobSubmissions.end())
        return nullptr; // no such replica or node
    std::unique_ptr<Tracked::JobView> &view = t.jobViews[key];
    if (!view) {
        view = std::make_unique<Tracked::JobView>();
        const QString dir = runDir(runName);
        QDir().mkpath(dir);
        const QString path = dir + QStringLiteral("/log.replica-%1.job-%2").arg(job.replica).arg(job.job);
        view->submissionId = submission->second;
        view->store = openLogCache(path, path + QStringLiteral(".cursor"), view->submissionId);
        view->follower =
            new DstackLogFollower(m_client, runName, view->store.get(), path + QStringLiteral(".cursor"), this);
        connect(view->follower, &DstackLogFollower::caughtUp, this, [this, runName, key] {
            auto found = m_runs.find(runName);
            if (found == m_runs.end())
                return;
            auto v = found->second->jobViews.find(key);
            if (v == found->second->jobViews.end())
                return;
            if (v->second->finalLogsFetched || isFinal(found->second->info.status))
                v->second->store->flushPartial();
            Q_EMIT logsUpdated(runName);
            Q_EMIT jobLogsCaughtUp(runName, key.first, key.second);
        });
        connect(view->follower, &DstackLogFollower::failed, this, [this, runName, key](const DstackError &e) {
            handleError(e);
            Q_EMIT jobLogsCaughtUp(runName, key.first, key.second); // nothing more is coming: whoever waits stops
        });
        if (!view->submissionId.isEmpty()) {
            view->follower->setSubmission(view->submissionId);
            view->follower->poll(); // someone looks at it now
        }
    }
    return view->store.get();
}

QList<MetricSample> DstackBackend::jobMetrics(const QString &runName, const RunJob &job) const
{
    auto it = m_runs.find(runName);
    if (it == m_runs.end())
        return {};
    const Tracked &t = *it->second;
    if (job.replica == t.firstJob.replica && job.job == t.firstJob.job)
        return t.metrics;
    auto view = t.jobViews.find({job.replica, job.job});
    return view == t.jobViews.end() ? QList<MetricSample>() : view->second->metrics;
}

void DstackBackend::stop(const QString &runName, bool abort)
{
    m_client->post(
        m_client->projectPath(QStringLiteral("runs/stop")), dstackStopBody(runName, abort), this,
        [this, runName, abort](const nlohmann::json &) {
            markConnected();
            if (auto it = m_runs.find(runName); it != m_runs.end())
                it->second->info.history.append(
                    {QDateTime::currentDateTimeUtc(), QStringLiteral("terminating"),
                     abort ? QStringLiteral("abort requested") : QStringLiteral("stop requested")});
            Q_EMIT runsChanged();
            Q_EMIT stopFinished(runName, QString());
            m_poller->hurry(0);
        },
        [this, runName](const DstackError &e) {
            handleError(e);
            Q_EMIT stopFinished(runName, e.message);
        });
}

LogStore *DstackBackend::logStore(const QString &runName)
{
    auto it = m_runs.find(runName);
    if (it == m_runs.end())
        return nullptr;
    Tracked &t = *it->second;
    if (!t.store) {
        const QString dir = runDir(runName);
        QDir().mkpath(dir);
        t.store = openLogCache(dir + QStringLiteral("/log"), dir + QStringLiteral("/log.cursor"), t.submissionId);
        t.follower = new DstackLogFollower(m_client, runName, t.store.get(), dir + QStringLiteral("/log.cursor"), this);
        connect(t.follower, &DstackLogFollower::caughtUp, this, [this, runName] {
            auto found = m_runs.find(runName);
            if (found != m_runs.end() && found->second->finalLogsFetched)
                found->second->store->flushPartial();
            Q_EMIT logsUpdated(runName);
        });
        connect(t.follower, &DstackLogFollower::failed, this, [this](const DstackError &e) { handleError(e); });
        if (!t.submissionId.isEmpty())
            t.follower->setSubmission(t.submissionId);
    }
    return t.store.get();
}

LogStore *DstackBackend::provisioningLogStore(const QString &runName)
{
    auto it = m_runs.find(runName);
    if (it == m_runs.end())
        return nullptr;
    Tracked &t = *it->second;
    if (!t.diagStore) {
        const QString dir = runDir(runName);
        QDir().mkpath(dir);
        t.diagStore = openLogCache(dir + QStringLiteral("/provisioning.log"),
                                   dir + QStringLiteral("/provisioning.cursor"), t.submissionId);
        t.diagFollower = new DstackLogFollower(m_client, runName, t.diagStore.get(),
                                               dir + QStringLiteral("/provisioning.cursor"), this);
        t.diagFollower->setDiagnose(true);
        connect(t.diagFollower, &DstackLogFollower::caughtUp, this, [this, runName] {
            auto found = m_runs.find(runName);
            if (found != m_runs.end() && found->second->finalDiagFetched)
                found->second->diagStore->flushPartial();
            Q_EMIT provisioningUpdated(runName);
        });
        connect(t.diagFollower, &DstackLogFollower::failed, this, [this](const DstackError &e) { handleError(e); });
        if (!t.submissionId.isEmpty())
            t.diagFollower->setSubmission(t.submissionId);
        // Someone looks at it: bring it (and the run's events) in now, also for a run that
        // ended before this process saw it.
        QTimer::singleShot(0, this, [this, runName] { fetchRunDetails(runName); });
    }
    return t.diagStore.get();
}

// The provisioning log and the events, while the run is being placed and after it ends (once).
void DstackBackend::pollProvisioning(Tracked &t)
{
    const RunInfo &info = t.info;
    if (t.everActive && !t.finalEventsFetched && !t.eventsInFlight && !t.runId.isEmpty()) {
        if (isFinal(info.status))
            t.finalEventsFetched = true;
        pollEvents(info.name);
    }
    if (t.diagStore && !t.submissionId.isEmpty() && !t.finalDiagFetched && !t.diagFollower->isPolling() &&
        info.status != RunStatus::Submitted && info.status != RunStatus::Pending) {
        if (isFinal(info.status))
            t.finalDiagFetched = true;
        t.diagFollower->poll();
    }
}

void DstackBackend::pollEvents(const QString &runName, std::function<void()> done)
{
    auto it = m_runs.find(runName);
    if (it == m_runs.end() || it->second->runId.isEmpty()) {
        if (done)
            done();
        return;
    }
    Tracked &t = *it->second;
    t.eventsInFlight = true;
    if (!done) { // whoever waits for this poll hears when it ends
        done = [this, runName] {
            auto found = m_runs.find(runName);
            if (found == m_runs.end())
                return;
            auto waiters = std::move(found->second->eventWaiters);
            found->second->eventWaiters.clear();
            for (auto &w : waiters)
                w();
        };
    }
    const nlohmann::json body = dstackListEventsBody(t.runId, t.lastEventId, t.lastEventTime);
    m_client->post(
        QStringLiteral("/api/events/list"), body, this,
        [this, runName, done](const nlohmann::json &events) {
            auto found = m_runs.find(runName);
            if (found == m_runs.end()) {
                if (done)
                    done();
                return;
            }
            Tracked &tracked = *found->second;
            tracked.eventsInFlight = false;
            if (!events.is_array()) {
                handleError(dstackShapeError(
                    m_project.url, QStringLiteral("/api/events/list"),
                    QStringLiteral("%1 instead of a list of events").arg(QString::fromLatin1(events.type_name()))));
                if (done)
                    done();
                return;
            }
            for (const auto &event : events) {
                const QString id = dstackjson::string(event, "id");
                const QString at = dstackjson::string(event, "recorded_at");
                if (id.isEmpty() || at.isEmpty())
                    continue;
                tracked.lastEventId = id;
                tracked.lastEventTime = at;
                const StatusEvent e{dstackDateTime(dstackjson::member(event, "recorded_at")), QStringLiteral("event"),
                                    dstackjson::string(event, "message")};
                tracked.events.append(e);
                tracked.info.history.append(e);
            }
            if (!events.empty()) {
                std::stable_sort(tracked.info.history.begin(), tracked.info.history.end(),
                                 [](const StatusEvent &a, const StatusEvent &b) { return a.at < b.at; });
                Q_EMIT provisioningUpdated(runName);
                Q_EMIT runsChanged();
            }
            if (events.size() >= 100) { // a full page: there is more
                pollEvents(runName, done);
                return;
            }
            if (done)
                done();
        },
        [this, runName, done](const DstackError &e) {
            if (auto found = m_runs.find(runName); found != m_runs.end())
                found->second->eventsInFlight = false;
            handleError(e);
            if (done)
                done();
        });
}

void DstackBackend::fetchRunDetails(const QString &runName)
{
    auto it = m_runs.find(runName);
    if (it == m_runs.end()) {
        QTimer::singleShot(0, this, [this, runName] { Q_EMIT detailsFetched(runName); });
        return;
    }
    LogStore *store = provisioningLogStore(runName);
    auto remaining = std::make_shared<int>(2);
    auto release = [this, runName, remaining] {
        if (--*remaining == 0)
            Q_EMIT detailsFetched(runName);
    };
    Tracked &t = *it->second;
    if (store && !t.submissionId.isEmpty()) {
        auto *context = new QObject(this);
        auto finished = [context, release] {
            context->deleteLater();
            release();
        };
        connect(t.diagFollower, &DstackLogFollower::caughtUp, context, [this, runName, finished] {
            if (auto found = m_runs.find(runName); found != m_runs.end())
                found->second->diagStore->flushPartial(); // a one-shot reader wants the last line too
            finished();
        });
        connect(t.diagFollower, &DstackLogFollower::failed, context, finished);
        if (!t.diagFollower->isPolling())
            t.diagFollower->poll();
    } else {
        QTimer::singleShot(0, this, release);
    }
    if (t.eventsInFlight) {
        t.eventWaiters.push_back(release); // the running poll brings them
    } else {
        t.eventWaiters.push_back(release);
        pollEvents(runName);
    }
}

QList<MetricSample> DstackBackend::metrics(const QString &runName) const
{
    auto it = m_runs.find(runName);
    return it == m_runs.end() ? QList<MetricSample>() : it->second->metrics;
}

QString DstackBackend::modelToken(const QString &runName) const
{
    auto it = m_runs.find(runName);
    if (it == m_runs.end())
        return {};
    return m_project.token;
}

} // namespace gantry
