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
class QMessageBox;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableView;

namespace gantry {
class Backend;
class OffersModel;
} // namespace gantry

namespace gantry::ui {

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

Q_SIGNALS:
    void planFinished();
    void deployed(const QString &runName, const QString &backendId);
    void deployFailed(const QString &message);

private:
    void onPlanFinished(Backend *backend, int requestId, const Plan &plan);
    void onApplyFinished(Backend *backend, int requestId, const QString &runName, const QString &error);
    void applyFilter();
    void updateBusy();
    void updateFooter();
    void showHeader(const Plan &plan);
    void startDeploy(int offerIndex);
    void updateCost();

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
};

} // namespace gantry::ui
