#pragma once

// What a run will cost and whether the user's budget allows it. Pure functions and one small
// stateful watcher, with the time passed in, so every rule is tested without waiting:
//   - the outlook before deploy: $/hour, $/day, and the bound max_duration puts on a run;
//   - the deploy check: a run that can pass the per-run or the day's budget asks first;
//   - the watch: 80% and 100% of a run's or the day's budget, announced once each, and the
//     runs to stop when "stop runs at the budget" is on.
// Money is in the offers' currency ($), time in UTC. A run's spend is its price × the time
// since it was submitted (to its end), or what the backend reports when that is more.

#include "core/runs/RunInfo.h"

#include <QDateTime>
#include <QList>
#include <QSet>
#include <QString>

#include <optional>

namespace gantry {

struct Budget {
    std::optional<double> perRun; // $ per run
    std::optional<double> perDay; // $ per UTC day, across backends
    bool stopAtBudget = false; // stop runs that reach a budget
    bool isSet() const { return perRun.has_value() || perDay.has_value(); }
};

struct PriceOutlook {
    double perHour = 0;
    double perDay = 0;
    std::optional<double> forMaxDuration; // max_duration × price, when max_duration is set
    std::optional<int> maxDurationSec;
    // "$1.2/h · $28.8/day · at most $9.6 (max_duration 8h)"; "free" for a price of 0.
    QString text() const;
};

PriceOutlook priceOutlook(double pricePerHour, std::optional<int> maxDurationSec);

// "$0.25", "$12.5", "$1,234": money for messages.
QString formatMoney(double amount);
// "8h", "1h30m", "45m": a duration for messages.
QString formatDuration(qint64 seconds);

// What a run has cost by `now`.
double runSpend(const RunInfo &run, const QDateTime &now);
// What runs have cost within the UTC day of `now`.
double spendToday(const QList<RunInfo> &runs, const QDateTime &now);

struct DeployCheck {
    bool withinBudget = true;
    QString message; // why not, and what to do: shown in the confirmation
};

// Whether deploying at `pricePerHour` stays within `budget`, given what was spent today.
// A run without max_duration is bounded only by the stop at the budget (when on) or by the
// end of the day.
DeployCheck checkDeploy(const Budget &budget, double pricePerHour, std::optional<int> maxDurationSec, double spentToday,
                        const QDateTime &now);

struct BudgetEvent {
    enum class Scope { Run, Day };
    Scope scope = Scope::Run;
    QString runName; // Scope::Run; empty for the day
    int percent = 80; // 80 or 100
    double spent = 0;
    double budget = 0;
    QStringList stop; // runs to stop now (stopAtBudget and percent 100)
    QString message; // for the notification and the run's timeline
};

// Remembers which thresholds were announced, so each is told once (per run, and per day).
class BudgetWatch
{
public:
    // The new events for `runs` at `now`; runs already final are never stopped.
    QList<BudgetEvent> update(const QList<RunInfo> &runs, const Budget &budget, const QDateTime &now);

private:
    QSet<QString> m_announced; // "run:<name>:80", "day:<yyyy-MM-dd>:100"
};

} // namespace gantry
