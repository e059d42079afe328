#pragma once

// The Offers tab: Plan asks every backend at once (each answers on its own time; a busy
// indicator per backend), the offers land in one sortable, filterable table, and Deploy
// applies the selected offer on the backend that offered it.

#include "core/config/Configuration.h"
#include "core/offers/Offer.h"

#include <QHash>
#include <QList>
#include <QPointer>
#include <QWidget>

#include <optional>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QHBoxLayout;
class QLayout;
class QMessageBox;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableView;

namespace gantry {
class Backend;
class DstackBackend;
class GpuGroupsModel;
class OffersModel;
} // namespace gantry

namespace gantry::ui {

class FleetApplier;
class FleetNote;

class OffersPanel : public QWidget
{
    Q_OBJECT
public:
    explicit OffersPanel(QWidget *parent = nullptr);

    void setBackends(const QList<Backend *> &backends);
    // What Plan plans; nullopt while the editor's text does not parse.
    void setConfiguration(const std::optional<Configuration> &configuration);

    void plan();
    void deploySelected();
    bool isPlanning() const { return !m_pending.isEmpty(); }

    OffersModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QPushButton *deployButton() const { return m_deploy; }
    QCheckBox *hideTooSmallBox() const { return m_hideTooSmall; }
    // The selected offer's $/h, $/day and max_duration bound (the cost guard's outlook).
    QString costText() const;
    // Open while a deploy waits for "Deploy anyway" because it could pass the budget.
    QMessageBox *budgetQuestion() const { return m_budgetQuestion; }
    QString footerText() const;
    QString messageText() const;

    // Fleets (dstack ≥ 0.20 places runs only into fleets): the note over the offers of a
    // project without one, its "Create a fleet" flow, and offers grouped by GPU.
    FleetNote *fleetNote() const { return m_fleetNote; }
    FleetApplier *fleetApplier() const { return m_fleetApplier; }
    QCheckBox *groupByGpuBox() const { return m_groupByGpu; }
    QTableView *groupTable() const { return m_groupTable; }
    GpuGroupsModel *groupsModel() const { return m_groups; }

Q_SIGNALS:
    void planFinished();
    void deployed(const QString &runName, const QString &backendKind); // backendKindName()
    void deployFailed(const QString &message);
    void openFileRequested(const QString &path); // "Create a fleet" wrote a file to edit
    void fleetApplied(const QString &fleetName);

private:
    QLayout *buildActionRow();
    QHBoxLayout *buildFilterBar();
    void setUpTable();
    void onPlanFinished(Backend *backend, int requestId, const Plan &plan);
    void onApplyFinished(Backend *backend, int requestId, const QString &runName, const QString &error);
    void applyFilter();
    void updateBusy();
    void updateFooter();
    void showHeader(const Plan &plan);
    void startDeploy(int offerIndex);
    void updateCost();
    void setUpFleets(); // OffersPanelFleets.cpp
    void planFleet();
    void createFleet();
    bool refuseDeployWithoutFleet(Backend *backend);

    QList<QPointer<Backend>> m_backends;
    std::optional<Configuration> m_configuration;
    QHash<Backend *, int> m_pending; // backend → plan request in flight
    QHash<Backend *, int> m_applying; // backend → apply request in flight
    QList<Backend *> m_offerBackend; // parallel to the model's offers: who offered it
    OffersModel *m_model;
    QTableView *m_table;
    QLabel *m_header;
    QLabel *m_message;
    QLabel *m_footer;
    QWidget *m_busyBox;
    QHash<Backend *, QProgressBar *> m_busy;
    QPushButton *m_planButton;
    QPushButton *m_deploy;
    QLineEdit *m_gpuName;
    QDoubleSpinBox *m_minGpuMemory;
    QSpinBox *m_gpuCount;
    QComboBox *m_backendFilter;
    QLineEdit *m_region;
    QComboBox *m_spot;
    QDoubleSpinBox *m_maxPrice;
    QCheckBox *m_hideTooSmall; // shown when the model's size is known
    QLabel *m_cost;
    QMessageBox *m_budgetQuestion = nullptr;
    FleetNote *m_fleetNote = nullptr;
    FleetApplier *m_fleetApplier = nullptr;
    QCheckBox *m_groupByGpu = nullptr;
    QTableView *m_groupTable = nullptr;
    GpuGroupsModel *m_groups = nullptr;
    QList<QPointer<Backend>> m_needsFleet; // backends whose last plan said: no fleet
    QString m_fleetFor; // the configuration "Create a fleet" was pressed for
};

} // namespace gantry::ui
