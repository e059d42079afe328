#include "ui/runs/FleetsPanel.h"

#include "core/backends/dstack/DstackBackend.h"
#include "core/backends/dstack/DstackFleets.h"
#include "core/models/FleetsModel.h"
#include "ui/Look.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>
#include <memory>

namespace gantry::ui {

namespace {

// Idle instances cost money while doing nothing: their rows stand out.
class IdleCostDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        if (index.parent().isValid() && index.data(FleetsModel::IdleCostRole).toDouble() > 0) {
            option->backgroundBrush = QColor(255, 228, 196);
            option->palette.setColor(QPalette::Text, QColor(140, 60, 0));
            if (index.column() == FleetsModel::Price || index.column() == FleetsModel::Status)
                option->font.setBold(true);
        }
    }
};

} // namespace

FleetsPanel::FleetsPanel(QWidget *parent)
    : QWidget(parent)
    , m_model(new FleetsModel(this))
    , m_tree(new QTreeView(this))
    , m_summary(new QLabel(this))
    , m_message(new QLabel(this))
    , m_refresh(new QPushButton(tr("Refresh"), this))
    , m_delete(new QPushButton(tr("Delete…"), this))
{
    m_tree->setModel(m_model);
    m_tree->setItemDelegate(new IdleCostDelegate(m_tree));
    m_tree->setUniformRowHeights(true);
    m_tree->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_tree->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tree->setAlternatingRowColors(true);
    m_tree->header()->setSectionResizeMode(FleetsModel::Resources, QHeaderView::Stretch);
    m_tree->setColumnWidth(FleetsModel::Name, 200);
    m_delete->setToolTip(tr("Delete the selected fleet, or the selected instances (their runs end with them)"));
    m_delete->setEnabled(false);
    m_summary->setTextFormat(Qt::RichText);
    m_message->setWordWrap(true);
    m_message->hide();

    auto *actions = new QHBoxLayout;
    actions->addWidget(m_refresh);
    actions->addWidget(m_delete);
    actions->addWidget(m_summary, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(actions);
    layout->addWidget(m_message);
    layout->addWidget(m_tree, 1);

    connect(m_refresh, &QPushButton::clicked, this, &FleetsPanel::refresh);
    connect(m_delete, &QPushButton::clicked, this, &FleetsPanel::deleteSelected);
    connect(m_tree->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            [this] { m_delete->setEnabled(m_tree->selectionModel()->hasSelection()); });
    connect(m_model, &QAbstractItemModel::rowsInserted, m_tree, [this](const QModelIndex &parent) {
        if (!parent.isValid())
            m_tree->expandAll();
    });
    m_timer.setInterval(5000);
    connect(&m_timer, &QTimer::timeout, this, &FleetsPanel::refresh);
    updateSummary();
}

void FleetsPanel::setBackends(const QList<Backend *> &backends)
{
    for (Backend *backend : backends) {
        auto *dstack = qobject_cast<DstackBackend *>(backend);
        if (!dstack || m_backends.contains(dstack))
            continue;
        m_backends << dstack;
        // What the project's fleets already are (the tab may be built after they were listed).
        m_model->setFleets(dstack->projectName(), dstack->fleets()->fleets());
        connect(dstack->fleets(), &DstackFleets::fleetsChanged, this, [this, dstack] {
            m_model->setFleets(dstack->projectName(), dstack->fleets()->fleets());
            m_tree->expandAll();
            updateSummary();
        });
        connect(dstack->fleets(), &DstackFleets::listed, this, [this, dstack](const QString &error) {
            m_message->setVisible(!error.isEmpty());
            if (!error.isEmpty())
                m_message->setText(
                    tr("<b>%1:</b> %2").arg(dstack->projectName().toHtmlEscaped(), error.toHtmlEscaped()));
            updateSummary();
        });
    }
    updateSummary();
    if (isVisible())
        refresh();
}

void FleetsPanel::refresh()
{
    for (const QPointer<DstackBackend> &b : std::as_const(m_backends))
        if (b)
            b->fleets()->refresh();
}

void FleetsPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
    m_timer.start();
}

void FleetsPanel::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_timer.stop();
}

QMessageBox *FleetsPanel::deleteQuestion() const
{
    return m_question.data();
}

QString FleetsPanel::summaryText() const
{
    return m_summary->text();
}

void FleetsPanel::updateSummary()
{
    if (m_backends.isEmpty()) {
        m_summary->setText(tr("<i>Fleets belong to dstack projects: add a server with File › dstack Server….</i>"));
        return;
    }
    if (m_model->fleetCount() == 0) {
        m_summary->setText(
            tr("No fleets: runs on a dstack project need one. Plan a configuration and press <i>Create a fleet…</i>."));
        return;
    }
    const int idle = m_model->idleCount();
    m_summary->setText(
        idle == 0 ? tr("%n fleet(s)", nullptr, m_model->fleetCount())
                  : tr("%n fleet(s); <b style='color:#8c3c00'>%1 idle instance(s) cost %2/h while serving no run</b>",
                       nullptr, m_model->fleetCount())
                        .arg(idle)
                        .arg(Offer::formatPrice(m_model->idleCostPerHour())));
}

DstackBackend *FleetsPanel::backendOf(const QString &project) const
{
    for (const QPointer<DstackBackend> &b : m_backends)
        if (b && b->projectName() == project)
            return b;
    return nullptr;
}

void FleetsPanel::deleteSelected()
{
    const QModelIndexList rows = m_tree->selectionModel()->selectedRows();
    if (rows.isEmpty() || m_question)
        return;
    // A selected fleet row deletes the fleet; otherwise the selected instances, per fleet.
    const QModelIndex first = rows.first();
    const QString project = m_model->projectAt(first);
    const QString fleet = first.data(FleetsModel::FleetNameRole).toString();
    const bool wholeFleet =
        std::any_of(rows.cbegin(), rows.cend(), [](const QModelIndex &i) { return !i.parent().isValid(); });
    QList<int> nums;
    QStringList doomed;
    const FleetInfo *info = m_model->fleetAt(first);
    if (!info)
        return;
    for (const FleetInstanceInfo &i : info->instances) {
        const bool picked = wholeFleet || std::any_of(rows.cbegin(), rows.cend(), [&](const QModelIndex &r) {
                                return r.parent().isValid() && r.data(FleetsModel::FleetNameRole).toString() == fleet &&
                                       r.data(FleetsModel::InstanceNumRole).toInt() == i.num;
                            });
        if (!picked || !i.isActive())
            continue;
        nums << i.num;
        doomed << tr("instance %1 (%2 %3, %4/h%5)")
                      .arg(i.num)
                      .arg(i.backend, i.instanceType.isEmpty() ? i.hostname : i.instanceType,
                           i.price < 0 ? QStringLiteral("-") : Offer::formatPrice(i.price),
                           i.runName.isEmpty() ? QString() : tr(", ends run %1").arg(i.runName));
    }
    const QString title = wholeFleet ? tr("Delete fleet %1?").arg(fleet)
                                     : tr("Delete %n instance(s) of %1?", nullptr, int(nums.size())).arg(fleet);
    m_question = new QMessageBox(
        QMessageBox::Warning, title,
        wholeFleet ? tr("Fleet %1 in project %2 and everything in it are terminated:").arg(fleet, project)
                   : tr("These instances of fleet %1 in project %2 are terminated:").arg(fleet, project),
        QMessageBox::Cancel, this);
    m_question->setInformativeText(doomed.isEmpty() ? tr("No running instance.") : doomed.join(QLatin1Char('\n')));
    QPushButton *confirm = m_question->addButton(tr("Delete"), QMessageBox::DestructiveRole);
    connect(m_question, &QMessageBox::finished, this, [this, confirm, project, fleet, wholeFleet, nums] {
        QMessageBox *box = m_question;
        const bool accepted = box && box->clickedButton() == confirm;
        if (box)
            box->deleteLater();
        m_question = nullptr;
        DstackBackend *backend = backendOf(project);
        if (!accepted || !backend)
            return;
        DstackFleets *fleets = backend->fleets();
        const int id = wholeFleet ? fleets->deleteFleet(fleet) : fleets->deleteInstances(fleet, nums);
        auto connection = std::make_shared<QMetaObject::Connection>();
        *connection = connect(
            fleets, &DstackFleets::deleted, this, [this, id, connection, fleet](int done, const QString &error) {
                if (done != id)
                    return;
                disconnect(*connection);
                m_message->setText(error.isEmpty() ? tr("Deleting %1…").arg(fleet.toHtmlEscaped())
                                                   : tr("<b>Delete failed:</b> %1").arg(error.toHtmlEscaped()));
                m_message->show();
            });
    });
    m_question->open();
}

} // namespace gantry::ui
