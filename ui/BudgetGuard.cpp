#include "ui/BudgetGuard.h"

#include "core/backends/Backend.h"
#include "ui/Settings.h"

namespace gantry::ui {

BudgetGuard::BudgetGuard(QObject *parent)
    : QObject(parent)
{
    m_timer.setInterval(30'000);
    connect(&m_timer, &QTimer::timeout, this, [this] { check(QDateTime::currentDateTimeUtc()); });
    m_timer.start();
}

void BudgetGuard::setBackends(const QList<Backend *> &backends)
{
    // Called again as backends are added: drop the old connections rather than ask for unique
    // ones (Qt cannot tell two lambdas apart, and refuses such a connection).
    for (const QPointer<Backend> &b : std::as_const(m_backends))
        if (b)
            disconnect(b, nullptr, this, nullptr);
    m_backends.clear();
    for (Backend *b : backends) {
        m_backends << b;
        // A run that starts or ends changes the spend: look again at once.
        connect(b, &Backend::runsChanged, this, [this] { check(QDateTime::currentDateTimeUtc()); });
    }
    check(QDateTime::currentDateTimeUtc()); // the status bar shows today's spend at once
}

void BudgetGuard::check(const QDateTime &now)
{
    QList<RunInfo> runs;
    QHash<QString, Backend *> owner; // run name → its backend, to stop it
    for (const QPointer<Backend> &b : std::as_const(m_backends)) {
        if (!b)
            continue;
        for (const RunInfo &run : b->runs()) {
            runs << run;
            owner.insert(run.name, b);
        }
    }
    const double spent = spendToday(runs, now);
    if (spent != m_spentToday) {
        m_spentToday = spent;
        Q_EMIT spentTodayChanged(spent);
    }
    for (const BudgetEvent &e : m_watch.update(runs, Settings::instance().budget(), now)) {
        const QString title = e.percent >= 100 ? tr("Budget reached") : tr("Budget at 80%");
        Q_EMIT budgetEvent(title, e.message, e.percent >= 100);
        for (const QString &name : e.stop) {
            if (Backend *b = owner.value(name)) {
                b->stop(name, false);
                Q_EMIT runStopped(name, e.message);
            }
        }
    }
}

} // namespace gantry::ui
