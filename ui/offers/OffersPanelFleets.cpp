// OffersPanel, the fleet part: the "deploying needs a fleet" note and its "Create a fleet"
// button, planning/applying a `type: fleet` file from Plan, and the group-by-GPU view of the
// offers (GpuGroupsModel, dstack's `offer --group-by gpu`).

#include "ui/offers/OffersPanel.h"

#include "core/backends/dstack/DstackBackend.h"
#include "core/models/GpuGroupsModel.h"
#include "core/models/OffersModel.h"
#include "ui/Look.h"
#include "ui/offers/FleetApplier.h"
#include "ui/offers/FleetNote.h"

#include <QCheckBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableView>

namespace gantry::ui {

namespace {

DstackBackend *firstDstack(const QList<QPointer<Backend>> &backends)
{
    for (const QPointer<Backend> &b : backends)
        if (auto *d = qobject_cast<DstackBackend *>(b.data()))
            return d;
    return nullptr;
}

} // namespace

void OffersPanel::setUpFleets()
{
    m_fleetNote = new FleetNote(this);
    m_fleetApplier = new FleetApplier(this);
    m_groups = new GpuGroupsModel(this);
    m_groupByGpu = new QCheckBox(tr("Group by GPU"), this);
    m_groupByGpu->setToolTip(tr(
        "One row per GPU with its offers' count, price range, backends and spot (as `dstack offer --group-by gpu`)"));
    m_groupTable = new QTableView(this);
    m_groupTable->setModel(m_groups);
    setUpDataTable(m_groupTable);
    m_groupTable->horizontalHeader()->setSectionResizeMode(GpuGroupsModel::Backends, QHeaderView::Stretch);
    m_groupTable->hide();
    connect(m_groupByGpu, &QCheckBox::toggled, this, [this](bool grouped) {
        m_groupTable->setVisible(grouped);
        m_table->setVisible(!grouped);
    });
    connect(m_fleetNote, &FleetNote::createRequested, this, &OffersPanel::createFleet);
    connect(m_fleetApplier, &FleetApplier::openFileRequested, this, &OffersPanel::openFileRequested);
    connect(m_fleetApplier, &FleetApplier::status, this, [this](const QString &html) {
        m_message->setText(html);
        m_message->show();
    });
    connect(m_fleetApplier, &FleetApplier::fleetFinished, this, [this](const QString &fleet, const QString &error) {
        updateBusy();
        if (!error.isEmpty()) {
            m_message->setText(tr("<b>Fleet not applied:</b> %1").arg(error.toHtmlEscaped()));
        } else if (fleet.isEmpty()) {
            m_message->setText(tr("Fleet not applied (cancelled)."));
        } else {
            m_message->setText(
                tr("Fleet <b>%1</b> applied. Plan again: offers now come from the fleet.").arg(fleet.toHtmlEscaped()));
            m_fleetNote->hide();
            Q_EMIT fleetApplied(fleet);
            // Back to the configuration the fleet was made for, ready to plan it again.
            if (!m_fleetFor.isEmpty())
                Q_EMIT openFileRequested(m_fleetFor);
        }
        m_message->show();
    });
}

// Plan on a `type: fleet` file: fleets/get_plan on the dstack project, then the confirmation.
void OffersPanel::planFleet()
{
    DstackBackend *dstack = firstDstack(m_backends);
    if (!dstack) {
        m_message->setText(
            tr("A fleet belongs to a dstack project: add a dstack server (File › dstack Server…) to apply it."));
        m_message->show();
        return;
    }
    m_fleetApplier->planAndConfirm(dstack, *m_configuration);
}

void OffersPanel::createFleet()
{
    DstackBackend *dstack = nullptr;
    for (const QPointer<Backend> &b : std::as_const(m_needsFleet))
        if ((dstack = qobject_cast<DstackBackend *>(b.data())))
            break;
    if (!dstack || !m_configuration)
        return;
    const Configuration run = *m_configuration; // opening the fleet file replaces m_configuration
    m_fleetFor = run.filePath;
    m_fleetApplier->createFor(dstack, run);
}

bool OffersPanel::refuseDeployWithoutFleet(Backend *backend)
{
    if (!m_needsFleet.contains(backend))
        return false;
    m_message->setText(tr("<b>Deploying needs a fleet.</b> This project has none: press <i>Create a fleet…</i>, apply "
                          "it, then Plan again."));
    m_message->show();
    return true;
}

} // namespace gantry::ui
