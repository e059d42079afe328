#pragma once

// The Runs tab: every backend's runs in one table; for the selected run its status
// timeline, endpoint, log, metrics, and the Stop / Abort / Chat actions. The runs (model(),
// the signals, the selection) exist from the start: the sidebar and the status bar show them.
// The widgets are built when the tab is first shown or one of them is asked for, not for a
// first frame that shows another tab (issue 14).

#include "core/runs/RunInfo.h"

#include <QHash>
#include <QList>
#include <QPointer>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTabWidget;
class QTableView;
class QTimer;
class QTreeWidget;

namespace gantry {
class Backend;
class RunsModel;
} // namespace gantry

namespace gantry::ui {

class LogView;
class MetricsChart;

class RunsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit RunsPanel(QWidget *parent = nullptr);

    void setBackends(const QList<Backend *> &backends);
    RunsModel *model() const { return m_model; }
    // Each builds the widgets if they are not yet.
    QTableView *table() { return built(m_table); }
    LogView *logView() { return built(m_log); }
    LogView *provisioningView() { return built(m_provisioning); }
    QPushButton *chatButton() { return built(m_chat); }
    QPushButton *stopButton() { return built(m_stop); }
    QLineEdit *endpointField() { return built(m_url); }
    // Which job's log and metrics are shown (a service's replicas, a multi-node task's
    // nodes); shown only for runs of more than one job.
    QComboBox *jobPicker() { return built(m_jobPicker); }
    MetricsChart *metricsChart() { return built(m_metrics); }
    bool isBuilt() const { return m_table != nullptr; }

    void selectRun(const QString &name);
    QString selectedRun() const;
    void stopSelected(bool abort);
    // An event Gantry itself caused (the cost guard stopping a run at its budget), shown in
    // the run's timeline among the backend's own events.
    void addTimelineNote(const QString &runName, const StatusEvent &event);
    QStringList timelineText(); // the shown run's timeline rows, "status: message"
    void refreshNow();
    // The bearer token for this run's model (the dstack token; empty for local runs).
    QString modelToken(const QString &runName) const;

Q_SIGNALS:
    // The selected run's model, for the Chat tab (token: what to send as bearer, maybe empty).
    void chatRequested(const gantry::ModelEndpoint &endpoint, const QString &token, const QString &runName);
    void runBecameReady(const QString &runName, const QString &url);
    void runFailed(const QString &runName, const QString &message);
    void runsUpdated();

protected:
    void showEvent(QShowEvent *event) override;

private:
    void build();
    template <typename Widget>
    Widget *built(Widget *const &member)
    {
        build();
        return member; // read after build() set it
    }
    void collectRuns();
    void showSelected();
    Backend *backendOf(const QString &runName) const;
    void updateJobPicker(const RunInfo &run, bool newRun);
    RunJob pickedJob() const;
    void showPickedJob();

    QList<QPointer<Backend>> m_backends;
    QHash<QString, Backend *> m_runBackend;
    QHash<QString, QString> m_lastState; // run → "status/ready", to notice transitions
    RunsModel *m_model;
    QTableView *m_table = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_details = nullptr;
    QLineEdit *m_url = nullptr;
    QPushButton *m_copyUrl = nullptr;
    QPushButton *m_stop = nullptr;
    QPushButton *m_abort = nullptr;
    QPushButton *m_chat = nullptr;
    QTreeWidget *m_timeline = nullptr;
    QHash<QString, QList<StatusEvent>> m_notes; // run name → Gantry's own timeline events
    int m_sortColumn = -1; // a header the user clicked (Cost: dearest first); -1 = newest first
    Qt::SortOrder m_sortOrder = Qt::DescendingOrder;
    LogView *m_log = nullptr;
    LogView *m_provisioning = nullptr;
    QTabWidget *m_tabs = nullptr;
    MetricsChart *m_metrics = nullptr;
    QComboBox *m_jobPicker = nullptr;
    QWidget *m_jobRow = nullptr;
    QTimer *m_refresh;
    QString m_shownRun;
    QString m_selected; // the selected run while the table is not built
};

} // namespace gantry::ui
