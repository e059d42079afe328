// OffersModel: dstack's rendering, numeric/alphabetical sorting, the filter bar, and the
// model contract under QAbstractItemModelTester while sorting and filtering.

#include "core/models/OffersModel.h"

#include <QAbstractItemModelTester>
#include <QTest>

using namespace Qt::StringLiterals;

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
        offer(u"aws"_s, u"us-east-1"_s, u"g5.xlarge"_s, 1.006, false, u"A10G"_s, 24576, 1),
        offer(u"gcp"_s, u"europe-west4"_s, u"a2-highgpu-1g"_s, 3.67, false, u"A100"_s, 40960, 1),
        offer(u"aws"_s, u"us-east-1"_s, u"g5.xlarge"_s, 0.4, true, u"A10G"_s, 24576, 1),
        offer(u"runpod"_s, u"CA-MTL-1"_s, u"NVIDIA A100 80GB"_s, 1.19, false, u"A100"_s, 81920, 1, u"not_available"_s),
        offer(u"gcp"_s, u"asia-east1"_s, u"a2-highgpu-2g"_s, 7.34, true, u"A100"_s, 40960, 2),
        offer(u"remote"_s, u"home"_s, u"box"_s, 0.0, false),
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
        QCOMPARE(column(m, OffersModel::Price),
                 QStringList({u"$0"_s, u"$0.4"_s, u"$1.006"_s, u"$1.19"_s, u"$3.67"_s, u"$7.34"_s}));
        m.sort(OffersModel::Price, Qt::DescendingOrder);
        QCOMPARE(column(m, OffersModel::Price).constFirst(), QStringLiteral("$7.34"));
        QCOMPARE(column(m, OffersModel::Price).constLast(), QStringLiteral("$0"));
        m.sort(OffersModel::Number, Qt::AscendingOrder);
        QCOMPARE(column(m, OffersModel::Number), QStringList({u"1"_s, u"2"_s, u"3"_s, u"4"_s, u"5"_s, u"6"_s}));
    }

    void sortsRegionAlphabeticallyAndSpot()
    {
        OffersModel m;
        m.setOffers(sample());
        m.sort(OffersModel::Region, Qt::AscendingOrder);
        QCOMPARE(column(m, OffersModel::Region), QStringList({u"asia-east1"_s, u"CA-MTL-1"_s, u"europe-west4"_s,
                                                              u"home"_s, u"us-east-1"_s, u"us-east-1"_s}));
        // Equal regions: cheapest first.
        QCOMPARE(m.index(4, OffersModel::Price).data().toString(), QStringLiteral("$0.4"));
        m.sort(OffersModel::Spot, Qt::DescendingOrder);
        QCOMPARE(column(m, OffersModel::Spot).mid(0, 2), QStringList({u"spot"_s, u"spot"_s}));
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
        QTest::newRow("none") << f << QStringList({u"1"_s, u"2"_s, u"3"_s, u"4"_s, u"5"_s, u"6"_s});
        f = {};
        f.gpuName = u"a100"_s;
        QTest::newRow("gpu name") << f << QStringList({u"2"_s, u"4"_s, u"5"_s});
        f = {};
        f.minGpuMemoryGb = 64;
        QTest::newRow("gpu memory") << f << QStringList({u"4"_s});
        f = {};
        f.minGpuCount = 2;
        QTest::newRow("gpu count") << f << QStringList({u"5"_s});
        f = {};
        f.backend = u"AWS"_s;
        QTest::newRow("backend") << f << QStringList({u"1"_s, u"3"_s});
        f = {};
        f.backend = u"remote"_s;
        QTest::newRow("remote is ssh") << f << QStringList({u"6"_s});
        f = {};
        f.region = u"east"_s;
        QTest::newRow("region") << f << QStringList({u"1"_s, u"3"_s, u"5"_s});
        f = {};
        f.spot = SpotFilter::SpotOnly;
        QTest::newRow("spot") << f << QStringList({u"3"_s, u"5"_s});
        f = {};
        f.spot = SpotFilter::OnDemandOnly;
        QTest::newRow("on-demand") << f << QStringList({u"1"_s, u"2"_s, u"4"_s, u"6"_s});
        f = {};
        f.maxPrice = 1.19;
        QTest::newRow("max price inclusive") << f << QStringList({u"1"_s, u"3"_s, u"4"_s, u"6"_s});
        f = {};
        f.gpuName = u"a10"_s;
        f.maxPrice = 1.0;
        QTest::newRow("combined") << f << QStringList({u"3"_s});
        f = {};
        f.gpuName = u"h100"_s;
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
        f.gpuName = u"A100"_s;
        m.setFilter(f);
        QCOMPARE(column(m, OffersModel::Price), QStringList({u"$7.34"_s, u"$3.67"_s, u"$1.19"_s}));
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
        QCOMPARE(m.backends(), QStringList({u"aws"_s, u"gcp"_s, u"runpod"_s, u"ssh"_s}));
        m.clear();
        QCOMPARE(m.rowCount(), 0);
        QCOMPARE(m.footerText(), QStringLiteral("Shown 0 of 0 offers, $0 max"));
    }
};

QTEST_GUILESS_MAIN(TestOffersModel)
#include "test_offers_model.moc"
