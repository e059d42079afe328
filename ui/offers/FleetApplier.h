#pragma once

// Applying a fleet from the GUI: fleets/get_plan, a confirmation that shows the plan (nodes,
// resources, offers — or the hosts of an SSH fleet), then fleets/apply on "Apply". "Create a
// fleet" first writes fleet.dstack.yml next to the run's configuration (FleetTemplate: the
// run's resources, spot policy and backends with nodes 0..1) and asks for it to be opened in
// the editor. The confirmation is modeless (open()), so nothing blocks the event loop.

#include "core/config/Configuration.h"
#include "core/runs/FleetInfo.h"

#include <QObject>
#include <QPointer>

class QMessageBox;
class QWidget;

namespace gantry {
class DstackBackend;
}

namespace gantry::ui {

class FleetApplier : public QObject
{
    Q_OBJECT
public:
    explicit FleetApplier(QWidget *dialogParent);

    // Writes <run's folder>/fleet.dstack.yml for `run` (an existing file is kept: it is the
    // user's), asks for it to be opened, then plans and confirms it. Returns the file's path,
    // empty with fleetFinished(error) when it cannot be written.
    QString createFor(DstackBackend *backend, const Configuration &run);
    // Plans a `type: fleet` configuration on the backend's project and asks to apply it.
    void planAndConfirm(DstackBackend *backend, const Configuration &fleet);

    bool isBusy() const;
    // Open while the user decides (tests press its Apply button).
    QMessageBox *confirmation() const;

Q_SIGNALS:
    void openFileRequested(const QString &path);
    void status(const QString &html);
    // The fleet was applied (error empty) or it was not, with why; cancelled is not an error.
    void fleetFinished(const QString &fleetName, const QString &error);

private:
    void confirm(const FleetPlanInfo &plan);
    void finish(const QString &fleetName, const QString &error);

    QWidget *m_dialogParent;
    QPointer<DstackBackend> m_backend;
    Configuration m_fleet;
    int m_request = -1;
    QPointer<QMessageBox> m_confirmation;
};

} // namespace gantry::ui
