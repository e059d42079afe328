#include "ui/runs/RunsPanel.h"
#include "ui/Look.h"

#include "core/backends/Backend.h"
#include "core/models/RunsModel.h"
#include "ui/runs/LogView.h"
#include "ui/runs/MetricsChart.h"

#include <algorithm>

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QStyledItemDelegate>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace gantry::ui {

namespace {

QColor statusColor(RunStatus status, bool ready, bool dark)
{
    switch (status) {
    case RunStatus::Running:
        return ready ? (dark ? QColor(0x81, 0xc7, 0x84) : QColor(0x1b, 0x7f, 0x3b))
                     : (dark ? QColor(0x64, 0xb5, 0xf6) : QColor(0x15, 0x65, 0xc0));
    case RunStatus::Pending:
    case RunStatus::Submitted:
    case RunStatus::Provisioning:
        return dark ? QColor(0xff, 0xd5, 0x4f) : QColor(0xa6, 0x6a, 0x00);
    case RunStatus::Failed:
        return dark ? QColor(0xef, 0x9a, 0x9a) : QColor(0xc6, 0x28, 0x28);
    case RunStatus::Terminating:
    case RunStatus::Terminated:
    case RunStatus::Done:
        return {};
    }
    return {};
}

class StatusDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        const auto status = RunStatus(index.data(RunsModel::StatusRole).toInt());
        const bool dark = isDark(option->palette);
        const QColor c = statusColor(status, index.data(RunsModel::ReadyRole).toBool(), dark);
        if (c.isValid()) {
            option->palette.setColor(QPalette::Text, c);
            option->font.setBold(true);
        } else {
            option->palette.setColor(QPalette::Text, option->palette.color(QPalette::PlaceholderText));
        }
    }
};

} // namespace

RunsPanel::RunsPanel(QWidget *parent)
    : QWidget(parent)
    , m_model(new RunsModel(this))
    , m_refresh(new QTimer(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    // The backends refresh themselves and say so (runsChanged); this only moves the clock the
    // durations and "running for" columns are counted against.
    m_refresh->setInterval(2000);
    connect(m_refresh, &QTimer::timeout, this, [this] { m_model->setNow(QDateTime::currentDateTimeUtc()); });
    m_refresh->start();
}

void RunsPanel::showEvent(QShowEvent *event)
{
    build();
    QWidget::showEvent(event);
}

void RunsPanel::build()
{
    if (m_table)
        return;
    m_table = new QTableView(this);
    m_title = new QLabel(this);
    m_details = new QLabel(this);
    m_url = new QLineEdit(this);
    m_copyUrl = new QPushButton(tr("Copy"), this);
    m_stop = new QPushButton(tr("Stop"), this);
    m_abort = new QPushButton(tr("Abort"), this);
    m_chat = new QPushButton(tr("Chat with this model"), this);
    m_timeline = new QTreeWidget(this);
    m_log = new LogView(this);
    m_provisioning = new LogView(this);
    m_metrics = new MetricsChart(this);
    m_jobPicker = new QComboBox(this);
    m_jobRow = new QWidget(this);

    m_table->setModel(m_model);
    m_table->setItemDelegateForColumn(RunsModel::Status, new StatusDelegate(m_table));
    setUpDataTable(m_table);
    m_table->horizontalHeader()->setSectionResizeMode(RunsModel::Status, QHeaderView::Stretch);
    // Sort by a clicked column (first click: largest first, e.g. the dearest runs by cost).
    m_table->horizontalHeader()->setSectionsClickable(true);
    connect(m_table->horizontalHeader(), &QHeaderView::sectionClicked, this, [this](int column) {
        m_sortOrder =
            column == m_sortColumn && m_sortOrder == Qt::DescendingOrder ? Qt::AscendingOrder : Qt::DescendingOrder;
        m_sortColumn = column;
        m_table->horizontalHeader()->setSortIndicatorShown(true);
        m_table->horizontalHeader()->setSortIndicator(column, m_sortOrder);
        m_model->sort(column, m_sortOrder);
    });
    m_table->setColumnWidth(RunsModel::Name, 170);
    m_table->setColumnWidth(RunsModel::Configuration, 170);
    m_table->setColumnWidth(RunsModel::Backend, 80);
    m_table->setColumnWidth(RunsModel::Age, 60);
    m_table->setColumnWidth(RunsModel::Price, 80);
    m_table->setColumnWidth(RunsModel::Cost, 80);

    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.2);
    m_title->setFont(titleFont);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setWordWrap(true);
    m_url->setReadOnly(true);
    m_url->setPlaceholderText(tr("waiting for the service to become ready"));
    m_stop->setToolTip(tr("Stop the run gracefully (Ctrl+.)"));
    m_abort->setToolTip(tr("Kill the run at once"));
    m_chat->setToolTip(tr("Open the Chat tab on this run's model"));

    auto *actions = new QHBoxLayout;
    actions->addWidget(new QLabel(tr("Endpoint:"), this));
    actions->addWidget(m_url, 1);
    actions->addWidget(m_copyUrl);
    actions->addSpacing(12);
    actions->addWidget(m_chat);
    actions->addWidget(m_stop);
    actions->addWidget(m_abort);

    m_timeline->setColumnCount(3);
    m_timeline->setHeaderLabels({tr("Time"), tr("Status"), tr("Message")});
    m_timeline->setRootIsDecorated(false);
    m_timeline->setUniformRowHeights(true);
    m_timeline->setColumnWidth(0, 170);
    m_timeline->setColumnWidth(1, 110);

    m_tabs = new QTabWidget(this);
    auto *tabs = m_tabs;
    tabs->addTab(m_log, tr("Logs"));
    // The steps before the service's own output (dstack: the runner's log); same view, search and follow.
    tabs->addTab(m_provisioning, tr("Provisioning"));
    tabs->addTab(m_timeline, tr("Timeline"));
    tabs->addTab(m_metrics, tr("Metrics"));

    // Logs and metrics are per job: the picker says whose (dstack: one replica, one node).
    auto *jobLayout = new QHBoxLayout(m_jobRow);
    jobLayout->setContentsMargins(0, 0, 0, 0);
    auto *jobLabel = new QLabel(tr("Logs and metrics of:"), m_jobRow);
    jobLabel->setBuddy(m_jobPicker);
    jobLayout->addWidget(jobLabel);
    jobLayout->addWidget(m_jobPicker);
    jobLayout->addStretch(1);
    m_jobPicker->setToolTip(
        tr("This run has several jobs (replicas of a service, nodes of a task); each has its own log and metrics"));
    m_jobPicker->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_jobRow->setVisible(false);
    connect(m_jobPicker, &QComboBox::currentIndexChanged, this, &RunsPanel::showPickedJob);

    auto *detail = new QWidget(this);
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->addWidget(m_title);
    detailLayout->addWidget(m_details);
    detailLayout->addLayout(actions);
    detailLayout->addWidget(m_jobRow);
    detailLayout->addWidget(tabs, 1);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_table);
    split->addWidget(detail);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    split->setSizes({160, 520});
    layout()->addWidget(split);

    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &RunsPanel::showSelected);
    connect(m_model, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex &tl, const QModelIndex &br) {
        const int row = m_model->rowOfRun(m_shownRun);
        if (row >= tl.row() && row <= br.row() && tl.column() == 0)
            showSelected();
    });
    connect(m_copyUrl, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(m_url->text()); });
    connect(m_stop, &QPushButton::clicked, this, [this] { stopSelected(false); });
    connect(m_abort, &QPushButton::clicked, this, [this] { stopSelected(true); });
    connect(m_chat, &QPushButton::clicked, this, [this] {
        const int row = m_model->rowOfRun(selectedRun());
        if (row < 0 || !m_model->runAt(row).model)
            return;
        const RunInfo &run = m_model->runAt(row);
        Backend *backend = backendOf(run.name);
        Q_EMIT chatRequested(*run.model, backend ? backend->modelToken(run.name) : QString(), run.name);
    });
    // Shown now, within this show: a layout shows a new child only one event later.
    if (isVisible())
        split->show();
    if (const int row = m_model->rowOfRun(m_selected); row >= 0)
        m_table->selectRow(row);
    showSelected();
}

void RunsPanel::setBackends(const QList<Backend *> &backends)
{
    for (const QPointer<Backend> &b : std::as_const(m_backends))
        if (b)
            disconnect(b, nullptr, this, nullptr);
    m_backends.clear();
    for (Backend *backend : backends) {
        m_backends << backend;
        connect(backend, &Backend::runsChanged, this, &RunsPanel::collectRuns);
        connect(backend, &Backend::metricsUpdated, this, [this, backend](const QString &run) {
            if (run == m_shownRun && m_metrics)
                m_metrics->setSamples(backend->jobMetrics(run, pickedJob()));
        });
    }
    collectRuns();
}

void RunsPanel::refreshNow()
{
    for (const QPointer<Backend> &b : std::as_const(m_backends))
        if (b)
            b->refresh();
    m_model->setNow(QDateTime::currentDateTimeUtc());
}

QString RunsPanel::modelToken(const QString &runName) const
{
    const Backend *backend = backendOf(runName);
    return backend ? backend->modelToken(runName) : QString();
}

Backend *RunsPanel::backendOf(const QString &runName) const
{
    return m_runBackend.value(runName);
}

void RunsPanel::collectRuns()
{
    QList<RunInfo> all;
    m_runBackend.clear();
    for (const QPointer<Backend> &b : std::as_const(m_backends)) {
        if (!b)
            continue;
        for (const RunInfo &run : b->runs()) {
            all << run;
            m_runBackend.insert(run.name, b);
        }
    }
    // Newest first.
    std::stable_sort(all.begin(), all.end(),
                     [](const RunInfo &a, const RunInfo &b) { return a.submittedAt > b.submittedAt; });
    // Notice transitions the user wants to hear about (not on the first look at a run).
    for (const RunInfo &run : std::as_const(all)) {
        const QString state = toString(run.status) + (run.ready ? QStringLiteral("/ready") : QString());
        const auto previous = m_lastState.constFind(run.name);
        if (previous != m_lastState.constEnd() && *previous != state) {
            if (run.ready && !previous->endsWith(QLatin1String("/ready")))
                Q_EMIT runBecameReady(run.name, run.serviceUrl);
            else if (run.status == RunStatus::Failed)
                Q_EMIT runFailed(run.name, run.error.isEmpty() ? run.statusMessage : run.error);
        }
        m_lastState.insert(run.name, state);
    }
    const QString keep = selectedRun();
    m_model->setNow(QDateTime::currentDateTimeUtc());
    m_model->setRuns(all);
    if (m_sortColumn >= 0)
        m_model->sort(m_sortColumn, m_sortOrder);
    if (!keep.isEmpty() && selectedRun() != keep)
        selectRun(keep);
    else if (keep.isEmpty() && m_model->rowCount() > 0)
        selectRun(m_model->runAt(0).name);
    showSelected();
    Q_EMIT runsUpdated();
}

void RunsPanel::selectRun(const QString &name)
{
    const int row = m_model->rowOfRun(name);
    if (row < 0)
        return;
    m_selected = name;
    if (m_table)
        m_table->selectRow(row);
}

QString RunsPanel::selectedRun() const
{
    if (!m_table)
        return m_model->rowOfRun(m_selected) >= 0 ? m_selected : QString();
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.first().data(RunsModel::RunNameRole).toString();
}

void RunsPanel::stopSelected(bool abort)
{
    const QString name = selectedRun();
    if (Backend *b = backendOf(name))
        b->stop(name, abort);
}

void RunsPanel::showSelected()
{
    if (!m_table)
        return; // built with the selection shown when first needed
    const QString name = selectedRun();
    const int row = m_model->rowOfRun(name);
    const bool has = row >= 0;
    for (QWidget *w : std::initializer_list<QWidget *>{m_stop, m_abort, m_copyUrl, m_chat})
        w->setEnabled(false);
    if (!has) {
        m_title->setText(m_model->rowCount() == 0 ? tr("No runs yet — plan a configuration and press Deploy")
                                                  : tr("Select a run"));
        m_details->clear();
        m_url->clear();
        m_timeline->clear();
        if (!m_shownRun.isEmpty()) {
            m_log->setStore(nullptr);
            m_provisioning->setStore(nullptr);
            m_metrics->setSamples({});
        }
        m_shownRun.clear();
        m_jobRow->setVisible(false);
        return;
    }
    const RunInfo &run = m_model->runAt(row);
    Backend *backend = backendOf(name);
    m_title->setText(run.name);
    QStringList facts;
    facts << tr("status <b>%1</b>").arg(m_model->index(row, RunsModel::Status).data().toString().toHtmlEscaped());
    facts << tr("backend %1").arg(run.backend.toHtmlEscaped());
    if (!run.offer.instanceName.isEmpty())
        facts << run.offer.instanceName.toHtmlEscaped() + QStringLiteral(" — ") +
                     run.offer.resourcesText().toHtmlEscaped();
    facts << tr("%1/h, %2 so far").arg(Offer::formatPrice(run.price), Offer::formatPrice(run.cost));
    if (run.model)
        facts << tr("model <b>%1</b>").arg(run.model->name.toHtmlEscaped());
    if (!run.error.isEmpty())
        facts << QStringLiteral("<span style='color:#c62828'>%1</span>").arg(run.error.toHtmlEscaped());
    m_details->setText(facts.join(QStringLiteral(" · ")));
    const bool active = !isFinal(run.status);
    const bool published = run.ready && active;
    m_url->setText(published ? (run.model ? run.model->baseUrl : run.serviceUrl) : QString());
    if (!active)
        m_url->setPlaceholderText(tr("the run ended (%1): it no longer has an endpoint").arg(toString(run.status)));
    else if (run.status == RunStatus::Terminating)
        m_url->setPlaceholderText(tr("the run is stopping"));
    else
        m_url->setPlaceholderText(tr("waiting for the service to become ready"));
    m_copyUrl->setEnabled(!m_url->text().isEmpty());
    m_stop->setEnabled(active && run.status != RunStatus::Terminating);
    m_abort->setEnabled(active);
    m_chat->setEnabled(run.ready && run.model.has_value() && active);

    m_timeline->clear();
    QList<StatusEvent> events = run.history + m_notes.value(run.name);
    std::stable_sort(events.begin(), events.end(),
                     [](const StatusEvent &a, const StatusEvent &b) { return a.at < b.at; });
    for (const StatusEvent &e : std::as_const(events))
        new QTreeWidgetItem(
            m_timeline, {e.at.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")), e.status, e.message});

    if (m_shownRun != name) {
        m_shownRun = name;
        updateJobPicker(run, true);
        m_log->setStore(backend ? backend->jobLogStore(name, pickedJob()) : nullptr);
        LogStore *provisioning = backend ? backend->provisioningLogStore(name) : nullptr;
        m_provisioning->setStore(provisioning);
        const int tab = m_tabs->indexOf(m_provisioning);
        m_tabs->setTabEnabled(tab, provisioning != nullptr);
        m_tabs->setTabToolTip(
            tab, provisioning
                     ? tr("How the run was provisioned: the runner's own log")
                     : tr("This backend writes its provisioning steps into the run's log (the lines from gantry)"));
        m_metrics->setSamples(backend ? backend->jobMetrics(name, pickedJob()) : QList<MetricSample>());
    } else {
        updateJobPicker(run, false);
    }
}

void RunsPanel::updateJobPicker(const RunInfo &run, bool newRun)
{
    bool byReplica = false, byJob = false; // name jobs by what tells them apart
    for (const RunJob &job : run.jobs) {
        byReplica = byReplica || job.replica != run.jobs.first().replica;
        byJob = byJob || job.job != run.jobs.first().job;
    }
    QStringList labels;
    for (const RunJob &job : run.jobs)
        labels << job.label(byReplica, byJob || !byReplica) + QStringLiteral(" — ") + job.status;
    bool sameJobs = !newRun && m_jobPicker->count() == run.jobs.size();
    for (int i = 0; sameJobs && i < run.jobs.size(); ++i)
        sameJobs = m_jobPicker->itemData(i).toPoint() == QPoint(run.jobs[i].replica, run.jobs[i].job);
    if (sameJobs) { // only statuses changed: keep the list (and an open popup) as it is
        for (int i = 0; i < labels.size(); ++i)
            m_jobPicker->setItemText(i, labels[i]);
    } else {
        const QVariant picked = newRun ? QVariant() : m_jobPicker->currentData();
        const QSignalBlocker quiet(m_jobPicker);
        m_jobPicker->clear();
        for (int i = 0; i < run.jobs.size(); ++i)
            m_jobPicker->addItem(labels[i], QPoint(run.jobs[i].replica, run.jobs[i].job));
        const int index = picked.isValid() ? m_jobPicker->findData(picked) : 0;
        m_jobPicker->setCurrentIndex(qMax(0, index));
        if (!newRun && index < 0)
            showPickedJob(); // the picked job is gone: show the first
    }
    m_jobRow->setVisible(run.jobs.size() > 1);
}

RunJob RunsPanel::pickedJob() const
{
    const QPoint picked = m_jobPicker ? m_jobPicker->currentData().toPoint() : QPoint();
    return RunJob{picked.x(), picked.y(), QString()};
}

void RunsPanel::showPickedJob()
{
    Backend *backend = backendOf(m_shownRun);
    m_log->setStore(backend ? backend->jobLogStore(m_shownRun, pickedJob()) : nullptr);
    m_metrics->setSamples(backend ? backend->jobMetrics(m_shownRun, pickedJob()) : QList<MetricSample>());
}

void RunsPanel::addTimelineNote(const QString &runName, const StatusEvent &event)
{
    m_notes[runName] << event;
    if (m_shownRun == runName && m_timeline) {
        new QTreeWidgetItem(m_timeline, {event.at.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                                         event.status, event.message});
    }
}

QStringList RunsPanel::timelineText()
{
    build();
    QStringList rows;
    for (int i = 0; i < m_timeline->topLevelItemCount(); ++i)
        rows << m_timeline->topLevelItem(i)->text(1) + QStringLiteral(": ") + m_timeline->topLevelItem(i)->text(2);
    return rows;
}

} // namespace gantry::ui
