#include "core/backends/dstack/DstackFleets.h"

#include "core/backends/dstack/DstackClient.h"
#include "core/backends/dstack/DstackFleetModels.h"
#include "core/backends/dstack/DstackFleetRequests.h"

#include <QFileInfo>
#include <QFutureWatcher>
#include <QPointer>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

namespace gantry {

using json = nlohmann::json;

namespace {

// What a user sees of a fleet list: a change emits fleetsChanged.
QString listSignature(const QList<FleetInfo> &fleets)
{
    QStringList parts;
    for (const FleetInfo &f : fleets) {
        parts << f.name + QLatin1Char('|') + f.status + QLatin1Char('|') + f.nodes;
        for (const FleetInstanceInfo &i : f.instances)
            parts << QString::number(i.num) + i.status + i.runName + i.instanceType + QString::number(i.price);
    }
    return parts.join(QLatin1Char(';'));
}

} // namespace

DstackFleets::DstackFleets(DstackClient *client, const QString &project, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_project(project)
{}

QString DstackFleets::signatureOf(const Configuration &fleet)
{
    return fleet.filePath + QLatin1Char('\n') + QString::fromStdString(fleet.canonical.dump());
}

void DstackFleets::refresh()
{
    m_client->post(
        m_client->projectPath(QStringLiteral("fleets/list")), dstackListFleetsBody(), this,
        [this](const json &body) {
            if (!body.is_array()) {
                Q_EMIT listed(QStringLiteral("fleets/list did not answer with a list: not what dstack sends"));
                return;
            }
            const QList<FleetInfo> fleets = dstackFleetList(body);
            const bool changed = !m_listed || listSignature(fleets) != listSignature(m_fleets);
            m_fleets = fleets;
            m_raw = withoutSshKeys(body);
            m_listed = true;
            Q_EMIT listed(QString());
            if (changed)
                Q_EMIT fleetsChanged();
        },
        [this](const DstackError &e) { Q_EMIT listed(e.message); });
}

void DstackFleets::buildSpec(const Configuration &fleet, std::function<void(json, QString)> then)
{
    auto *watcher = new QFutureWatcher<std::pair<json, QString>>(this);
    const QString baseDir = QFileInfo(fleet.filePath).absolutePath();
    connect(watcher, &QFutureWatcher<std::pair<json, QString>>::finished, this, [watcher, then] {
        auto [spec, error] = watcher->result();
        watcher->deleteLater();
        then(std::move(spec), error);
    });
    watcher->setFuture(QtConcurrent::run([fleet, baseDir] {
        QString error;
        json spec = dstackFleetSpec(fleet, &error, localSshKeyReader(baseDir)).value_or(json());
        return std::make_pair(std::move(spec), error);
    }));
}

int DstackFleets::plan(const Configuration &fleet)
{
    const int id = m_nextId++;
    sendPlan(id, fleet, [this, id](const FleetPlanInfo &p) { Q_EMIT planned(id, p); });
    return id;
}

void DstackFleets::sendPlan(int id, const Configuration &fleet, std::function<void(const FleetPlanInfo &)> then)
{
    Q_UNUSED(id);
    auto failed = [this](const QString &error) {
        FleetPlanInfo p;
        p.project = m_project;
        p.error = error;
        return p;
    };
    if (!fleet.isFleet()) {
        const FleetPlanInfo p =
            failed(QStringLiteral("%1 is a %2 configuration, not a fleet").arg(fleet.filePath, fleet.typeName));
        QTimer::singleShot(0, this, [then, p] { then(p); });
        return;
    }
    const QString signature = signatureOf(fleet);
    buildSpec(fleet, [this, signature, then, failed](json spec, const QString &error) {
        if (!error.isEmpty()) {
            then(failed(error));
            return;
        }
        m_client->post(
            m_client->projectPath(QStringLiteral("fleets/get_plan")), dstackFleetGetPlanBody(spec), this,
            [this, signature, spec, then](const json &answer) {
                m_planSignature = signature;
                m_planSpec = spec;
                m_planCurrent = answer.is_object() ? answer.value("current_resource", json()) : json();
                then(dstackFleetPlan(answer));
            },
            [then, failed](const DstackError &e) { then(failed(e.message)); }, 60000);
    });
}

int DstackFleets::apply(const Configuration &fleet)
{
    const int id = m_nextId++;
    if (!m_planSpec.is_null() && m_planSignature == signatureOf(fleet)) {
        sendApply(id, m_planSpec, m_planCurrent);
        return id;
    }
    sendPlan(id, fleet, [this, id](const FleetPlanInfo &p) {
        if (!p.error.isEmpty()) {
            Q_EMIT applied(id, QString(), p.error);
            return;
        }
        sendApply(id, m_planSpec, m_planCurrent);
    });
    return id;
}

void DstackFleets::sendApply(int id, const json &spec, const json &current)
{
    m_client->post(
        m_client->projectPath(QStringLiteral("fleets/apply")), dstackFleetApplyBody(spec, current), this,
        [this, id](const json &fleet) {
            forgetPlan(); // the keys served their purpose: the spec is kept no longer
            Q_EMIT applied(id, dstackFleetInfo(fleet).name, QString());
            refresh();
        },
        [this, id](const DstackError &e) { Q_EMIT applied(id, QString(), e.message); }, 60000);
}

void DstackFleets::forgetPlan()
{
    m_planSpec = json();
    m_planCurrent = json();
    m_planSignature.clear();
}

int DstackFleets::deleteFleet(const QString &name)
{
    const int id = m_nextId++;
    m_client->post(
        m_client->projectPath(QStringLiteral("fleets/delete")), dstackDeleteFleetsBody({name}), this,
        [this, id](const json &) {
            Q_EMIT deleted(id, QString());
            refresh();
        },
        [this, id](const DstackError &e) { Q_EMIT deleted(id, e.message); });
    return id;
}

int DstackFleets::deleteInstances(const QString &name, const QList<int> &instanceNums)
{
    const int id = m_nextId++;
    m_client->post(
        m_client->projectPath(QStringLiteral("fleets/delete_instances")),
        dstackDeleteFleetInstancesBody(name, instanceNums), this,
        [this, id](const json &) {
            Q_EMIT deleted(id, QString());
            refresh();
        },
        [this, id](const DstackError &e) { Q_EMIT deleted(id, e.message); });
    return id;
}

} // namespace gantry
