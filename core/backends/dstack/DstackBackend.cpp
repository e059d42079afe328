#include "core/backends/dstack/DstackBackend.h"

#include "core/backends/dstack/DstackClient.h"
#include "core/backends/dstack/DstackJson.h"
#include "core/backends/dstack/DstackLogFollower.h"
#include "core/backends/dstack/DstackModels.h"
#include "core/backends/dstack/DstackRequests.h"
#include "core/common/StatePaths.h"
#include "core/runs/LogStore.h"

#include <QDir>
#include <QFile>

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
};

namespace {

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
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &DstackBackend::tick);
}

DstackBackend::~DstackBackend()
{
    // Followers write into the stores: end them first.
    for (auto &[name, tracked] : m_runs) {
        delete tracked->follower;
        delete tracked->diagFollower;
    }
    m_runs.clear();
}

QString DstackBackend::displayName() const
{
    return QStringLiteral("dstack: %1 @ %2").arg(m_project.name, m_project.url);
}

void DstackBackend::setPollIntervals(int minMs, int maxMs)
{
    m_minIntervalMs = qMax(10, minMs);
    m_maxIntervalMs = qMax(m_minIntervalMs, maxMs);
    m_intervalMs = m_minIntervalMs;
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

nlohmann::json DstackBackend::resolvedConfiguration(const Configuration &configuration, QString *error)
{
    return dstackConfigurationBody(configuration, error);
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
            m_serverVersion = dstackjson::string(info, "server_version");
            m_serverVersionKnown = true;
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
            m_serverVersion = dstackjson::string(info, "server_version");
            m_serverVersionKnown = true;
            then();
        },
        [then](const DstackError &) { then(); });
}

void DstackBackend::markConnected()
{
    if (m_connected)
        return;
    m_connected = true;
    Q_EMIT connectionChanged(true, QStringLiteral("Connected to the dstack server at %1 again.").arg(m_project.url));
}

void DstackBackend::markDisconnected(const DstackError &error)
{
    if (!m_connected)
        return;
    m_connected = false;
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
    QString envError;
    const nlohmann::json conf = resolvedConfiguration(configuration, &envError);
    if (!envError.isEmpty()) {
        Plan failed;
        failed.backend = QStringLiteral("dstack");
        failed.error = envError;
        QTimer::singleShot(0, this, [this, id, failed] { Q_EMIT planFinished(id, failed); });
        return id;
    }
    withServerVersion([this, id, configuration, conf] {
        const QString problem = dstackVersionProblem(configuration, m_serverVersion);
        if (!problem.isEmpty()) {
            Plan failed;
            failed.backend = QStringLiteral("dstack");
            failed.project = m_project.name;
            failed.error = problem;
            QTimer::singleShot(0, this, [this, id, failed] { Q_EMIT planFinished(id, failed); });
            return;
        }
        sendPlan(id, configuration, conf);
    });
    return id;
}

// runs/get_plan together with fleets/list (whose answer says why a plan has no offers).
void DstackBackend::sendPlan(int id, const Configuration &configuration, const nlohmann::json &conf)
{
    const nlohmann::json runSpec = dstackRunSpec(configuration, conf);
    struct Pending {
        bool planDone = false, fleetsDone = false;
        nlohmann::json plan;
        int fleets = -1;
        nlohmann::json fleetList;
        QString error;
    };
    auto pending = std::make_shared<Pending>();
    auto finish = [this, id, pending, conf] {
        if (!pending->planDone || !pending->fleetsDone)
            return;
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

int DstackBackend::apply(const Configuration &configuration, const Offer &offer)
{
    const int id = m_nextRequestId++;
    QString envError;
    const nlohmann::json conf = resolvedConfiguration(configuration, &envError);
    if (!envError.isEmpty()) {
        QTimer::singleShot(0, this, [this, id, envError] { Q_EMIT applyFinished(id, QString(), envError); });
        return id;
    }
    withServerVersion([this, id, configuration, offer, conf] {
        const QString problem = dstackVersionProblem(configuration, m_serverVersion);
        if (!problem.isEmpty()) {
            QTimer::singleShot(0, this, [this, id, problem] { Q_EMIT applyFinished(id, QString(), problem); });
            return;
        }
        sendApply(id, configuration, offer, conf);
    });
    return id;
}

void DstackBackend::sendApply(int id, const Configuration &configuration, const Offer &offer,
                              const nlohmann::json &conf)
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
            dstackPinOffer(conf, offer, samePlan ? m_lastPlanRaw.value("fleets", nlohmann::json()) : nlohmann::json()));
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
                    nlohmann::json{{"description", pinned.toStdString()}, {"offer", offer.toJson()}}.dump()));
            absorb(run);
            if (!m_order.contains(info.name))
                m_order.prepend(info.name);
            Q_EMIT runsChanged();
            Q_EMIT applyFinished(id, info.name, QString());
            m_intervalMs = m_minIntervalMs;
            scheduleTick(m_minIntervalMs);
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
    m_listNext = true;
    m_intervalMs = m_minIntervalMs;
    if (m_tickRunning)
        return;
    m_timer.stop();
    tick();
}

void DstackBackend::synchronize()
{
    m_syncRequested = true;
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

void DstackBackend::scheduleTick(int delayMs)
{
    m_monitoring = true;
    if (!m_tickRunning)
        m_timer.start(delayMs);
}

void DstackBackend::tick()
{
    m_monitoring = true;
    m_tickRunning = true;
    m_changedThisTick = false;
    m_pending = 1; // released at the end of this function

    if (m_listNext || m_round % 5 == 0) {
        m_listNext = false;
        ++m_pending;
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
                            m_changedThisTick = true;
                        const QString name = dstackRunInfo(run, m_project.url).name;
                        if (!name.isEmpty() && !order.contains(name))
                            order.append(name);
                    }
                }
                if (order != m_order)
                    m_changedThisTick = true;
                m_order = order;
                if (!m_listedOnce)
                    m_changedThisTick = true;
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
        ++m_pending;
        m_client->post(
            m_client->projectPath(QStringLiteral("runs/get")), dstackGetRunBody(name), this,
            [this](const nlohmann::json &run) {
                markConnected();
                if (absorb(run))
                    m_changedThisTick = true;
                requestDone();
            },
            [this, name](const DstackError &e) {
                if (e.isResourceNotExists()) { // deleted elsewhere
                    if (auto it = m_runs.find(name); it != m_runs.end()) {
                        delete it->second->follower;
                        delete it->second->diagFollower;
                    }
                    m_runs.erase(name);
                    m_order.removeAll(name);
                    m_changedThisTick = true;
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
    if (--m_pending > 0)
        return;
    m_tickRunning = false;
    ++m_round;
    if (m_changedThisTick) {
        m_intervalMs = m_minIntervalMs;
        Q_EMIT runsChanged();
    } else {
        m_intervalMs = qMin(m_intervalMs + m_minIntervalMs, m_maxIntervalMs);
    }
    if (!m_connected)
        m_intervalMs = m_maxIntervalMs;
    if (m_syncRequested) {
        m_syncRequested = false;
        drainAllLogs();
    }
    if (m_monitoring)
        m_timer.start(m_intervalMs);
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
    if ((info.status == RunStatus::Running || info.status == RunStatus::Terminating) && !t.metricsInFlight) {
        t.metricsInFlight = true;
        const QString name = info.name;
        m_client->get(
            m_client->projectPath(QStringLiteral("metrics/job/")) + QString::fromLatin1(QUrl::toPercentEncoding(name)) +
                QStringLiteral("?limit=60"),
            this,
            [this, name](const nlohmann::json &response) {
                auto it = m_runs.find(name);
                if (it == m_runs.end())
                    return;
                it->second->metricsInFlight = false;
                it->second->metrics = dstackMetricSamples(response);
                Q_EMIT metricsUpdated(name);
            },
            [this, name](const DstackError &e) {
                if (auto it = m_runs.find(name); it != m_runs.end())
                    it->second->metricsInFlight = false;
                handleError(e);
            });
    }
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
            m_intervalMs = m_minIntervalMs;
            scheduleTick(0);
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
        // A run name can be reused by a new run: a log kept for another submission is not this one's.
        if (!t.submissionId.isEmpty()) {
            QFile cursor(dir + QStringLiteral("/log.cursor"));
            const QString saved =
                cursor.open(QIODevice::ReadOnly) ? QString::fromUtf8(cursor.readLine()).trimmed() : QString();
            if (saved != t.submissionId) {
                QFile::remove(dir + QStringLiteral("/log"));
                QFile::remove(dir + QStringLiteral("/log.cursor"));
            }
        }
        t.store = std::make_unique<LogStore>(dir + QStringLiteral("/log"));
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
        if (!t.submissionId.isEmpty()) { // a log kept for another submission of the same name is not this one's
            QFile cursor(dir + QStringLiteral("/provisioning.cursor"));
            const QString saved =
                cursor.open(QIODevice::ReadOnly) ? QString::fromUtf8(cursor.readLine()).trimmed() : QString();
            if (saved != t.submissionId) {
                QFile::remove(dir + QStringLiteral("/provisioning.log"));
                QFile::remove(dir + QStringLiteral("/provisioning.cursor"));
            }
        }
        t.diagStore = std::make_unique<LogStore>(dir + QStringLiteral("/provisioning.log"));
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
