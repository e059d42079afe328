#pragma once

// The run monitor's list: one row per run a backend knows. setRuns() diffs by run name, so
// the selection and scroll position survive the periodic refresh.

#include "core/runs/RunInfo.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <QList>

namespace gantry {

class RunsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Name, Configuration, Backend, Status, Age, Price, Cost, ColumnCount };
    enum Role {
        SortRole = Qt::UserRole, // raw value: submittedAt for Age, double for Price/Cost
        StatusRole, // int(RunStatus): the view colours the status cell
        ReadyRole, // bool: the service answers
        RunNameRole,
    };

    explicit RunsModel(QObject *parent = nullptr);

    void setRuns(const QList<RunInfo> &runs);
    const QList<RunInfo> &runs() const { return m_runs; }
    const RunInfo &runAt(int row) const { return m_runs[row]; }
    int rowOfRun(const QString &name) const; // -1 when unknown

    // Ages and costs move with the clock: call now and then (the view does, every few seconds).
    void setNow(const QDateTime &now);

    // Active runs and what they cost together per hour (the status bar).
    int activeCount() const;
    double activePricePerHour() const;

    static QString ageText(const QDateTime &from, const QDateTime &now); // "12s", "5m", "3h", "2d"

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    // Reorders the rows (selection follows). Cost sorts by what a run has cost so far: the
    // backend's figure, or its price × time when that is more (cost/CostGuard's runSpend).
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

private:
    QString statusText(const RunInfo &run) const;
    // Each name's first row, as rowOfRun finds it: one pass instead of a search per run.
    QHash<QString, int> rowsByName() const;

    QList<RunInfo> m_runs;
    QDateTime m_now = QDateTime::currentDateTimeUtc();
};

} // namespace gantry
