#include "ui/offers/FleetApplier.h"

#include "core/backends/dstack/DstackBackend.h"
#include "core/backends/dstack/DstackFleets.h"
#include "core/common/StatePaths.h"
#include "core/config/ConfigParser.h"
#include "core/config/FleetTemplate.h"

#include <QDir>
#include <QFileInfo>
#include <QMessageBox>
#include <QPushButton>
#include <QWidget>

namespace gantry::ui {

FleetApplier::FleetApplier(QWidget *dialogParent)
    : QObject(dialogParent)
    , m_dialogParent(dialogParent)
{}

bool FleetApplier::isBusy() const
{
    return !m_backend.isNull();
}

QMessageBox *FleetApplier::confirmation() const
{
    return m_confirmation.data();
}

QString FleetApplier::createFor(DstackBackend *backend, const Configuration &run)
{
    if (!backend || isBusy())
        return {};
    if (run.filePath.isEmpty()) {
        finish({}, tr("Save the configuration first: the fleet file is written next to it."));
        return {};
    }
    const QString path = QFileInfo(run.filePath).absoluteDir().filePath(QStringLiteral("fleet.dstack.yml"));
    if (!QFileInfo::exists(path)) {
        if (QString error; !writeFileAtomically(path, fleetYamlFor(run), &error)) {
            finish({}, tr("Cannot write %1: %2").arg(path, error));
            return {};
        }
    }
    Q_EMIT openFileRequested(path);
    const ParseResult parsed = loadConfiguration(path);
    if (!parsed.valid() || !parsed.configuration->isFleet()) {
        QStringList problems;
        for (const Diagnostic &d : parsed.diagnostics)
            if (d.severity == Severity::Error)
                problems << d.toString();
        finish({},
               parsed.configuration && !parsed.configuration->isFleet()
                   ? tr("%1 exists and is not a fleet configuration; rename it or make it one.").arg(path)
                   : tr("%1 needs fixing before it can be applied: %2").arg(path, problems.join(QStringLiteral("; "))));
        return path;
    }
    planAndConfirm(backend, *parsed.configuration);
    return path;
}

void FleetApplier::planAndConfirm(DstackBackend *backend, const Configuration &fleet)
{
    if (!backend || isBusy())
        return;
    m_backend = backend;
    m_fleet = fleet;
    Q_EMIT status(tr("Planning the fleet on project <b>%1</b>…").arg(backend->projectName().toHtmlEscaped()));
    DstackFleets *fleets = backend->fleets();
    connect(fleets, &DstackFleets::planned, this, [this](int id, const FleetPlanInfo &plan) {
        if (id != m_request)
            return;
        disconnect(m_backend->fleets(), &DstackFleets::planned, this, nullptr);
        if (!plan.error.isEmpty())
            finish({}, plan.error);
        else
            confirm(plan);
    });
    m_request = fleets->plan(fleet);
}

void FleetApplier::confirm(const FleetPlanInfo &plan)
{
    QString details = QStringLiteral("<table cellspacing=0 cellpadding=1>");
    for (const auto &[key, value] : plan.header)
        details += QStringLiteral("<tr><td style='padding-right:12px'><b>%1</b></td><td>%2</td></tr>")
                       .arg(key.toHtmlEscaped(), value.toHtmlEscaped());
    details += QStringLiteral("</table>");
    if (plan.ssh)
        details += tr("<p>dstack will connect to %n host(s) over SSH and add them as instances.</p>", nullptr,
                      int(plan.hosts.size()));
    else if (plan.offers.isEmpty())
        details += tr("<p><b>No offer matches the fleet's requirements</b>: its instances cannot be provisioned.</p>");
    else
        details += tr("<p>%1 offers, from %2/h. With <code>nodes: 0..</code> nothing is bought until a run needs an "
                      "instance.</p>")
                       .arg(plan.totalOffers)
                       .arg(Offer::formatPrice(plan.offers.first().price));
    const QString name = plan.fleetName.isEmpty() ? tr("a new fleet") : plan.fleetName;
    m_confirmation = new QMessageBox(
        QMessageBox::Question, plan.exists ? tr("Update fleet %1?").arg(name) : tr("Create fleet %1?").arg(name),
        plan.exists ? tr("Apply %1 to the existing fleet in project %2?").arg(name, plan.project)
                    : tr("Create %1 in project %2?").arg(name, plan.project),
        QMessageBox::Cancel, m_dialogParent);
    m_confirmation->setInformativeText(details);
    QPushButton *apply = m_confirmation->addButton(tr("Apply"), QMessageBox::AcceptRole);
    m_confirmation->setDefaultButton(apply);
    connect(m_confirmation, &QMessageBox::finished, this, [this, apply] {
        QMessageBox *box = m_confirmation;
        const bool accepted = box && box->clickedButton() == apply;
        if (box)
            box->deleteLater();
        m_confirmation = nullptr;
        if (!accepted || !m_backend) {
            finish({}, {});
            return;
        }
        Q_EMIT status(tr("Applying the fleet…"));
        DstackFleets *fleets = m_backend->fleets();
        connect(fleets, &DstackFleets::applied, this, [this](int id, const QString &fleetName, const QString &error) {
            if (id != m_request)
                return;
            disconnect(m_backend->fleets(), &DstackFleets::applied, this, nullptr);
            finish(fleetName, error);
        });
        m_request = fleets->apply(m_fleet);
    });
    m_confirmation->open();
}

void FleetApplier::finish(const QString &fleetName, const QString &error)
{
    if (m_backend)
        m_backend->fleets()->forgetPlan(); // cancelled or failed: no spec with keys stays behind
    m_backend = nullptr;
    m_request = -1;
    Q_EMIT fleetFinished(fleetName, error);
}

} // namespace gantry::ui
