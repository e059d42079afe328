// The Fleets view's tree (fleets → instances, idle cost flagged) and the offers grouped by GPU,
// both under QAbstractItemModelTester.

#include "core/models/FleetsModel.h"
#include "core/models/GpuGroupsModel.h"

#include <QAbstractItemModelTester>
#include <QTest>

using namespace gantry;

namespace {

FleetInstanceInfo instance(int num, const QString &status, double price, const QString &run = {})
{
    FleetInstanceInfo i;
    i.num = num;
    i.name = QStringLiteral("f-%1").arg(num);
    i.status = status;
    i.backend = QStringLiteral("aws");
    i.region = QStringLiteral("us-east-1");
    i.instanceType = QStringLiteral("g5.xlarge");
    i.price = price;
    i.runName = run;
    return i;
}

Offer offer(const QString &backend, const QString &gpu, int memoryMib, int count, double price, bool spot)
{
    Offer o;
    o.backend = backend;
    o.price = price;
    o.resources.spot = spot;
    for (int k = 0; k < count; ++k)
        o.resources.gpus.append({gpu, memoryMib, QStringLiteral("nvidia")});
    return o;
}

} // namespace

class TestFleetModels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fleetsTree()
    {
        FleetsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        FleetInfo fleet;
        fleet.name = QStringLiteral("gpu");
        fleet.status = QStringLiteral("active");
        fleet.nodes = QStringLiteral("0..2");
        fleet.instances = {instance(0, QStringLiteral("busy"), 1.0, QStringLiteral("serve")),
                           instance(1, QStringLiteral("idle"), 0.5)};
        model.setFleets(QStringLiteral("main"), {fleet});
        QCOMPARE(model.rowCount(), 1);
        const QModelIndex f = model.index(0, 0);
        QCOMPARE(model.rowCount(f), 2);
        QCOMPARE(model.data(model.index(0, FleetsModel::Run, f)).toString(), QStringLiteral("serve"));
        QCOMPARE(model.data(model.index(0, FleetsModel::InstanceType, f)).toString(), QStringLiteral("g5.xlarge"));
        QCOMPARE(model.data(model.index(1, 0, f), FleetsModel::IdleCostRole).toDouble(), 0.5);
        QCOMPARE(model.data(model.index(0, 0, f), FleetsModel::IdleCostRole).toDouble(), 0.0);
        QCOMPARE(model.data(model.index(0, FleetsModel::Price)).toString(), QStringLiteral("$1.5"));
        QCOMPARE(model.idleCount(), 1);
        QCOMPARE(model.idleCostPerHour(), 0.5);
        QCOMPARE(model.data(model.index(1, 0, f), FleetsModel::InstanceNumRole).toInt(), 1);
        QCOMPARE(model.data(model.index(1, 0, f), FleetsModel::FleetNameRole).toString(), QStringLiteral("gpu"));
        QCOMPARE(model.projectAt(model.index(1, 0, f)), QStringLiteral("main"));

        // The refresh: an instance ends, another project appears, then the fleet goes.
        fleet.instances.removeLast();
        model.setFleets(QStringLiteral("main"), {fleet});
        QCOMPARE(model.rowCount(model.index(0, 0)), 1);
        QCOMPARE(model.idleCount(), 0);
        FleetInfo other;
        other.name = QStringLiteral("onprem");
        other.ssh = true;
        other.nodes = QStringLiteral("2");
        model.setFleets(QStringLiteral("lab"), {other});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.data(model.index(1, FleetsModel::Backend)).toString(), QStringLiteral("ssh"));
        model.setFleets(QStringLiteral("main"), {});
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.data(model.index(0, 0)).toString(), QStringLiteral("onprem"));
    }

    void groupByGpu()
    {
        GpuGroupsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setOffers({offer(QStringLiteral("aws"), QStringLiteral("A100"), 81920, 1, 3.0, false),
                         offer(QStringLiteral("runpod"), QStringLiteral("A100"), 81920, 2, 1.5, true),
                         offer(QStringLiteral("aws"), QStringLiteral("T4"), 16384, 1, 0.5, false),
                         offer(QStringLiteral("remote"), QString(), 0, 0, 0.1, false)});
        QCOMPARE(model.rowCount(), 3);
        // Cheapest first: the CPU-only offer, then T4, then A100.
        QCOMPARE(model.data(model.index(0, GpuGroupsModel::Gpu)).toString(), QStringLiteral("no GPU"));
        QCOMPARE(model.data(model.index(0, GpuGroupsModel::Backends)).toString(), QStringLiteral("ssh"));
        QCOMPARE(model.data(model.index(2, GpuGroupsModel::Gpu)).toString(), QStringLiteral("A100"));
        QCOMPARE(model.data(model.index(2, GpuGroupsModel::Memory)).toString(), QStringLiteral("80GB"));
        QCOMPARE(model.data(model.index(2, GpuGroupsModel::Count)).toString(), QStringLiteral("1..2"));
        QCOMPARE(model.data(model.index(2, GpuGroupsModel::Offers)).toInt(), 2);
        QCOMPARE(model.data(model.index(2, GpuGroupsModel::Price)).toString(), QStringLiteral("$1.5..$3"));
        QCOMPARE(model.data(model.index(2, GpuGroupsModel::Backends)).toString(), QStringLiteral("aws, runpod"));
        QCOMPARE(model.data(model.index(2, GpuGroupsModel::Spot)).toString(), QStringLiteral("spot, on-demand"));
        model.setOffers({});
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestFleetModels)
#include "test_fleet_models.moc"
