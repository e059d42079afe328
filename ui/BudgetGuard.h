#pragma once

// The cost guard while runs are up: every 30 s it adds up what every backend's runs cost
// (the status bar's "today $…"), tells at 80% and 100% of a run's or the day's budget, and,
// with "stop runs at the budget" on, stops the runs that reached it. The rules are the core's
// (cost/CostGuard); this only brings the runs, the settings and the clock to them.

#include "core/cost/CostGuard.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace gantry {
class Backend;
}

namespace gantry::ui {

class BudgetGuard : public QObject
{
    Q_OBJECT
public:
    explicit BudgetGuard(QObject *parent = nullptr);

    void setBackends(const QList<Backend *> &backends);
    // One round at `now` (the timer calls it with the current time).
    void check(const QDateTime &now);
    double spentToday() const { return m_spentToday; }

Q_SIGNALS:
    void spentTodayChanged(double amount);
    // A threshold passed; `problem` for 100%. The window turns it into a notification.
    void budgetEvent(const QString &title, const QString &message, bool problem);
    void runStopped(const QString &runName, const QString &reason);

private:
    QList<QPointer<Backend>> m_backends;
    BudgetWatch m_watch;
    QTimer m_timer;
    double m_spentToday = -1;
};

} // namespace gantry::ui
