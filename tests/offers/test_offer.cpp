// Offer and run types shared by every backend: dstack's rendering and JSON shapes.

#include "core/offers/Offer.h"
#include "core/runs/RunStatus.h"

#include <QTest>

using namespace gantry;

class TestOffer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void formatsPricesLikeDstack_data()
    {
        QTest::addColumn<double>("price");
        QTest::addColumn<QString>("text");
        QTest::newRow("four decimals") << 0.2853 << "$0.2853";
        QTest::newRow("trailing zeros") << 0.69 << "$0.69";
        QTest::newRow("whole") << 1.0 << "$1";
        QTest::newRow("zero") << 0.0 << "$0";
        QTest::newRow("rounds") << 2.49284 << "$2.4928";
    }
    void formatsPricesLikeDstack()
    {
        QFETCH(double, price);
        QFETCH(QString, text);
        QCOMPARE(Offer::formatPrice(price), text);
    }

    void roundTripsDstackOfferJson()
    {
        const auto j = nlohmann::json::parse(R"({
          "backend": "gcp", "region": "us-central1",
          "instance": {"name": "g2-standard-4", "resources": {"cpus": 4, "memory_mib": 16384,
            "gpus": [{"name": "L4", "memory_mib": 24576, "vendor": "nvidia"}], "spot": true,
            "disk": {"size_mib": 102400}, "cpu_arch": "x86", "description": "", "future_key": 1}},
          "price": 0.2853, "backend_data": {}, "availability": "available",
          "availability_zones": ["us-central1-a"], "instance_runtime": "shim",
          "blocks": 1, "total_blocks": 1})");
        const Offer o = Offer::fromJson(j);
        QCOMPARE(o.backend, QStringLiteral("gcp"));
        QCOMPARE(o.instanceName, QStringLiteral("g2-standard-4"));
        QCOMPARE(o.resources.gpus.size(), 1);
        QCOMPARE(o.resources.gpus[0].memoryMib, 24576);
        QCOMPARE(o.resourcesText(), QStringLiteral("cpu=x86:4 mem=16GB disk=100GB gpu=L4:24GB:1 (spot)"));
        const Offer back = Offer::fromJson(o.toJson());
        QCOMPARE(back.resourcesText(), o.resourcesText());
        QCOMPARE(back.availabilityZones, o.availabilityZones);
    }

    void toleratesGarbage()
    {
        const Offer o = Offer::fromJson(nlohmann::json::parse(R"({"instance": 3, "price": "x"})"));
        QCOMPARE(o.price, 0.0);
        QVERIFY(o.instanceName.isEmpty());
    }

    void runStatusesRoundTrip()
    {
        for (RunStatus s : {RunStatus::Pending, RunStatus::Submitted, RunStatus::Provisioning, RunStatus::Running,
                            RunStatus::Terminating, RunStatus::Terminated, RunStatus::Failed, RunStatus::Done})
            QVERIFY(runStatusFromString(toString(s)) == s);
        QVERIFY(runStatusFromString(QStringLiteral("bogus")) == RunStatus::Pending);
        QVERIFY(isFinal(RunStatus::Failed));
        QVERIFY(!isFinal(RunStatus::Running));
    }
};

QTEST_GUILESS_MAIN(TestOffer)
#include "test_offer.moc"
