#pragma once

// The Fleets tab: every dstack project's fleets and their instances (FleetsModel) — status,
// backend, region, instance type, resources, price/h, the run a busy instance serves — with
// idle instances that cost money highlighted and summed ("2 idle instances cost $1.2/h").
// Delete a fleet, or the selected instances, after a confirmation that names what is
// terminated. Refreshes every 5 s while shown.

#include <QList>
#include <QPointer>
#include <QTimer>
#include <QWidget>

class QLabel;
class QMessageBox;
class QPushButton;
class QTreeView;

namespace gantry {
class Backend;
class DstackBackend;
class FleetsModel;
} // namespace gantry

namespace gantry::ui {

class FleetsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit FleetsPanel(QWidget *parent = nullptr);

    void setBackends(const QList<Backend *> &backends);
    void refresh();

    FleetsModel *model() const { return m_model; }
    QTreeView *tree() const { return m_tree; }
    QPushButton *deleteButton() const { return m_delete; }
    QString summaryText() const;
    // Open while a deletion waits for confirmation (tests read and answer it).
    QMessageBox *deleteQuestion() const;

    // Asks to delete what is selected: a fleet row = the fleet; instance rows = those instances.
    void deleteSelected();

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void updateSummary();
    DstackBackend *backendOf(const QString &project) const;

    QList<QPointer<DstackBackend>> m_backends;
    FleetsModel *m_model;
    QTreeView *m_tree;
    QLabel *m_summary;
    QLabel *m_message;
    QPushButton *m_refresh;
    QPushButton *m_delete;
    QTimer m_timer;
    QPointer<QMessageBox> m_question;
};

} // namespace gantry::ui
