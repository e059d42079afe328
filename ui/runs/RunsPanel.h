#pragma once

// The Runs tab: every backend's runs in one table; for the selected run its status
// timeline, endpoint, log, metrics, and the Stop / Abort / Chat actions.

#include "core/runs/RunInfo.h"

#include <QHash>
#include <QList>
#include <QPointer>
#include <QWidget>

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
    QTableView *table() const { return m_table; }
    LogView *logView() const { return m_log; }
    LogView *provisioningView() const { return m_provisioning; }
    QPushButton *chatButton() const { return m_chat; }
    QPushButton *stopButton() const { return m_stop; }
    QLineEdit *endpointField() const { return m_url; }

    void selectRun(const QString &name);
    QString selectedRun() const;
    void stopSelected(bool abort);
    // An event Gantry itself caused (the cost guard stopping a run at its budget), shown in
    // the run's timeline among the backend's own events.
    void addTimelineNote(const QString &runName, const StatusEvent &event);
    QStringList timelineText() const; // the shown run's timeline rows, "status: message"
    void refreshNow();
    // The bearer token for this run's model (the dstack token; empty for local runs).
    QString modelToken(const QString &runName) const;

Q_SIGNALS:
    // The selected run's model, for the Chat tab (token: what to send as bearer, maybe empty).
    void chatRequested(const gantry::ModelEndpoint &endpoint, const QString &token, const QString &runName);
    void runBecameReady(const QString &runName, const QString &url);
    void runFailed(const QString &runName, const QString &message);
    void runsUpdated();

private:
    void collectRuns();
    void showSelected();
    Backend *backendOf(const QString &runName) const;

    QList<QPointer<Backend>> m_backends;
    QHash<QString, Backend *> m_runBackend;
    QHash<QString, QString> m_lastState; // run → "status/ready", to notice transitions
    RunsModel *m_model;
    QTableView *m_table;
    QLabel *m_title;
    QLabel *m_details;
    QLineEdit *m_url;
    QPushButton *m_copyUrl;
    QPushButton *m_stop;
    QPushButton *m_abort;
    QPushButton *m_chat;
    QTreeWidget *m_timeline;
    QHash<QString, QList<StatusEvent>> m_notes;
    int m_sortColumn = -1; // a header the user clicked (Cost: dearest first); -1 = newest first
    Qt::SortOrder m_sortOrder = Qt::DescendingOrder; // run name → Gantry's own timeline events
    LogView *m_log;
    LogView *m_provisioning;
    QTabWidget *m_tabs = nullptr;
    MetricsChart *m_metrics;
    QTimer *m_refresh;
    QString m_shownRun;
};

} // namespace gantry::ui
