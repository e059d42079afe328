// `type: fleet` configurations: dstack's FleetConfiguration read with locations (nodes as a
// number, a range or an object; blocks; placement; ssh_config with hosts as strings or objects),
// the canonical JSON a fleet spec carries, and the schema the editor completes from.

#include "tests/config/ConfigTestHelpers.h"

#include "core/backends/dstack/DstackFleetRequests.h"
#include "core/config/ConfigSchema.h"
#include "core/config/FleetTemplate.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>

using namespace gantry;
using namespace gantry::test;
using json = nlohmann::json;

class TestFleetConfig : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void nodesForms_data()
    {
        QTest::addColumn<QByteArray>("nodes");
        QTest::addColumn<QString>("canonical");
        QTest::newRow("number") << QByteArray("2") << QStringLiteral(R"({"max":2,"min":2})");
        QTest::newRow("range") << QByteArray("0..2") << QStringLiteral(R"({"max":2,"min":0})");
        QTest::newRow("open") << QByteArray("1..") << QStringLiteral(R"({"max":null,"min":1})");
        QTest::newRow("spaces") << QByteArray("\"0 .. 3\"") << QStringLiteral(R"({"max":3,"min":0})");
        QTest::newRow("object with target")
            << QByteArray("{min: 1, target: 2, max: 3}") << QStringLiteral(R"({"max":3,"min":1,"target":2})");
        QTest::newRow("object target = min")
            << QByteArray("{min: 1, target: 1}") << QStringLiteral(R"({"max":null,"min":1})");
    }
    void nodesForms()
    {
        QFETCH(QByteArray, nodes);
        QFETCH(QString, canonical);
        const ParseResult r = parseText("type: fleet\nname: f\nnodes: " + nodes + "\n");
        QVERIFY2(r.valid(), qPrintable(describe(r.diagnostics)));
        QVERIFY(r.configuration->isFleet());
        QCOMPARE(QString::fromStdString(r.configuration->canonical["nodes"].dump()), canonical);
        QVERIFY(r.configuration->writtenKeys.contains(QStringLiteral("nodes")));
    }

    // dstack refuses 2..1 in a model validator without a location: the line:col is Gantry's.
    void reversedNodesHaveALocation()
    {
        const ParseResult r = parseText("type: fleet\nname: fl\nnodes: 2..1\n");
        QVERIFY(!r.valid());
        QCOMPARE(
            located(r.diagnostics).first(),
            QStringLiteral("3:8: error: nodes: max (1) must not be less than min (2); write the range as min..max"));
        const ParseResult target = parseText("type: fleet\nnodes:\n  min: 2\n  target: 1\n");
        QVERIFY(!target.valid());
        QCOMPARE(target.diagnostics.first().line, 3);
    }

    void runFieldsAreNotFleetFields()
    {
        const ParseResult r = parseText("type: fleet\nnodes: 1\ncommands: [echo]\nport: 80\n");
        QCOMPARE(
            located(r.diagnostics),
            (QStringList{QStringLiteral("3:1: error: 'commands' is not allowed in a fleet (only in: service, task)"),
                         QStringLiteral("4:1: error: 'port' is not allowed in a fleet (only in: service)")}));
        // and the fleet's own keys are not run keys
        const ParseResult run = parseText(service("placement: cluster\n"));
        QVERIFY(!run.valid());
        QVERIFY2(describe(run.diagnostics).contains(QLatin1String("only in: fleet")),
                 qPrintable(describe(run.diagnostics)));
    }

    void sshConfig()
    {
        const ParseResult r = parseText("type: fleet\n"
                                        "ssh_config:\n"
                                        "  user: ubuntu\n"
                                        "  identity_file: ~/.ssh/id_rsa\n"
                                        "  hosts:\n"
                                        "    - 10.0.0.1\n"
                                        "    - hostname: node-2\n"
                                        "      port: 2222\n"
                                        "      blocks: auto\n"
                                        "      internal_ip: 192.168.1.2\n"
                                        "  proxy_jump: {hostname: bastion, user: me, identity_file: ~/.ssh/bastion}\n");
        QVERIFY2(r.valid(), qPrintable(describe(r.diagnostics)));
        const json &ssh = r.configuration->canonical["ssh_config"];
        QCOMPARE_JSON(ssh["hosts"][0], "10.0.0.1");
        QCOMPARE_JSON(ssh["hosts"][1]["port"], 2222);
        QCOMPARE_JSON(ssh["hosts"][1]["blocks"], "auto");
        QCOMPARE(fleetIdentityFiles(*r.configuration),
                 (QStringList{QStringLiteral("~/.ssh/id_rsa"), QStringLiteral("~/.ssh/bastion")}));

        const ParseResult bad = parseText("type: fleet\n"
                                          "ssh_config:\n"
                                          "  hosts:\n"
                                          "    - hostname: n\n"
                                          "      internal_ip: 8.8.8.8\n"
                                          "      colour: red\n"
                                          "  network: 1.2.3.0/24\n");
        const QStringList problems = located(bad.diagnostics);
        QVERIFY2(problems.contains(QStringLiteral(
                     "5:20: error: internal_ip 8.8.8.8 is not a private address (10.x, 172.16–31.x, 192.168.x, …)")),
                 qPrintable(problems.join(QLatin1Char('\n'))));
        QVERIFY2(problems.join(QLatin1Char('\n')).contains(QLatin1String("6:7: error: unknown key 'colour' in a host")),
                 qPrintable(problems.join(QLatin1Char('\n'))));
        QVERIFY2(problems.join(QLatin1Char('\n'))
                     .contains(QLatin1String("7:12: error: ssh_config.network 1.2.3.0/24 is public")),
                 qPrintable(problems.join(QLatin1Char('\n'))));
    }

    // The editor completes fleet files from the same table the reader checks them with.
    void schemaServesTheEditor()
    {
        QVERIFY(ConfigSchema::runTypeNames().contains(QStringLiteral("fleet")));
        const QStringList top = ConfigSchema::keysFor({}, RunType::Fleet);
        for (const char *key :
             {"type", "name", "nodes", "placement", "blocks", "resources", "backends", "regions", "spot_policy",
              "max_price", "idle_duration", "reservation", "ssh_config", "env", "retry", "tags"})
            QVERIFY2(top.contains(QLatin1String(key)), key);
        QVERIFY(!top.contains(QStringLiteral("commands")));
        QCOMPARE(ConfigSchema::keysFor({QStringLiteral("ssh_config"), QStringLiteral("hosts")}, RunType::Fleet),
                 QStringList({QStringLiteral("hostname"), QStringLiteral("port"), QStringLiteral("user"),
                              QStringLiteral("identity_file"), QStringLiteral("proxy_jump"),
                              QStringLiteral("internal_ip"), QStringLiteral("ssh_key"), QStringLiteral("blocks")}));
        QCOMPARE(ConfigSchema::valuesFor({QStringLiteral("placement")}),
                 QStringList({QStringLiteral("any"), QStringLiteral("cluster")}));
    }

    // "Create a fleet": the file written for a run asks for what the run asks, nodes 0..1.
    void fleetForARun()
    {
        const ParseResult run = parseText(service("name: llama\nspot_policy: auto\nbackends: [aws, gcp]\nresources:\n  "
                                                  "gpu: A10G,L4:24GB..:1\n  disk: 150GB..\n"));
        QVERIFY2(run.valid(), qPrintable(describe(run.diagnostics)));
        const QByteArray yaml = fleetYamlFor(*run.configuration);
        const ParseResult fleet = parseText(yaml);
        QVERIFY2(fleet.valid(), qPrintable(describe(fleet.diagnostics) + QLatin1Char('\n') + QString::fromUtf8(yaml)));
        const json &c = fleet.configuration->canonical;
        QCOMPARE_JSON(c["name"], "llama-fleet");
        QCOMPARE_JSON(c["nodes"], json({{"min", 0}, {"max", 1}}));
        QCOMPARE_JSON(c["spot_policy"], "auto");
        QCOMPARE_JSON(c["backends"], json({"aws", "gcp"}));
        QCOMPARE(fleet.configuration->resources.gpu.names, (QStringList{QStringLiteral("A10G"), QStringLiteral("L4")}));
        QCOMPARE(fleet.configuration->resources.gpu.memoryGb->min, 24.0);
        QCOMPARE(fleet.configuration->resources.gpu.count, (Range<int>{1, 1}));
        QCOMPARE(fleet.configuration->resources.diskGb->min, 150.0);
        QVERIFY(!fleet.configuration->writtenKeys.contains(QStringLiteral("max_price")));

        // A run without a (valid) name and without resources still gets a valid fleet.
        const ParseResult bare = parseText("type: task\ncommands: [echo]\n");
        const ParseResult plain = parseText(fleetYamlFor(*bare.configuration));
        QVERIFY2(plain.valid(), qPrintable(describe(plain.diagnostics)));
        QCOMPARE_JSON(plain.configuration->canonical["name"], "my-fleet");
    }

    // The key is read into ssh_key beside identity_file; a missing public half is said in words.
    void sshKeysGoIntoTheSpec()
    {
        const ParseResult r = parseText("type: fleet\nssh_config:\n  user: u\n  identity_file: id\n  hosts: [h1, "
                                        "{hostname: h2, identity_file: other}]\n");
        QVERIFY(r.valid());
        QStringList asked;
        const SshKeyReader reader = [&asked](const QString &file, QString *) {
            asked << file;
            return std::optional<SshKeyPair>(
                SshKeyPair{QStringLiteral("PUB ") + file, QStringLiteral("PRIVATE ") + file});
        };
        QString error;
        const std::optional<json> built = dstackFleetSpec(*r.configuration, &error, reader);
        QVERIFY2(built, qPrintable(error));
        const json &spec = *built;
        QCOMPARE(asked, (QStringList{QStringLiteral("id"), QStringLiteral("other")}));
        QCOMPARE_JSON(spec["configuration"]["ssh_config"]["ssh_key"]["private"], "PRIVATE id");
        QCOMPARE_JSON(spec["configuration"]["ssh_config"]["hosts"][1]["ssh_key"]["public"], "PUB other");
        QCOMPARE_JSON(spec["profile"], json::object());
        QVERIFY(!spec.contains("autocreated"));
        // What may be shown has no key left in it.
        QVERIFY(!QString::fromStdString(withoutSshKeys(spec).dump()).contains(QLatin1String("PRIVATE")));

        const QString dir =
            QDir::temp().filePath(QStringLiteral("gantry-fleet-key-%1").arg(QCoreApplication::applicationPid()));
        QDir().mkpath(dir);
        QFile key(dir + QStringLiteral("/id"));
        QVERIFY(key.open(QIODevice::WriteOnly));
        key.write("-----BEGIN OPENSSH PRIVATE KEY-----\nsecret\n-----END OPENSSH PRIVATE KEY-----\n");
        key.close();
        QString why;
        QVERIFY(!localSshKeyReader(dir)(QStringLiteral("id"), &why));
        QVERIFY2(why.contains(QLatin1String("id.pub")) && why.contains(QLatin1String("ssh-keygen -y")),
                 qPrintable(why));
        QVERIFY(!why.contains(QLatin1String("secret")));
        QFile pub(dir + QStringLiteral("/id.pub"));
        QVERIFY(pub.open(QIODevice::WriteOnly));
        pub.write("ssh-ed25519 AAAA test\n");
        pub.close();
        const auto pair = localSshKeyReader(dir)(QStringLiteral("id"), &why);
        QVERIFY(pair);
        QCOMPARE(pair->publicKey, QStringLiteral("ssh-ed25519 AAAA test\n"));
        QVERIFY(pair->privateKey.contains(QLatin1String("secret")));
        QDir(dir).removeRecursively();
    }
};

QTEST_GUILESS_MAIN(TestFleetConfig)
#include "test_fleet_config.moc"
