// Parity with dstack itself: for every configuration in dstack 0.21.2's own docs and examples
// (../shared/oracles/dstack/corpus) and Gantry's own cases (tests/data/dstack/parity), Gantry's
// validation and dstack's parser give the same verdict (a Gantry-only concern is a warning,
// never an error), and for every configuration both accept, the body Gantry would send
// passes dstack's request schema: runs/get_plan for runs, fleets/get_plan for fleets (with a
// stand-in for each SSH key file: hosts and keys are data only here). dstack's code is the
// judge (oracle_parity.py).

#include "tests/support/DstackOracle.h"
#include "tests/support/TestEnvironment.h"

#include "core/backends/dstack/DstackFleetRequests.h"
#include "core/backends/dstack/DstackRequests.h"
#include "core/config/ConfigParser.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QtTest>

using json = nlohmann::json;
using namespace gantry;

namespace {

const QStringList kComparedTypes = {QStringLiteral("service"), QStringLiteral("task"),
                                    QStringLiteral("dev-environment"), QStringLiteral("fleet")};

QStringList configurationFiles()
{
    QStringList files;
    for (const QString &dir :
         {test::oracleDir() + QStringLiteral("/corpus"), test::dataPath(QStringLiteral("dstack/parity"))}) {
        const QDir d(dir);
        for (const QString &name :
             d.entryList({QStringLiteral("*.yml"), QStringLiteral("*.yaml")}, QDir::Files, QDir::Name))
            files << d.absoluteFilePath(name);
    }
    return files;
}

QString firstError(const Diagnostics &diagnostics)
{
    for (const Diagnostic &d : diagnostics)
        if (d.severity == Severity::Error)
            return QStringLiteral("%1:%2 %3").arg(d.line).arg(d.column).arg(d.message);
    return {};
}

// The body Gantry would send for a plan; value-less env entries get a stand-in value (the
// test sets no variable a user would have to set).
json planBody(const Configuration &configuration)
{
    QString error;
    const EnvLookup env = [](const QString &) { return std::optional<QString>(QStringLiteral("x")); };
    if (configuration.isFleet()) {
        const SshKeyReader keys = [](const QString &, QString *) {
            return std::optional<SshKeyPair>(
                SshKeyPair{QStringLiteral("ssh-ed25519 AAAAstandin test"), QStringLiteral("stand-in")});
        };
        return dstackFleetGetPlanBody(dstackFleetSpec(configuration, &error, keys, env).value_or(json()));
    }
    const json conf = dstackConfigurationBody(configuration, &error, env).value_or(json::object());
    return dstackGetPlanBody(dstackRunSpec(configuration, conf), 1000);
}

} // namespace

// One oracle_parity.py process for all cases ([{file, body, endpoint}]); *answers gets one
// object per case. Fails the current test when the oracle does not answer.
void askOracle(const QString &python, const json &cases, json *answers)
{
    const QString dir = test::freshDir(QStringLiteral("parity-oracle"));
    QFile in(dir + QStringLiteral("/in.json"));
    QVERIFY(in.open(QIODevice::WriteOnly));
    in.write(QByteArray::fromStdString(cases.dump()));
    in.close();
    QProcess oracle;
    oracle.start(python, {test::sourceDir() + QStringLiteral("/tests/backends/dstack/oracle_parity.py"),
                          test::oracleDir(), in.fileName(), dir + QStringLiteral("/out.json")});
    QVERIFY(oracle.waitForFinished(180000));
    QVERIFY2(oracle.exitCode() == 0, oracle.readAllStandardError().constData());
    QFile out(dir + QStringLiteral("/out.json"));
    QVERIFY(out.open(QIODevice::ReadOnly));
    const QByteArray data = out.readAll();
    *answers = json::parse(data.constData(), data.constData() + data.size());
}

class TestDstackParity : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void corpusAndOwnCasesAgreeWithDstack()
    {
        GANTRY_REQUIRE_ORACLE(python);
        const QStringList files = configurationFiles();
        QVERIFY2(files.size() >= 150, qPrintable(QStringLiteral("only %1 configurations found").arg(files.size())));

        struct Gantry {
            bool valid = false;
            QString error;
            bool runType = false;
        };
        std::vector<Gantry> ours;
        json cases = json::array();
        int fleets = 0; // fleet files Gantry accepts
        for (const QString &file : files) {
            const ParseResult r = loadConfiguration(file);
            Gantry g{r.valid(), firstError(r.diagnostics), r.configuration.has_value()};
            ours.push_back(g);
            const bool fleet = r.configuration && r.configuration->isFleet();
            cases.push_back({{"file", file.toStdString()},
                             {"body", r.valid() ? planBody(*r.configuration) : json(nullptr)},
                             {"endpoint", fleet ? "fleets/get_plan" : "runs/get_plan"}});
            fleets += fleet && r.valid() ? 1 : 0;
        }
        json answers;
        askOracle(python, cases, &answers);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(answers.size(), size_t(files.size()));

        int verdicts = 0, agreed = 0, bodies = 0, bodiesPassed = 0, notRuns = 0;
        QStringList problems;
        for (size_t i = 0; i < answers.size(); ++i) {
            const json &a = answers[i];
            const QString file = QFileInfo(files[qsizetype(i)]).fileName();
            const QString yamlType =
                a["yaml_type"].is_string() ? QString::fromStdString(a["yaml_type"].get<std::string>()) : QString();
            if (!kComparedTypes.contains(yamlType) && !ours[i].runType) {
                ++notRuns; // gateways, volumes, presets: not something Gantry applies
                continue;
            }
            ++verdicts;
            const bool dstackAccepts = a["accepted"].get<bool>();
            if (dstackAccepts == ours[i].valid) {
                ++agreed;
            } else {
                problems << QStringLiteral("%1: dstack %2, Gantry %3 (%4)")
                                .arg(file,
                                     dstackAccepts
                                         ? QStringLiteral("accepts")
                                         : QStringLiteral("refuses: ") + QString::fromStdString(a["errors"].dump()),
                                     ours[i].valid ? QStringLiteral("accepts") : QStringLiteral("refuses"),
                                     ours[i].error);
            }
            if (a["body_errors"].is_array()) {
                ++bodies;
                if (a["body_errors"].empty())
                    ++bodiesPassed;
                else
                    problems << QStringLiteral("%1: body refused by %2: %3")
                                    .arg(file, QString::fromStdString(cases[i]["endpoint"].get<std::string>()),
                                         QString::fromStdString(a["body_errors"].dump()));
            }
        }
        const QString summary =
            QStringLiteral("verdicts %1/%2 agree, bodies %3/%4 pass (%5 gateway/volume/preset files not compared)")
                .arg(agreed)
                .arg(verdicts)
                .arg(bodiesPassed)
                .arg(bodies)
                .arg(notRuns);
        qInfo().noquote() << summary;
        for (const QString &p : problems)
            qWarning().noquote() << p;
        QVERIFY2(problems.isEmpty(), qPrintable(summary));
        QVERIFY(bodies > 100);
        QVERIFY2(fleets >= 26, qPrintable(QStringLiteral("only %1 fleet files accepted").arg(fleets)));
    }

    // A fleet host's internal_ip and ssh_config.network: dstack reads them with Python's
    // ipaddress (ip_address; ip_network(strict=False); is_private), so Gantry's verdict on each
    // of these texts must be dstack's: short and zero-padded dotted quads, netmasks, hostmasks,
    // prefixes, IPv6 with "::", IPv4 tails and scopes, public and private ranges.
    void addressesAgreeWithDstack()
    {
        GANTRY_REQUIRE_ORACLE(python);
        const char *const networks[] = {"10.0.0.0/24",
                                        "10.0.0.5/24",
                                        "10.0.0.0/255.255.255.0",
                                        "10.0.0.0/0.0.0.255",
                                        "10.0.0.0/0.255.255.255",
                                        "10.0.0.0/255.0.255.0",
                                        "10.0.0.0/255.255.255.1",
                                        "10.0/16",
                                        "10.0.0/24",
                                        "010.0.0.0/24",
                                        "10.0.0.0",
                                        "10.0.0.0/",
                                        "10.0.0.0/32",
                                        "10.0.0.0/33",
                                        "10.0.0.0/08",
                                        "10.0.0.0/0008",
                                        "10.0.0.0/+8",
                                        "10.0.0.0/ 8",
                                        "10.0.0.0/8/8",
                                        "10.0.0.0/7",
                                        "11.0.0.0/8",
                                        "8.8.8.0/24",
                                        "172.16.0.0/12",
                                        "172.32.0.0/12",
                                        "192.168.1.0/255.255.255.255",
                                        "192.168.1.0/0.0.0.0",
                                        "0.0.0.0/0",
                                        "255.255.255.255",
                                        "10.0.0.256/24",
                                        "1e.0.0.0/8",
                                        "100.64.0.0/10",
                                        "192.0.0.8/29",
                                        "10.0.0.0/\u0668",
                                        "fd00::/8",
                                        "fd00::/7",
                                        "fc00::/6",
                                        "FD00::/8",
                                        "fd00::/129",
                                        "fd00::/ffff::",
                                        "fe80::1%eth0",
                                        "fe80::1%eth0/64",
                                        "fe80::1%/64",
                                        "fe80::%a%b",
                                        "::1",
                                        "::",
                                        "::/0",
                                        "::/128",
                                        ":::",
                                        "1:::2",
                                        "1::2::3",
                                        "::ffff:8.8.8.0/120",
                                        "::ffff:10.0.0.1",
                                        "::ffff:10.0.0.0/104",
                                        "::ffff:0.0.0.0/96",
                                        "2001:db8::/32",
                                        "2001:db8::/31",
                                        "2001:2::/48",
                                        "64:ff9b:1::/48",
                                        "fe80::/10",
                                        "febf::/16",
                                        "1:2:3:4:5:6:7:8",
                                        "1:2:3:4:5:6:7:8:9",
                                        "::1:2:3:4:5:6:7",
                                        "1:2:3:4:5:6:7::",
                                        "1:2:3:4:5:6::7:8",
                                        ":1:2:3:4:5:6:7:8",
                                        "1:2:3:4:5:6:7:8:",
                                        "fd00::1.2.3.4",
                                        "fd00::1.2.3",
                                        "fd00::01.2.3.4",
                                        "fd00::1.2.3.04",
                                        "fd00:0:0:0:0:0:1.2.3.4",
                                        "fd00:0:0:0:0:0:0:1.2.3.4",
                                        "fd00::12345",
                                        "fd00::g"};
        const char *const addresses[] = {"10.0.0.1",        "010.0.0.1",      "10.1",          "127.1",
                                         "10.0.0.1/32",     "1.2.3.4.5",      "10.0.0.1%eth0", " 10.0.0.1",
                                         "10.0.0.1 ",       "\uff110.0.0.1",  "8.8.8.8",       "0.0.0.0",
                                         "255.255.255.255", "192.0.0.9",      "::1",           "::",
                                         "::ffff:10.0.0.1", "::ffff:8.8.8.8", "fe80::1%eth0",  "fe80::1%",
                                         "fd00::1",         "fc00::",         "fe80::",        "febf:ffff::1",
                                         "fec0::1",         "2001:db8::1",    "2001:2::1",     "64:ff9b:1::1",
                                         "100::1",          "100:0:0:1::1"};
        const QString dir = test::freshDir(QStringLiteral("parity-addresses"));
        QStringList files, texts;
        json cases = json::array();
        std::vector<bool> ours;
        const auto add = [&](const QString &field, const QString &value, const QString &yaml) {
            const QString file = dir + QStringLiteral("/%1.dstack.yml").arg(files.size());
            QFile f(file);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(yaml.toUtf8());
            f.close();
            files << file;
            texts << field + QLatin1Char(' ') + value;
            ours.push_back(loadConfiguration(file).valid());
            cases.push_back({{"file", file.toStdString()}, {"body", nullptr}});
        };
        for (const char *network : networks) {
            const QString n = QString::fromUtf8(network);
            add(QStringLiteral("network"), n,
                QStringLiteral("type: fleet\nname: f\nssh_config:\n  user: u\n  hosts: [h1]\n  network: \"%1\"\n")
                    .arg(n));
        }
        for (const char *address : addresses) {
            const QString a = QString::fromUtf8(address);
            add(QStringLiteral("internal_ip"), a,
                QStringLiteral("type: fleet\nname: f\nssh_config:\n  user: u\n  hosts:\n    - hostname: h1\n"
                               "      internal_ip: \"%1\"\n")
                    .arg(a));
        }
        json answers;
        askOracle(python, cases, &answers);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(answers.size(), size_t(files.size()));
        QStringList problems;
        int accepted = 0;
        for (size_t i = 0; i < answers.size(); ++i) {
            const bool dstackAccepts = answers[i]["accepted"].get<bool>();
            accepted += dstackAccepts ? 1 : 0;
            if (dstackAccepts != ours[i])
                problems << QStringLiteral("%1: dstack %2, Gantry %3")
                                .arg(texts[qsizetype(i)],
                                     dstackAccepts ? QStringLiteral("accepts") : QStringLiteral("refuses"),
                                     ours[i] ? QStringLiteral("accepts") : QStringLiteral("refuses"));
        }
        for (const QString &p : problems)
            qWarning().noquote() << p;
        QVERIFY2(problems.isEmpty(),
                 qPrintable(QStringLiteral("%1 of %2 disagree").arg(problems.size()).arg(files.size())));
        // Both verdicts are exercised, in numbers.
        QVERIFY2(accepted >= 30 && files.size() - accepted >= 30, qPrintable(QString::number(accepted)));
    }

    // `gantry-cli validate` is the same verdict as the parser (exit 0 = valid, 1 = errors).
    void cliValidateGivesTheSameVerdict()
    {
        QVERIFY2(!test::cliPath().isEmpty(), "the gantry-cli under test is not known (run through ctest)");
        const QDir own(test::dataPath(QStringLiteral("dstack/parity")));
        const QStringList names = own.entryList({QStringLiteral("*.yml")}, QDir::Files, QDir::Name);
        QVERIFY(names.size() >= 15);
        for (const QString &name : names) {
            const QString file = own.absoluteFilePath(name);
            QProcess cli;
            cli.start(test::cliPath(), {QStringLiteral("validate"), QStringLiteral("-f"), file});
            QVERIFY(cli.waitForFinished(30000));
            const bool valid = loadConfiguration(file).valid();
            QVERIFY2(cli.exitCode() == (valid ? 0 : 1),
                     qPrintable(name + QLatin1Char(' ') + QString::fromUtf8(cli.readAllStandardOutput())));
            // The file name says what dstack does with it.
            QCOMPARE(valid, name.startsWith(QLatin1String("accept-")));
        }
    }
};

QTEST_GUILESS_MAIN(TestDstackParity)
#include "test_dstack_parity.moc"
