// Pure parts of the local backend: run names, GPU tool output parsing, offer matching with
// dstack's semantics, and the local plan (reasons when nothing matches).

#include "core/backends/local/GpuQuery.h"
#include "core/backends/local/LocalBackend.h"
#include "core/backends/local/LocalPlanner.h"
#include "core/backends/local/ReadinessProbe.h"
#include "core/common/StatePaths.h"
#include "core/offers/OfferMatcher.h"
#include "core/runs/RunNames.h"
#include "tests/support/TestEnvironment.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace gantry;

namespace {

QByteArray data(const QString &name)
{
    QFile f(test::dataPath(QStringLiteral("local/") + name));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// diskGb is the disk's size; freeGb what is free on it (all of it unless told).
HostFacts host(int cpus, qint64 memoryGb, qint64 diskGb, QList<HostGpu> gpus = {}, qint64 freeGb = -1)
{
    HostFacts facts;
    facts.hostName = QStringLiteral("devbox");
    facts.cpus = cpus;
    facts.cpuArch = QStringLiteral("x86");
    facts.memoryMib = memoryGb * 1024;
    facts.diskTotalMib = diskGb * 1024;
    facts.diskFreeMib = (freeGb < 0 ? diskGb : freeGb) * 1024;
    facts.diskPath = QStringLiteral("/home/dev/project");
    facts.gpus = gpus;
    return facts;
}

HostGpu gpu(int index, const QString &name, int memoryGb, const QString &vendor = QStringLiteral("nvidia"))
{
    HostGpu g;
    g.index = index;
    g.name = name;
    g.fullName = name;
    g.memoryMib = memoryGb * 1024;
    g.vendor = vendor;
    return g;
}

Offer offerWith(int cpus, qint64 memoryGb, QList<GpuInfo> gpus = {})
{
    Offer o;
    o.backend = QStringLiteral("aws");
    o.resources.cpus = cpus;
    o.resources.cpuArch = QStringLiteral("x86");
    o.resources.memoryMib = memoryGb * 1024;
    o.resources.diskMib = 100 * 1024;
    o.resources.gpus = gpus;
    return o;
}

Configuration service(const ResourcesSpec &resources = {})
{
    Configuration c;
    c.type = RunType::Service;
    c.typeName = QStringLiteral("service");
    c.commands = {QStringLiteral("true")};
    c.containerPort = 8000;
    c.resources = resources;
    return c;
}

ResourcesSpec small()
{
    ResourcesSpec r;
    r.diskGb = Range<double>{1.0, std::nullopt};
    return r;
}

} // namespace

class TestLocalUnits : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // --- private state directories -----------------------------------------------------
    // A directory that is already private is left alone: a chmod, even to the same mode, is
    // an attribute change that wakes every watcher of it. One that is not is tightened.
    void privateDirIsChangedOnlyWhenItsModeDiffers()
    {
        QTemporaryDir tmp;
        const QString dir = tmp.filePath(QStringLiteral("state"));
        makePrivateDir(dir);
        const auto others = QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup | QFile::ReadOther |
                            QFile::WriteOther | QFile::ExeOther;
        QCOMPARE(QFileInfo(dir).permissions() & others, QFileDevice::Permissions());
        struct stat before {
        };
        QCOMPARE(::stat(QFile::encodeName(dir).constData(), &before), 0);
        QFileSystemWatcher watcher({dir});
        QSignalSpy changed(&watcher, &QFileSystemWatcher::directoryChanged);
        makePrivateDir(dir);
        struct stat after {
        };
        QCOMPARE(::stat(QFile::encodeName(dir).constData(), &after), 0);
        QCOMPARE(after.st_ctim.tv_sec, before.st_ctim.tv_sec);
        QCOMPARE(after.st_ctim.tv_nsec, before.st_ctim.tv_nsec);
        QCoreApplication::processEvents();
        QCOMPARE(changed.count(), 0);

        QVERIFY(QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup |
                                               QFile::ExeGroup | QFile::ReadOther | QFile::ExeOther));
        makePrivateDir(dir);
        QCOMPARE(QFileInfo(dir).permissions() & others, QFileDevice::Permissions());
    }

    // The backend watches runs/ and re-reads it on a change; reading it must not change it, or
    // the backend wakes itself forever (it did: a busy GUI thread at rest).
    void localBackendAtRestDoesNotWakeItself()
    {
        LocalBackend backend;
        QFileSystemWatcher watcher({runsDir(), stateDir()});
        QSignalSpy changed(&watcher, &QFileSystemWatcher::directoryChanged);
        backend.refresh();
        // The old loop changed runs/ again within microseconds: any change fails at once.
        QVERIFY(!changed.wait(300));
        QCOMPARE(changed.count(), 0);
    }

    // --- run names -------------------------------------------------------------------
    // The GUI finds its supervisor with no variable set: gantry-cli beside the running program
    // (build/bin/ holds this test too). $GANTRY_CLI overrides that when it names a program.
    void findsGantryCliBesideItselfAndHonoursTheOverride()
    {
        qunsetenv("GANTRY_CLI");
        const QString beside = QCoreApplication::applicationDirPath() + QStringLiteral("/gantry-cli");
        QCOMPARE(LocalBackend::supervisorProgram(), beside);
        QCOMPARE(QFileInfo(beside).canonicalFilePath(), QFileInfo(test::cliPath()).canonicalFilePath());

        qputenv("GANTRY_CLI", "/bin/true");
        QCOMPARE(LocalBackend::supervisorProgram(), QStringLiteral("/bin/true"));
        qputenv("GANTRY_CLI", "/nonexistent/gantry-cli"); // not a program: ignored
        QCOMPARE(LocalBackend::supervisorProgram(), beside);
        qunsetenv("GANTRY_CLI");
    }

    // Readiness: 10 ms rounds for the first seconds after the port opens, then ×1.5 a round up
    // to the probe's interval, never more than 2 s for a local service.
    void readinessBacksOffFromFastToTheConfiguredInterval()
    {
        QCOMPARE(ReadinessProbe::nextDelayMs(0, 10, 15), 10);
        QCOMPARE(ReadinessProbe::nextDelayMs(4999, 10, 15), 10);
        QCOMPARE(ReadinessProbe::nextDelayMs(5000, 10, 15), 15);
        QCOMPARE(ReadinessProbe::nextDelayMs(6000, 1500, 15), 2000);
        QCOMPARE(ReadinessProbe::nextDelayMs(60000, 2000, 15), 2000);
        QCOMPARE(ReadinessProbe::nextDelayMs(60000, 800, 1), 1000); // `interval: 1s` is below the cap
        int delay = 10;
        int rounds = 0;
        while (delay < 2000 && rounds < 100) {
            delay = ReadinessProbe::nextDelayMs(10000, delay, 15);
            ++rounds;
        }
        QCOMPARE(delay, 2000);
        QVERIFY2(rounds > 5 && rounds < 15, qPrintable(QString::number(rounds))); // a gradual back-off
    }

    void namesLookLikeDstacks()
    {
        QVERIFY(runNameAdjectiveCount() >= 120);
        QVERIFY(runNameAnimalCount() >= 100);
        static const QRegularExpression shape(QStringLiteral("^[a-z]+-[a-z]+-[1-9][0-9]*$"));
        for (int i = 0; i < 200; ++i) {
            const QString name = generateRunName({});
            QVERIFY2(shape.match(name).hasMatch(), qPrintable(name));
            QVERIFY(isValidRunName(name));
            QVERIFY(name.endsWith(QLatin1String("-1")));
        }
    }

    void namesTakeTheSmallestFreeNumber()
    {
        QRandomGenerator a(42), b(42);
        const QString first = generateRunName({}, &a);
        const QString base = first.left(first.lastIndexOf(QLatin1Char('-')));
        const QString second = generateRunName({first, base + QStringLiteral("-3")}, &b);
        QCOMPARE(second, base + QStringLiteral("-2"));
    }

    void validatesUserNames()
    {
        QVERIFY(isValidRunName(QStringLiteral("llama-svc")));
        QVERIFY(!isValidRunName(QStringLiteral("a")));
        QVERIFY(!isValidRunName(QStringLiteral("1abc")));
        QVERIFY(!isValidRunName(QStringLiteral("Abc")));
        QVERIFY(!isValidRunName(QStringLiteral("a_b")));
        QVERIFY(!isValidRunName(QString(42, QLatin1Char('a'))));
    }

    // --- GPU tools ---------------------------------------------------------------------
    void parsesMultiGpuNvidiaSmi()
    {
        QStringList problems;
        const QList<HostGpu> gpus = parseNvidiaSmiCsv(data(QStringLiteral("nvidia-smi-4xA100.csv")), &problems);
        QCOMPARE(gpus.size(), 4);
        QVERIFY(problems.isEmpty());
        QCOMPARE(gpus.at(3).index, 3);
        QCOMPARE(gpus.at(0).name, QStringLiteral("A100"));
        QCOMPARE(gpus.at(0).fullName, QStringLiteral("NVIDIA A100-SXM4-80GB"));
        QCOMPARE(gpus.at(0).memoryMib, 81920);
        QCOMPARE(gpus.at(0).vendor, QStringLiteral("nvidia"));
        const QList<HostGpu> t4 = parseNvidiaSmiCsv(data(QStringLiteral("nvidia-smi-T4.csv")));
        QCOMPARE(t4.size(), 1);
        QCOMPARE(t4.at(0).name, QStringLiteral("T4"));
    }

    void keepsGpusWhoseMemoryIsNotAvailable()
    {
        QStringList problems;
        const QList<HostGpu> gpus = parseNvidiaSmiCsv(data(QStringLiteral("nvidia-smi-na.csv")), &problems);
        QCOMPARE(gpus.size(), 2);
        QCOMPARE(gpus.at(0).name, QStringLiteral("RTX4090"));
        QCOMPARE(gpus.at(0).memoryMib, 0);
        QCOMPARE(gpus.at(1).name, QStringLiteral("RTX3090"));
        QCOMPARE(gpus.at(1).memoryMib, 24576);
        QCOMPARE(problems.size(), 1);
        QVERIFY(problems.first().contains(QLatin1String("GPU 0")));
    }

    void skipsGarbageRows()
    {
        QStringList problems;
        const QList<HostGpu> gpus = parseNvidiaSmiCsv(data(QStringLiteral("nvidia-smi-garbage.csv")), &problems);
        QCOMPARE(gpus.size(), 1);
        QCOMPARE(gpus.at(0).index, 3);
        QCOMPARE(gpus.at(0).name, QStringLiteral("H100"));
        QCOMPARE(gpus.at(0).memoryMib, 81559);
        QCOMPARE(problems.size(), 3);
        QVERIFY(parseNvidiaSmiCsv(QByteArray()).isEmpty());
        QVERIFY(parseNvidiaSmiCsv(QByteArray("\x00\xff\n,,,,\n", 7)).isEmpty());
    }

    void parsesRocmSmiJson()
    {
        const QList<HostGpu> gpus = parseRocmSmiJson(data(QStringLiteral("rocm-smi-mi300x.json")));
        QCOMPARE(gpus.size(), 2);
        QCOMPARE(gpus.at(0).name, QStringLiteral("MI300X"));
        QCOMPARE(gpus.at(0).vendor, QStringLiteral("amd"));
        QCOMPARE(gpus.at(0).memoryMib, 196592);
        QStringList problems;
        QVERIFY(parseRocmSmiJson("not json", &problems).isEmpty());
        QCOMPARE(problems.size(), 1);
    }

    void parsesUsage()
    {
        const QList<GpuUsage> usage = parseNvidiaSmiUsageCsv("0, 37, 1024, 23028\n1, [N/A], 0, 23028\nbad\n");
        QCOMPARE(usage.size(), 2);
        QCOMPARE(usage.at(0).utilPercent, 37.0);
        QCOMPARE(usage.at(1).utilPercent, 0.0);
        QCOMPARE(usage.at(0).memoryTotalMib, 23028.0);
    }

    // --- offer matching --------------------------------------------------------------
    void matchesRangesOfAWholeInstance()
    {
        ResourcesSpec spec; // cpu 2.., mem 8GB.., disk 100GB..
        QVERIFY(matchOffer(offerWith(4, 16), spec).matches());
        spec.cpuCount = {2, 4};
        QVERIFY(matchOffer(offerWith(4, 16), spec).matches());
        const OfferMatch tooBig = matchOffer(offerWith(8, 16), spec, {QStringLiteral("the offer"), false});
        QCOMPARE(tooBig.unmet, QStringList{QStringLiteral("needs cpu 2..4; the offer has 8")});
        spec.memoryGb = {std::nullopt, 8.0};
        QCOMPARE(matchOffer(offerWith(4, 16), spec).unmet,
                 QStringList{QStringLiteral("needs memory ..8GB; this machine has 16GB")});
        spec.cpuArch = QStringLiteral("arm");
        QCOMPARE(matchOffer(offerWith(4, 8), spec).unmet.size(), 1);
    }

    void divisibleOffersOnlyNeedTheMinimum()
    {
        ResourcesSpec spec;
        spec.cpuCount = {2, 4};
        spec.memoryGb = {8.0, 16.0};
        MatchOptions divisible;
        divisible.divisible = true;
        QVERIFY(matchOffer(offerWith(32, 256), spec, divisible).matches());
        spec.memoryGb = {512.0, std::nullopt};
        QCOMPARE(matchOffer(offerWith(32, 256), spec, divisible).unmet,
                 QStringList{QStringLiteral("needs memory 512GB..; this machine has 256GB")});
    }

    void matchesGpuNamesCaseInsensitivelyAndCounts()
    {
        const QList<GpuInfo> a100x2{{QStringLiteral("A100"), 81920, QStringLiteral("nvidia")},
                                    {QStringLiteral("A100"), 81920, QStringLiteral("nvidia")}};
        ResourcesSpec spec;
        spec.gpu.names = {QStringLiteral("a100"), QStringLiteral("H100")};
        spec.gpu.count = {2, 2};
        QVERIFY(matchOffer(offerWith(8, 64, a100x2), spec).matches());
        spec.gpu.count = {1, 1};
        QVERIFY(!matchOffer(offerWith(8, 64, a100x2), spec).matches()); // whole instance: exactly 1
        MatchOptions divisible;
        divisible.divisible = true;
        const OfferMatch part = matchOffer(offerWith(8, 64, a100x2), spec, divisible);
        QVERIFY(part.matches());
        QCOMPARE(part.gpusTaken, QList<int>{0});
        spec.gpu.names = {QStringLiteral("H100")};
        spec.gpu.count = {1, std::nullopt};
        const OfferMatch none = matchOffer(offerWith(8, 64, a100x2), spec);
        QCOMPARE(none.unmet,
                 QStringList{QStringLiteral("needs gpu H100:1..; this machine has 2 GPUs: 2× A100 (80GB)")});
    }

    void matchesGpuMemoryPerGpuAndTotal()
    {
        const QList<GpuInfo> mixed{{QStringLiteral("A10G"), 23028, QStringLiteral("nvidia")},
                                   {QStringLiteral("A100"), 81920, QStringLiteral("nvidia")}};
        ResourcesSpec spec;
        spec.gpu.memoryGb = Range<double>{40.0, std::nullopt};
        spec.gpu.count = {1, std::nullopt};
        MatchOptions divisible;
        divisible.divisible = true;
        const OfferMatch big = matchOffer(offerWith(8, 64, mixed), spec, divisible);
        QVERIFY(big.matches());
        QCOMPARE(big.gpusTaken, QList<int>{1}); // only the 80GB one qualifies
        spec.gpu.memoryGb.reset();
        spec.gpu.totalMemoryGb = Range<double>{120.0, std::nullopt};
        const OfferMatch total = matchOffer(offerWith(8, 64, mixed), spec, divisible);
        QCOMPARE(total.unmet.size(), 1);
        QVERIFY(total.unmet.first().startsWith(QLatin1String("needs gpu total memory 120GB..")));
        spec.gpu.totalMemoryGb = Range<double>{100.0, std::nullopt};
        QVERIFY(matchOffer(offerWith(8, 64, mixed), spec, divisible).matches());
    }

    void vendorMustAgree()
    {
        const QList<GpuInfo> amd{{QStringLiteral("MI300X"), 196592, QStringLiteral("amd")}};
        ResourcesSpec spec;
        spec.gpu.vendor = QStringLiteral("nvidia");
        spec.gpu.count = {1, std::nullopt};
        QVERIFY(!matchOffer(offerWith(8, 64, amd), spec).matches());
        spec.gpu.vendor = QStringLiteral("AMD");
        QVERIFY(matchOffer(offerWith(8, 64, amd), spec).matches());
    }

    void noGpuReasonNamesTheRequirement()
    {
        ResourcesSpec spec;
        spec.gpu.memoryGb = Range<double>{24.0, 24.0};
        spec.gpu.count = {1, std::nullopt};
        const OfferMatch m = matchOffer(offerWith(4, 16), spec);
        QCOMPARE(m.unmet, QStringList{QStringLiteral("needs gpu 24GB:1..; this machine has no GPU")});
        QCOMPARE(resourcesSpecText(spec), QStringLiteral("cpu=2.. mem=8GB.. disk=100GB.. gpu=24GB:1.."));
        spec.gpu.memoryGb = Range<double>{24.0, 80.0};
        spec.diskGb.reset();
        QCOMPARE(resourcesSpecText(spec), QStringLiteral("cpu=2.. mem=8GB.. gpu=24GB..80GB:1.."));
    }

    // --- the local plan ----------------------------------------------------------------
    void hostIsTheOneFreeOffer()
    {
        const LocalPlan local = makeLocalPlan(service(small()), host(8, 32, 200));
        QCOMPARE(local.plan.offers.size(), 1);
        const Offer &o = local.plan.offers.first();
        QCOMPARE(o.backend, QStringLiteral("local"));
        QCOMPARE(o.region, QStringLiteral("devbox"));
        QCOMPARE(o.instanceName, QStringLiteral("devbox"));
        QCOMPARE(o.price, 0.0);
        QCOMPARE(o.resources.spot, false);
        QCOMPARE(o.availability, QStringLiteral("available"));
        QCOMPARE(o.resourcesText(), QStringLiteral("cpu=x86:8 mem=32GB disk=200GB (200GB free)"));
        QCOMPARE(local.plan.totalOffers, 1);
        QStringList keys;
        for (const auto &[key, value] : local.plan.header)
            keys << key;
        QCOMPARE(keys, (QStringList{QStringLiteral("Project"), QStringLiteral("User"), QStringLiteral("Type"),
                                    QStringLiteral("Resources"), QStringLiteral("Spot policy"),
                                    QStringLiteral("Max price"), QStringLiteral("Retry policy"),
                                    QStringLiteral("Idle duration"), QStringLiteral("Max duration")}));
    }

    void gpuRequirementOnAMachineWithoutGpuHasNoOffer()
    {
        ResourcesSpec r = small();
        r.gpu.memoryGb = Range<double>{24.0, std::nullopt};
        r.gpu.count = {1, std::nullopt};
        const LocalPlan local = makeLocalPlan(service(r), host(8, 32, 200));
        QVERIFY(local.plan.offers.isEmpty());
        QCOMPARE(local.plan.noOffersReason, QStringLiteral("needs gpu nvidia:24GB..:1..; this machine has no GPU"));
    }

    void diskAndMemoryReasons()
    {
        ResourcesSpec r; // default disk 100GB..
        r.memoryGb = {64.0, std::nullopt};
        const LocalPlan local = makeLocalPlan(service(r), host(8, 32, 80));
        QVERIFY(local.plan.offers.isEmpty());
        QCOMPARE(
            local.plan.noOffersReason,
            QStringLiteral("needs memory 64GB..; this machine has 32GB; needs disk 100GB..; this machine has 80GB"));
    }

    // A service with no `resources:` gets dstack's defaults (disk 100GB..). The local offer is
    // matched on the disk's size, as dstack's SSH hosts are; what is free is shown and warned
    // about, never a reason to refuse.
    void defaultResourcesDeployOnADiskWithLessFreeSpace()
    {
        const LocalPlan local = makeLocalPlan(service(ResourcesSpec{}), host(2, 24, 252, {}, 77));
        QVERIFY2(local.plan.noOffersReason.isEmpty(), qPrintable(local.plan.noOffersReason));
        QCOMPARE(local.plan.offers.size(), 1);
        const Offer &offer = local.plan.offers.first();
        QCOMPARE(offer.resources.diskMib, qint64(252) * 1024);
        QCOMPARE(offer.resourcesText(), QStringLiteral("cpu=x86:2 mem=24GB disk=252GB (77GB free)"));
        QString warning;
        for (const auto &[key, value] : local.plan.header)
            if (key == QLatin1String("Warning"))
                warning = value;
        QCOMPARE(warning,
                 QStringLiteral("disk: the configuration asks for 100GB or more; 77GB is free at /home/dev/project"));

        // Enough free space: no warning.
        const LocalPlan roomy = makeLocalPlan(service(ResourcesSpec{}), host(2, 24, 252, {}, 150));
        for (const auto &[key, value] : roomy.plan.header)
            QVERIFY2(key != QLatin1String("Warning"), qPrintable(value));
        // A disk smaller than asked is still no offer.
        QVERIFY(makeLocalPlan(service(ResourcesSpec{}), host(2, 24, 64)).plan.offers.isEmpty());
    }

    void givesTheGpusItNeedsAndMarksHeldOnesBusy()
    {
        ResourcesSpec r = small();
        r.gpu.names = {QStringLiteral("A10G")};
        r.gpu.count = {1, 1};
        HostFacts facts = host(8, 32, 200, {gpu(0, QStringLiteral("A10G"), 22), gpu(1, QStringLiteral("A10G"), 22)});
        LocalPlan local = makeLocalPlan(service(r), facts);
        QCOMPARE(local.gpuIndexes, QList<int>{0});
        QCOMPARE(local.plan.offers.first().resources.gpus.size(), 1);
        facts.gpus[0].heldByRun = QStringLiteral("brave-otter-1");
        local = makeLocalPlan(service(r), facts);
        QCOMPARE(local.gpuIndexes, QList<int>{1});
        QCOMPARE(local.plan.offers.first().availability, QStringLiteral("available"));
        facts.gpus[1].heldByRun = QStringLiteral("calm-heron-1");
        local = makeLocalPlan(service(r), facts);
        QCOMPARE(local.plan.offers.size(), 1);
        QCOMPARE(local.plan.offers.first().availability, QStringLiteral("busy"));
        QCOMPARE(local.heldBy, QStringList{QStringLiteral("brave-otter-1")});
    }

    void imageWithoutContainerEngineHasNoOffer()
    {
        Configuration c = service(small());
        c.image = QStringLiteral("vllm/vllm-openai:latest");
        HostFacts facts = host(8, 32, 200);
        facts.containerEngineProblem = QStringLiteral("`docker info` failed: Cannot connect to the Docker daemon");
        const LocalPlan local = makeLocalPlan(c, facts);
        QVERIFY(local.plan.offers.isEmpty());
        QVERIFY(local.plan.noOffersReason.contains(QLatin1String("image: vllm/vllm-openai:latest")));
        QVERIFY(local.plan.noOffersReason.contains(QLatin1String("Cannot connect to the Docker daemon")));
        facts.containerEngine = QStringLiteral("docker");
        QCOMPARE(makeLocalPlan(c, facts).plan.offers.size(), 1);
    }

    void warnsWhenPythonDiffers()
    {
        Configuration c = service(small());
        c.python = QStringLiteral("3.12");
        HostFacts facts = host(8, 32, 200);
        facts.python3Version = QStringLiteral("3.11.7");
        LocalPlan local = makeLocalPlan(c, facts);
        QCOMPARE(local.plan.offers.size(), 1);
        QCOMPARE(local.plan.header.last().first, QStringLiteral("Warning"));
        QVERIFY(local.plan.header.last().second.contains(QLatin1String("3.11.7")));
        facts.python3Version = QStringLiteral("3.12.1");
        local = makeLocalPlan(c, facts);
        QVERIFY(local.plan.header.last().first != QLatin1String("Warning"));
    }

    void unsetEnvPlaceholderIsAnError()
    {
        Configuration c = service(small());
        c.env.push_back({QStringLiteral("GANTRY_TEST_SURELY_UNSET_VAR"), std::nullopt});
        const LocalPlan local = makeLocalPlan(c, host(8, 32, 200));
        QVERIFY(local.plan.error.contains(QLatin1String("GANTRY_TEST_SURELY_UNSET_VAR is not set")));
    }
};

QTEST_GUILESS_MAIN(TestLocalUnits)
#include "test_local_units.moc"
