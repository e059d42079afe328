#include "core/cost/CostGuard.h"

#include <QLocale>

#include <algorithm>
#include <cmath>

namespace gantry {

namespace {

bool isActive(const RunInfo &run)
{
    return !isFinal(run.status);
}

QDateTime endOf(const RunInfo &run, const QDateTime &now)
{
    return isFinal(run.status) && run.finishedAt.isValid() ? std::min(run.finishedAt, now) : now;
}

QDateTime startOfDay(const QDateTime &now)
{
    const QDateTime utc = now.toUTC();
    return QDateTime(utc.date(), QTime(0, 0), Qt::UTC);
}

} // namespace

QString formatMoney(double amount)
{
    const double rounded = amount >= 100 ? std::round(amount) : std::round(amount * 100) / 100;
    QString text = QLocale::c().toString(rounded, 'f', amount >= 100 ? 0 : 2);
    if (text.contains(QLatin1Char('.'))) {
        while (text.endsWith(QLatin1Char('0')))
            text.chop(1);
        if (text.endsWith(QLatin1Char('.')))
            text.chop(1);
    }
    return QLatin1Char('$') + text;
}

QString formatDuration(qint64 seconds)
{
    const qint64 h = seconds / 3600, m = (seconds % 3600) / 60;
    if (h > 0 && m > 0)
        return QStringLiteral("%1h%2m").arg(h).arg(m);
    if (h > 0)
        return QStringLiteral("%1h").arg(h);
    return QStringLiteral("%1m").arg(std::max<qint64>(m, seconds > 0 ? 1 : 0));
}

QString PriceOutlook::text() const
{
    if (perHour <= 0)
        return QStringLiteral("free (price $0)");
    QString t = QStringLiteral("%1/h · %2/day").arg(formatMoney(perHour), formatMoney(perDay));
    if (forMaxDuration)
        t += QStringLiteral(" · at most %1 (max_duration %2)")
                 .arg(formatMoney(*forMaxDuration), formatDuration(maxDurationSec.value_or(0)));
    else
        t += QStringLiteral(" · no max_duration: it costs until stopped");
    return t;
}

PriceOutlook priceOutlook(double pricePerHour, std::optional<int> maxDurationSec)
{
    PriceOutlook o;
    o.perHour = pricePerHour;
    o.perDay = pricePerHour * 24;
    o.maxDurationSec = maxDurationSec;
    if (maxDurationSec && *maxDurationSec > 0)
        o.forMaxDuration = pricePerHour * *maxDurationSec / 3600.0;
    return o;
}

double runSpend(const RunInfo &run, const QDateTime &now)
{
    double byTime = 0;
    if (run.submittedAt.isValid()) {
        const qint64 seconds = std::max<qint64>(0, run.submittedAt.secsTo(endOf(run, now)));
        byTime = run.price * seconds / 3600.0;
    }
    return std::max(byTime, run.cost);
}

double spendToday(const QList<RunInfo> &runs, const QDateTime &now)
{
    const QDateTime dayStart = startOfDay(now);
    double total = 0;
    for (const RunInfo &run : runs) {
        if (!run.submittedAt.isValid())
            continue;
        const QDateTime end = endOf(run, now);
        const QDateTime start = std::max(run.submittedAt, dayStart);
        if (end > start)
            total += run.price * start.secsTo(end) / 3600.0;
    }
    return total;
}

DeployCheck checkDeploy(const Budget &budget, double pricePerHour, std::optional<int> maxDurationSec, double spentToday,
                        const QDateTime &now)
{
    DeployCheck check;
    if (pricePerHour <= 0 || !budget.isSet())
        return check;
    QStringList reasons;
    const bool bounded = maxDurationSec && *maxDurationSec > 0;
    if (budget.perRun) {
        if (bounded && pricePerHour * *maxDurationSec / 3600.0 > *budget.perRun) {
            reasons << QStringLiteral("with max_duration %1 it may cost %2, over the per-run budget of %3")
                           .arg(formatDuration(*maxDurationSec), formatMoney(pricePerHour * *maxDurationSec / 3600.0),
                                formatMoney(*budget.perRun));
        } else if (!bounded && !budget.stopAtBudget) {
            reasons
                << QStringLiteral(
                       "it has no max_duration, so it passes the per-run budget of %1 after %2 and nothing stops it")
                       .arg(formatMoney(*budget.perRun), formatDuration(qint64(*budget.perRun / pricePerHour * 3600)));
        }
    }
    if (budget.perDay) {
        const qint64 leftToday = now.toUTC().secsTo(startOfDay(now).addDays(1));
        const qint64 seconds = bounded ? std::min<qint64>(*maxDurationSec, leftToday) : leftToday;
        const double today = spentToday + pricePerHour * seconds / 3600.0;
        if (spentToday >= *budget.perDay) {
            reasons << QStringLiteral("today's budget of %1 is already spent (%2)")
                           .arg(formatMoney(*budget.perDay), formatMoney(spentToday));
        } else if (today > *budget.perDay && !budget.stopAtBudget) {
            reasons << QStringLiteral("running %1 today would bring today's spend to %2, over the daily budget of %3")
                           .arg(formatDuration(seconds), formatMoney(today), formatMoney(*budget.perDay));
        }
    }
    if (!reasons.isEmpty()) {
        check.withinBudget = false;
        check.message =
            QStringLiteral("At %1/h, %2. Set max_duration, or turn on \"stop runs at the budget\" in Settings, "
                           "or deploy anyway.")
                .arg(formatMoney(pricePerHour), reasons.join(QStringLiteral("; ")));
    }
    return check;
}

QList<BudgetEvent> BudgetWatch::update(const QList<RunInfo> &runs, const Budget &budget, const QDateTime &now)
{
    QList<BudgetEvent> events;
    if (!budget.isSet())
        return events;
    const auto announce = [&](const QString &key) {
        if (m_announced.contains(key))
            return false;
        m_announced.insert(key);
        return true;
    };
    if (budget.perRun) {
        for (const RunInfo &run : runs) {
            if (run.price <= 0)
                continue;
            const double spent = runSpend(run, now);
            for (const int percent : {100, 80}) {
                if (spent < *budget.perRun * percent / 100.0)
                    continue;
                const QString key = QStringLiteral("run:%1:%2:%3").arg(run.backend, run.name).arg(percent);
                if (!announce(key))
                    break;
                if (percent == 100)
                    m_announced.insert(QStringLiteral("run:%1:%2:80").arg(run.backend, run.name));
                BudgetEvent e;
                e.scope = BudgetEvent::Scope::Run;
                e.runName = run.name;
                e.percent = percent;
                e.spent = spent;
                e.budget = *budget.perRun;
                if (percent == 100 && budget.stopAtBudget && isActive(run))
                    e.stop << run.name;
                e.message = percent == 100
                                ? QStringLiteral("%1 has cost %2, its budget of %3%4")
                                      .arg(run.name, formatMoney(spent), formatMoney(*budget.perRun),
                                           e.stop.isEmpty() ? QString() : QStringLiteral(": stopped at the budget"))
                                : QStringLiteral("%1 has cost %2, 80% of its budget of %3")
                                      .arg(run.name, formatMoney(spent), formatMoney(*budget.perRun));
                events << e;
                break;
            }
        }
    }
    if (budget.perDay) {
        const double spent = spendToday(runs, now);
        const QString day = now.toUTC().date().toString(Qt::ISODate);
        for (const int percent : {100, 80}) {
            if (spent < *budget.perDay * percent / 100.0)
                continue;
            if (!announce(QStringLiteral("day:%1:%2").arg(day).arg(percent)))
                break;
            if (percent == 100)
                m_announced.insert(QStringLiteral("day:%1:80").arg(day));
            BudgetEvent e;
            e.scope = BudgetEvent::Scope::Day;
            e.percent = percent;
            e.spent = spent;
            e.budget = *budget.perDay;
            if (percent == 100 && budget.stopAtBudget) {
                for (const RunInfo &run : runs) {
                    if (isActive(run) && run.price > 0)
                        e.stop << run.name;
                }
            }
            e.message =
                percent == 100
                    ? QStringLiteral("Today's spend is %1, the daily budget of %2%3")
                          .arg(formatMoney(spent), formatMoney(*budget.perDay),
                               e.stop.isEmpty() ? QString()
                                                : QStringLiteral(": stopped %1").arg(e.stop.join(QStringLiteral(", "))))
                    : QStringLiteral("Today's spend is %1, 80% of the daily budget of %2")
                          .arg(formatMoney(spent), formatMoney(*budget.perDay));
            events << e;
            break;
        }
    }
    return events;
}

} // namespace gantry
