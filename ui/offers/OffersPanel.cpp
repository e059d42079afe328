#include "ui/offers/OffersPanel.h"
#include "ui/Look.h"

#include "core/backends/Backend.h"
#include "core/config/ModelSizing.h"
#include "core/cost/CostGuard.h"
#include "core/models/GpuGroupsModel.h"
#include "core/models/OffersModel.h"
#include "ui/Settings.h"
#include "ui/offers/FleetNote.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QVBoxLayout>

namespace gantry::ui {

namespace {

// Unavailable offers are listed but dimmed, as dstack's CLI does.
class OfferRowDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        if (!index.data(OffersModel::AvailableRole).toBool())
            option->palette.setColor(QPalette::Text, option->palette.color(QPalette::Disabled, QPalette::Text));
        if (index.column() == OffersModel::Price)
            option->font.setBold(true);
    }
};

QString htmlEscape(const QString &s)
{
    return s.toHtmlEscaped();
}

} // namespace

OffersPanel::OffersPanel(QWidget *parent)
    : QWidget(parent)
    , m_model(new OffersModel(this))
    , m_table(new QTableView(this))
    , m_header(new QLabel(this))
    , m_message(new QLabel(this))
    , m_footer(new QLabel(this))
    , m_busyBox(new QWidget(this))
    , m_planButton(new QPushButton(tr("Plan"), this))
    , m_deploy(new QPushButton(tr("Deploy"), this))
    , m_gpuName(new QLineEdit(this))
    , m_minGpuMemory(new QDoubleSpinBox(this))
    , m_gpuCount(new QSpinBox(this))
    , m_backendFilter(new QComboBox(this))
    , m_region(new QLineEdit(this))
    , m_spot(new QComboBox(this))
    , m_maxPrice(new QDoubleSpinBox(this))
    , m_hideTooSmall(new QCheckBox(tr("Hide GPUs too small for the model"), this))
    , m_cost(new QLabel(this))
{
    QLayout *actions = buildActionRow();
    // The plan header, as dstack prints it.
    m_header->setTextFormat(Qt::RichText);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_header->setText(tr("<i>Press Plan to see where this configuration can run.</i>"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();

    QHBoxLayout *filters = buildFilterBar();
    setUpTable();

    QFont small = m_footer->font();
    small.setPointSizeF(small.pointSizeF() * 0.95);
    m_footer->setFont(small);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(actions);
    layout->addWidget(m_header);
    m_cost->hide();
    layout->addWidget(m_cost);
    layout->addWidget(m_message);
    setUpFleets();
    layout->addWidget(m_fleetNote);
    filters->addWidget(m_groupByGpu);
    layout->addLayout(filters);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_groupTable, 1);
    layout->addWidget(m_footer);

    setConfiguration(std::nullopt);
    updateFooter();
}

// Top: Plan / Deploy and the per-backend busy indicators.
QLayout *OffersPanel::buildActionRow()
{
    auto *actions = new QHBoxLayout;
    m_planButton->setToolTip(tr("Ask every backend for offers (Ctrl+P)"));
    m_deploy->setToolTip(tr("Deploy the configuration on the selected offer (Ctrl+D)"));
    m_deploy->setEnabled(false);
    m_planButton->setDefault(true);
    actions->addWidget(m_planButton);
    actions->addWidget(m_deploy);
    auto *busyLayout = new QHBoxLayout(m_busyBox);
    busyLayout->setContentsMargins(0, 0, 0, 0);
    actions->addWidget(m_busyBox);
    actions->addStretch(1);

    connect(m_planButton, &QPushButton::clicked, this, &OffersPanel::plan);
    connect(m_deploy, &QPushButton::clicked, this, &OffersPanel::deploySelected);
    return actions;
}

// The filter bar: GPU name, memory and count, backend, region, spot, price; each narrows at once.
QHBoxLayout *OffersPanel::buildFilterBar()
{
    auto *filters = new QHBoxLayout;
    m_gpuName->setPlaceholderText(tr("GPU name"));
    m_gpuName->setClearButtonEnabled(true);
    m_minGpuMemory->setRange(0, 1024);
    m_minGpuMemory->setSuffix(tr(" GB"));
    m_minGpuMemory->setDecimals(0);
    m_minGpuMemory->setSpecialValueText(tr("any GPU mem"));
    m_gpuCount->setRange(0, 64);
    m_gpuCount->setPrefix(tr("≥ "));
    m_gpuCount->setSuffix(tr(" GPU"));
    m_gpuCount->setSpecialValueText(tr("any GPU count"));
    m_backendFilter->addItem(tr("All backends"), QString());
    m_region->setPlaceholderText(tr("Region"));
    m_region->setClearButtonEnabled(true);
    m_spot->addItem(tr("Spot & on-demand"), int(SpotFilter::Any));
    m_spot->addItem(tr("Spot only"), int(SpotFilter::SpotOnly));
    m_spot->addItem(tr("On-demand only"), int(SpotFilter::OnDemandOnly));
    m_maxPrice->setRange(0, 1000);
    m_maxPrice->setDecimals(2);
    m_maxPrice->setPrefix(tr("≤ $"));
    m_maxPrice->setSuffix(tr("/h"));
    m_maxPrice->setSpecialValueText(tr("any price"));
    for (QWidget *w : std::initializer_list<QWidget *>{m_gpuName, m_minGpuMemory, m_gpuCount, m_backendFilter, m_region,
                                                       m_spot, m_maxPrice})
        filters->addWidget(w);
    m_hideTooSmall->hide();
    filters->addWidget(m_hideTooSmall);
    connect(m_hideTooSmall, &QCheckBox::toggled, this, &OffersPanel::applyFilter);
    connect(m_gpuName, &QLineEdit::textChanged, this, &OffersPanel::applyFilter);
    connect(m_region, &QLineEdit::textChanged, this, &OffersPanel::applyFilter);
    connect(m_minGpuMemory, &QDoubleSpinBox::valueChanged, this, &OffersPanel::applyFilter);
    connect(m_maxPrice, &QDoubleSpinBox::valueChanged, this, &OffersPanel::applyFilter);
    connect(m_gpuCount, &QSpinBox::valueChanged, this, &OffersPanel::applyFilter);
    connect(m_backendFilter, &QComboBox::currentIndexChanged, this, &OffersPanel::applyFilter);
    connect(m_spot, &QComboBox::currentIndexChanged, this, &OffersPanel::applyFilter);

    return filters;
}

// The table: uniform rows, sorted by the model itself (no proxy).
void OffersPanel::setUpTable()
{
    m_table->setModel(m_model);
    m_table->setItemDelegate(new OfferRowDelegate(m_table));
    setUpDataTable(m_table);
    m_table->horizontalHeader()->setSectionResizeMode(OffersModel::Resources, QHeaderView::Stretch);
    m_table->setColumnWidth(OffersModel::Number, 48);
    m_table->setColumnWidth(OffersModel::Backend, 90);
    m_table->setColumnWidth(OffersModel::Region, 130);
    m_table->setColumnWidth(OffersModel::Instance, 170);
    m_table->setColumnWidth(OffersModel::Spot, 90);
    m_table->setColumnWidth(OffersModel::Price, 90);
    m_table->setColumnWidth(OffersModel::Availability, 110);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(OffersModel::Number, Qt::AscendingOrder);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        m_deploy->setEnabled(m_applying.isEmpty() && m_table->selectionModel()->hasSelection());
        updateCost();
    });
    connect(m_table, &QTableView::doubleClicked, this, &OffersPanel::deploySelected);
    connect(m_model, &QAbstractItemModel::modelReset, this, &OffersPanel::updateFooter);
}

void OffersPanel::setBackends(const QList<Backend *> &backends)
{
    for (const QPointer<Backend> &b : std::as_const(m_backends))
        if (b)
            disconnect(b, nullptr, this, nullptr);
    m_backends.clear();
    qDeleteAll(m_busy);
    m_busy.clear();
    for (Backend *backend : backends) {
        m_backends << backend;
        connect(backend, &Backend::planFinished, this,
                [this, backend](int id, const Plan &plan) { onPlanFinished(backend, id, plan); });
        connect(backend, &Backend::applyFinished, this,
                [this, backend](int id, const QString &run, const QString &error) {
                    onApplyFinished(backend, id, run, error);
                });
        auto *bar = new QProgressBar(m_busyBox);
        bar->setRange(0, 0); // indeterminate while this backend plans
        bar->setMaximumWidth(180);
        bar->setFormat(backendKindName(backend->kind()));
        bar->setTextVisible(true);
        bar->setToolTip(tr("%1 is planning…").arg(backend->displayName()));
        bar->hide();
        m_busyBox->layout()->addWidget(bar);
        m_busy.insert(backend, bar);
    }
    setConfiguration(m_configuration);
}

void OffersPanel::setConfiguration(const std::optional<Configuration> &configuration)
{
    m_configuration = configuration;
    // Mark (and optionally hide) offers whose GPUs cannot hold the model, when its size is known.
    std::optional<ModelEstimate> estimate;
    if (configuration && configuration->resources.gpu.required())
        estimate = estimateModel(*configuration);
    const double need = estimate ? estimate->totalGb() : 0;
    const bool needChanged = need != m_model->modelNeedGb();
    m_model->setModelNeedGb(need);
    m_hideTooSmall->setVisible(estimate.has_value());
    if (estimate)
        m_hideTooSmall->setToolTip(
            tr("%1 in %2 needs %3").arg(estimate->displayName, estimate->precision, estimate->breakdown()) +
            QStringLiteral("\n") + estimate->assumptions.join(QLatin1Char('\n')));
    if (needChanged)
        applyFilter();
    const bool ok = configuration.has_value() && !m_backends.isEmpty();
    m_planButton->setEnabled(ok && m_pending.isEmpty());
    m_planButton->setToolTip(!configuration         ? tr("Fix the configuration's errors first")
                             : m_backends.isEmpty() ? tr("No backend is configured")
                                                    : tr("Ask every backend for offers (Ctrl+P)"));
}

void OffersPanel::plan()
{
    if (!m_configuration || !m_pending.isEmpty())
        return;
    if (m_configuration->isFleet()) {
        planFleet();
        return;
    }
    m_needsFleet.clear();
    m_fleetNote->hide();
    m_model->clear();
    m_groups->setOffers({});
    m_offerBackend.clear();
    m_message->hide();
    m_header->setText(tr("<i>Planning…</i>"));
    for (const QPointer<Backend> &backend : std::as_const(m_backends)) {
        if (!backend)
            continue;
        m_pending.insert(backend, -1);
        // plan() may answer synchronously; the id must be known before the answer is handled.
        const int id = backend->plan(*m_configuration);
        if (m_pending.contains(backend))
            m_pending[backend] = id;
    }
    updateBusy();
}

void OffersPanel::onPlanFinished(Backend *backend, int requestId, const Plan &plan)
{
    auto it = m_pending.find(backend);
    if (it == m_pending.end() || (*it != -1 && *it != requestId))
        return; // an answer to an earlier plan
    m_pending.erase(it);
    if (!plan.error.isEmpty()) {
        m_message->setText(tr("<b>%1:</b> %2").arg(htmlEscape(backend->displayName()), htmlEscape(plan.error)));
        m_message->show();
    } else if (plan.offers.isEmpty() && !plan.noOffersReason.isEmpty()) {
        m_message->setText(tr("<b>%1:</b> no matching offers. %2")
                               .arg(htmlEscape(backend->displayName()), htmlEscape(plan.noOffersReason)));
        m_message->show();
    }
    if (plan.error.isEmpty())
        showHeader(plan);
    if (plan.needsFleet) {
        m_needsFleet << backend;
        m_fleetNote->showFor(plan.project);
    }
    for (qsizetype i = 0; i < plan.offers.size(); ++i)
        m_offerBackend << backend;
    m_model->appendOffers(plan.offers);
    m_groups->setOffers(m_model->offers());
    const QString current = m_backendFilter->currentData().toString();
    m_backendFilter->blockSignals(true);
    m_backendFilter->clear();
    m_backendFilter->addItem(tr("All backends"), QString());
    for (const QString &b : m_model->backends())
        m_backendFilter->addItem(b, b);
    m_backendFilter->setCurrentIndex(std::max(0, m_backendFilter->findData(current)));
    m_backendFilter->blockSignals(false);
    updateBusy();
    if (m_pending.isEmpty()) {
        if (m_model->rowCount() > 0 && !m_table->selectionModel()->hasSelection())
            m_table->selectRow(0);
        Q_EMIT planFinished();
    }
}

QString OffersPanel::costText() const
{
    return m_cost->isHidden() ? QString() : m_cost->text();
}

void OffersPanel::updateCost()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty() || !m_configuration) {
        m_cost->hide();
        return;
    }
    const Offer &offer = m_model->offerAt(rows.first().row());
    m_cost->setText(tr("Cost: %1").arg(priceOutlook(offer.price, m_configuration->maxDurationSec).text()));
    m_cost->show();
}

void OffersPanel::showHeader(const Plan &plan)
{
    QString html = QStringLiteral("<table cellspacing=0 cellpadding=1>");
    for (const auto &[key, value] : plan.header)
        html += QStringLiteral("<tr><td style='padding-right:14px'><b>%1</b></td><td>%2</td></tr>")
                    .arg(htmlEscape(key), htmlEscape(value));
    html += QStringLiteral("</table>");
    m_header->setText(html);
}

void OffersPanel::deploySelected()
{
    if (!m_configuration || !m_applying.isEmpty())
        return;
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    const int offerIndex = m_model->offerIndexAt(rows.first().row());
    Backend *backend = m_offerBackend.value(offerIndex);
    if (!backend || refuseDeployWithoutFleet(backend))
        return;
    // The cost guard: a deploy that could pass the budget asks first (without blocking).
    const Offer &offer = m_model->offers().at(offerIndex);
    QList<RunInfo> runs;
    for (const QPointer<Backend> &b : std::as_const(m_backends)) {
        if (b)
            runs += b->runs();
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const DeployCheck check = checkDeploy(Settings::instance().budget(), offer.price, m_configuration->maxDurationSec,
                                          spendToday(runs, now), now);
    if (check.withinBudget) {
        startDeploy(offerIndex);
        return;
    }
    delete m_budgetQuestion;
    m_budgetQuestion =
        new QMessageBox(QMessageBox::Warning, tr("Over budget?"), check.message, QMessageBox::Cancel, this);
    m_budgetQuestion->setInformativeText(priceOutlook(offer.price, m_configuration->maxDurationSec).text());
    QPushButton *anyway = m_budgetQuestion->addButton(tr("Deploy anyway"), QMessageBox::AcceptRole);
    connect(m_budgetQuestion, &QMessageBox::finished, this, [this, anyway, offerIndex] {
        QMessageBox *box = m_budgetQuestion;
        m_budgetQuestion = nullptr;
        if (box->clickedButton() == anyway)
            startDeploy(offerIndex);
        box->deleteLater();
    });
    m_budgetQuestion->open();
}

void OffersPanel::startDeploy(int offerIndex)
{
    Backend *backend = m_offerBackend.value(offerIndex);
    if (!backend || !m_configuration || !m_applying.isEmpty())
        return;
    m_deploy->setEnabled(false);
    m_applying.insert(backend, -1);
    const int id = backend->apply(*m_configuration, m_model->offers().at(offerIndex));
    if (m_applying.contains(backend))
        m_applying[backend] = id;
    m_message->setText(
        tr("Deploying on %1… (%2)")
            .arg(htmlEscape(m_model->offers().at(offerIndex).instanceName),
                 htmlEscape(
                     priceOutlook(m_model->offers().at(offerIndex).price, m_configuration->maxDurationSec).text())));
    m_message->show();
}

void OffersPanel::onApplyFinished(Backend *backend, int requestId, const QString &runName, const QString &error)
{
    auto it = m_applying.find(backend);
    if (it == m_applying.end() || (*it != -1 && *it != requestId))
        return;
    m_applying.erase(it);
    m_deploy->setEnabled(m_table->selectionModel()->hasSelection());
    if (!error.isEmpty()) {
        m_message->setText(tr("<b>Deploy failed:</b> %1").arg(htmlEscape(error)));
        m_message->show();
        Q_EMIT deployFailed(error);
        return;
    }
    m_message->setText(tr("Submitted run <b>%1</b>. Follow it in the Runs tab.").arg(htmlEscape(runName)));
    m_message->show();
    Q_EMIT deployed(runName, backendKindName(backend->kind()));
}

void OffersPanel::applyFilter()
{
    OfferFilter f;
    f.gpuName = m_gpuName->text().trimmed();
    f.minGpuMemoryGb = m_minGpuMemory->value();
    f.minGpuCount = m_gpuCount->value();
    f.backend = m_backendFilter->currentData().toString();
    f.region = m_region->text().trimmed();
    f.spot = SpotFilter(m_spot->currentData().toInt());
    if (m_maxPrice->value() > 0)
        f.maxPrice = m_maxPrice->value();
    if (!m_hideTooSmall->isHidden() && m_hideTooSmall->isChecked())
        f.minTotalGpuMemoryGb = m_model->modelNeedGb();
    m_model->setFilter(f);
}

void OffersPanel::updateBusy()
{
    for (auto it = m_busy.begin(); it != m_busy.end(); ++it)
        it.value()->setVisible(m_pending.contains(it.key()));
    m_planButton->setEnabled(m_configuration.has_value() && !m_backends.isEmpty() && m_pending.isEmpty());
}

void OffersPanel::updateFooter()
{
    m_footer->setText(m_model->totalCount() == 0 ? tr("No offers yet") : m_model->footerText());
}

QString OffersPanel::footerText() const
{
    return m_footer->text();
}

QString OffersPanel::messageText() const
{
    return m_message->isHidden() ? QString() : m_message->text();
}

} // namespace gantry::ui
