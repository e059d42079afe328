// OffersModel: dstack's rendering, numeric/alphabetical sorting, the filter bar, and the
// model contract under QAbstractItemModelTester while sorting and filtering.

#include "core/models/OffersModel.h"

#include <QAbstractItemModelTester>
#include <QTest>

using namespace gantry;

Q_DECLARE_METATYPE(gantry::OfferFilter)

namespace {

Offer offer(const QString &backend, const QString &region, const QString &instance, double price, bool spot,
            const QString &gpu = {}, int gpuMemMib = 0, int gpuCount = 0,
            const QString &availability = QStringLiteral("available"))
{
    Offer o;
    o.backend = backend;
    o.region = region;
    o.instanceName = instance;
    o.price = price;
    o.availability = availability;
    o.resources.cpus = 4;
    o.resources.memoryMib = 16384;
    o.resources.diskMib = 102400;
    o.resources.spot = spot;
    for (int i = 0; i < gpuCount; ++i)
        o.resources.gpus.append({gpu, gpuMemMib, QStringLiteral("nvidia")});
    return o;
}

QList<Offer> sample()
{
    return {
        offer("aws", "us-east-1", "g5.xlarge", 1.006, false, "A10G", 24576, 1),
        offer("gcp", "europe-west4", "a2-highgpu-1g", 3.67, false, "A100", 40960, 1),
        offer("aws", "us-east-1", "g5.xlarge", 0.4, true, "A10G", 24576, 1),
        offer("runpod", "CA-MTL-1", "NVIDIA A100 80GB", 1.19, false, "A100", 81920, 1, "not_available"),
        offer("gcp", "asia-east1", "a2-highgpu-2g", 7.34, true, "A100", 40960, 2),
        offer("remote", "home", "box", 0.0, false),
    };
}

QStringList column(const OffersModel &m, int col)
{
    QStringList out;
    for (int r = 0; r < m.rowCount(); ++r)
        out << m.index(r, col).data().toString();
    return out;
}

} // namespace

class TestOffersModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void rendersLikeDstack()
    {
        OffersModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setOffers(sample());
        QCOMPARE(m.rowCount(), 6);
        QCOMPARE(m.columnCount(), int(OffersModel::ColumnCount));
        QCOMPARE(m.index(0, OffersModel::Number).data().toInt(), 1);
        QCOMPARE(m.index(0, OffersModel::Price).data().toString(), QStringLiteral("$1.006"));
        QCOMPARE(m.index(0, OffersModel::Price).data(OffersModel::SortRole).toDouble(), 1.006);
        QCOMPARE(m.index(0, OffersModel::Resources).data().toString(),
                 QStringLiteral("cpu=4 mem=16GB disk=100GB gpu=A10G:24GB:1"));
        QCOMPARE(m.index(2, OffersModel::Spot).data().toString(), QStringLiteral("spot"));
        QCOMPARE(m.index(3, OffersModel::Availability).data().toString(), QStringLiteral("not available"));
        QCOMPARE(m.index(3, OffersModel::Number).data(OffersModel::AvailableRole).toBool(), false);
        QCOMPARE(m.index(0, OffersModel::Availability).data().toString(), QString());
        QCOMPARE(m.index(5, OffersModel::Backend).data().toString(), QStringLiteral("ssh"));
        QCOMPARE(m.footerText(), QStringLiteral("Shown 6 of 6 offers, $7.34 max"));
    }

    void sortsPriceNumerically()
    {
        OffersModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setOffers(sample());
        m.sort(OffersModel::Price, Qt::AscendingOrder);
        // As strings "$7.34" < "$1.19" would be wrong; numerically 0 < 0.4 < 1.006 < 1.19 < 3.67 < 7.34.
        QCOMPARE(column(m, OffersModel::Price), QStringList({"$0", "$0.4", "$1.006", "$1.19", "$3.67", "$7.34"}));
        m.sort(OffersModel::Price, Qt::DescendingOrder);
        QCOMPARE(column(m, OffersModel::Price).constFirst(), QStringLiteral("$7.34"));
        QCOMPARE(column(m, OffersModel::Price).constLast(), QStringLiteral("$0"));
        m.sort(OffersModel::Number, Qt::AscendingOrder);
        QCOMPARE(column(m, OffersModel::Number), QStringList({"1", "2", "3", "4", "5", "6"}));
    }

    void sortsRegionAlphabeticallyAndSpot()
    {
        OffersModel m;
        m.setOffers(sample());
        m.sort(OffersModel::Region, Qt::AscendingOrder);
        QCOMPARE(column(m, OffersModel::Region),
                 QStringList({"asia-east1", "CA-MTL-1", "europe-west4", "home", "us-east-1", "us-east-1"}));
        // Equal regions: cheapest first.
        QCOMPARE(m.index(4, OffersModel::Price).data().toString(), QStringLiteral("$0.4"));
        m.sort(OffersModel::Spot, Qt::DescendingOrder);
        QCOMPARE(column(m, OffersModel::Spot).mid(0, 2), QStringList({"spot", "spot"}));
    }

    void selectionFollowsTheOfferAcrossSorts()
    {
        OffersModel m;
        m.setOffers(sample());
        QPersistentModelIndex picked = m.index(1, OffersModel::Instance); // a2-highgpu-1g
        m.sort(OffersModel::Price, Qt::AscendingOrder);
        QVERIFY(picked.isValid());
        QCOMPARE(picked.data().toString(), QStringLiteral("a2-highgpu-1g"));
        QCOMPARE(picked.row(), 4);
    }

    void filtersEveryField_data()
    {
        QTest::addColumn<OfferFilter>("filter");
        QTest::addColumn<QStringList>("numbers");
        OfferFilter f;
        QTest::newRow("none") << f << QStringList({"1", "2", "3", "4", "5", "6"});
        f = {};
        f.gpuName = "a100";
        QTest::newRow("gpu name") << f << QStringList({"2", "4", "5"});
        f = {};
        f.minGpuMemoryGb = 64;
        QTest::newRow("gpu memory") << f << QStringList({"4"});
        f = {};
        f.minGpuCount = 2;
        QTest::newRow("gpu count") << f << QStringList({"5"});
        f = {};
        f.backend = "AWS";
        QTest::newRow("backend") << f << QStringList({"1", "3"});
        f = {};
        f.backend = "remote";
        QTest::newRow("remote is ssh") << f << QStringList({"6"});
        f = {};
        f.region = "east";
        QTest::newRow("region") << f << QStringList({"1", "3", "5"});
        f = {};
        f.spot = SpotFilter::SpotOnly;
        QTest::newRow("spot") << f << QStringList({"3", "5"});
        f = {};
        f.spot = SpotFilter::OnDemandOnly;
        QTest::newRow("on-demand") << f << QStringList({"1", "2", "4", "6"});
        f = {};
        f.maxPrice = 1.19;
        QTest::newRow("max price inclusive") << f << QStringList({"1", "3", "4", "6"});
        f = {};
        f.gpuName = "a10";
        f.maxPrice = 1.0;
        QTest::newRow("combined") << f << QStringList({"3"});
        f = {};
        f.gpuName = "h100";
        QTest::newRow("nothing") << f << QStringList();
    }
    void filtersEveryField()
    {
        QFETCH(OfferFilter, filter);
        QFETCH(QStringList, numbers);
        OffersModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setOffers(sample());
        m.setFilter(filter);
        QCOMPARE(column(m, OffersModel::Number), numbers);
        QCOMPARE(m.shownCount(), numbers.size());
        QCOMPARE(m.totalCount(), 6);
    }

    void filterKeepsSortOrderAndFooter()
    {
        OffersModel m;
        m.setOffers(sample());
        m.sort(OffersModel::Price, Qt::DescendingOrder);
        OfferFilter f;
        f.gpuName = "A100";
        m.setFilter(f);
        QCOMPARE(column(m, OffersModel::Price), QStringList({"$7.34", "$3.67", "$1.19"}));
        QCOMPARE(m.footerText(), QStringLiteral("Shown 3 of 6 offers, $7.34 max"));
        QCOMPARE(m.offerAt(0).instanceName, QStringLiteral("a2-highgpu-2g"));
    }

    void appendsOffersAsBackendsAnswer()
    {
        OffersModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.sort(OffersModel::Price, Qt::AscendingOrder);
        const QList<Offer> all = sample();
        m.appendOffers(all.mid(0, 3));
        m.appendOffers(all.mid(3));
        QCOMPARE(m.totalCount(), 6);
        QCOMPARE(m.index(0, OffersModel::Price).data().toString(), QStringLiteral("$0"));
        QCOMPARE(m.backends(), QStringList({"aws", "gcp", "runpod", "ssh"}));
        m.clear();
        QCOMPARE(m.rowCount(), 0);
        QCOMPARE(m.footerText(), QStringLiteral("Shown 0 of 0 offers, $0 max"));
    }
};

QTEST_GUILESS_MAIN(TestOffersModel)
#include "test_offers_model.moc"
