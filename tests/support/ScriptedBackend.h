#pragma once

// A Backend whose answers a test scripts: plans arrive later on the event loop, as a real
// backend's do. For panel tests that need what the local backend cannot give (many offers).

#include "core/backends/Backend.h"

#include <QTimer>

namespace gantry::test {

class ScriptedBackend : public Backend
{
    Q_OBJECT
public:
    explicit ScriptedBackend(QString id, QList<Offer> offers, QObject *parent = nullptr)
        : Backend(parent)
        , m_id(std::move(id))
        , m_offers(std::move(offers))
    {}

    // A stand-in for a remote (dstack) backend; m_id names it and its offers.
    BackendKind kind() const override { return BackendKind::Dstack; }
    QString displayName() const override { return QStringLiteral("scripted %1").arg(m_id); }
    int plan(const Configuration &) override
    {
        const int id = ++m_next;
        QTimer::singleShot(50, this, [this, id] {
            Plan p;
            p.backend = m_id;
            p.header = {{QStringLiteral("Project"), QStringLiteral("main")},
                        {QStringLiteral("Max price"), QStringLiteral("off")}};
            p.offers = m_offers;
            p.totalOffers = int(m_offers.size());
            Q_EMIT planFinished(id, p);
        });
        return id;
    }
    int apply(const Configuration &, const Offer &offer) override
    {
        applied << offer;
        const int id = ++m_next;
        QTimer::singleShot(10, this,
                           [this, id] { Q_EMIT applyFinished(id, QStringLiteral("run-%1").arg(id), QString()); });
        return id;
    }
    QList<RunInfo> runs() const override { return {}; }
    void refresh() override {}
    void stop(const QString &, bool) override {}
    LogStore *logStore(const QString &) override { return nullptr; }

    QList<Offer> applied;

private:
    QString m_id;
    QList<Offer> m_offers;
    int m_next = 0;
};

} // namespace gantry::test
