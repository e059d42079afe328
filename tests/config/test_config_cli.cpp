// gantry-cli validate, run as a real process: exit codes, output lines, --json shape, lookup.

#include "tests/support/TestEnvironment.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTest>

#include <nlohmann/json.hpp>

using namespace gantry::test;
using json = nlohmann::json;

// nlohmann::json does not go through QCOMPARE (ambiguous conversions); compare the text.
#define QCOMPARE_JSON(actual, expected)                                                                                \
    QCOMPARE(QString::fromStdString(json(actual).dump()), QString::fromStdString(json(expected).dump()))

namespace {

struct Outcome {
    int exitCode = -1;
    QString out;
    QString err;
};

Outcome runCli(const QStringList &args, const QString &workingDir = {})
{
    QProcess p;
    if (!workingDir.isEmpty())
        p.setWorkingDirectory(workingDir);
    p.start(cliPath(), QStringList{QStringLiteral("validate")} + args);
    if (!p.waitForFinished(30000))
        return {};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

void write(const QString &path, const QByteArray &text)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

} // namespace

class TestConfigCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY2(QFile::exists(cliPath()), qPrintable(cliPath())); }

    void warningsOnlyExitZero()
    {
        const QString seed = dataPath(QStringLiteral("config/seed/tgi.serve.dstack.yml"));
        const Outcome o = runCli({QStringLiteral("-f"), seed});
        QCOMPARE(o.exitCode, 0);
        const QStringList lines = o.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 1);
        QVERIFY2(lines[0].startsWith(seed + QStringLiteral(":11:39: warning: the command listens on port 80")),
                 qPrintable(lines[0]));
    }

    void errorsExitOne()
    {
        const QString dir = freshDir(QStringLiteral("cli-errors"));
        write(dir + QStringLiteral("/bad.dstack.yml"), "type: service\nprot: 8000\ncommands: [x]\n");
        const Outcome o = runCli({QStringLiteral("--file"), dir + QStringLiteral("/bad.dstack.yml")});
        QCOMPARE(o.exitCode, 1);
        QVERIFY2(o.out.contains(QStringLiteral(
                     "bad.dstack.yml:2:1: error: unknown key 'prot' in a service configuration; did you mean 'port'?")),
                 qPrintable(o.out));
        QVERIFY(o.out.contains(QStringLiteral("bad.dstack.yml:1:1: error: a service needs `port`")));
    }

    void cleanFileSaysValid()
    {
        const QString dir = freshDir(QStringLiteral("cli-clean"));
        write(dir + QStringLiteral("/.dstack.yml"), "type: task\ncommands: [echo hi]\n");
        const Outcome o = runCli({}, dir);
        QCOMPARE(o.exitCode, 0);
        QVERIFY2(o.out.contains(QStringLiteral("valid task configuration")), qPrintable(o.out));
    }

    void jsonOutput()
    {
        const QString seed = dataPath(QStringLiteral("config/seed/vllm.serve.dstack.yml"));
        const Outcome o = runCli({QStringLiteral("-f"), seed, QStringLiteral("--json")});
        QCOMPARE(o.exitCode, 0);
        const json doc = json::parse(o.out.toStdString());
        QCOMPARE(doc.size(), size_t(3));
        QCOMPARE_JSON(doc["valid"], json(true));
        QCOMPARE(doc["diagnostics"].size(), size_t(2));
        const json &d = doc["diagnostics"][0];
        QCOMPARE(d.size(), size_t(7)); // file, line, column, severity, message + code and fixes (it has some)
        QCOMPARE_JSON(d["code"], json("undefined-variable"));
        QCOMPARE_JSON(d["fixes"][0]["title"], json("Use $MODEL_ID"));
        QCOMPARE_JSON(d["file"], json(seed.toStdString()));
        QCOMPARE_JSON(d["line"], json(12));
        QCOMPARE_JSON(d["column"], json(60));
        QCOMPARE_JSON(d["severity"], json("warning"));
        QVERIFY(d["message"].get<std::string>().find("$MODEL") != std::string::npos);
        QCOMPARE_JSON(doc["configuration"]["type"], json("service"));
        QCOMPARE_JSON(doc["configuration"]["python"], json("3.11"));
        QCOMPARE_JSON(doc["configuration"]["port"], json::parse(R"({"local_port":80,"container_port":8000})"));
        QCOMPARE_JSON(doc["configuration"]["env"], json::parse(R"({"MODEL_ID":"mistralai/Mistral-7B-Instruct-v0.2"})"));
        QCOMPARE_JSON(doc["configuration"]["model"],
                      json::parse(R"({"type":"chat","name":"mistral-7b-it","format":"openai","prefix":"/v1"})"));
    }

    void jsonOutputForInvalidFile()
    {
        const QString dir = freshDir(QStringLiteral("cli-json-invalid"));
        write(dir + QStringLiteral("/x.dstack.yml"), "type: service\n\tport: 1\n");
        const Outcome o = runCli({dir, QStringLiteral("--json")});
        QCOMPARE(o.exitCode, 1);
        const json doc = json::parse(o.out.toStdString());
        QCOMPARE_JSON(doc["valid"], json(false));
        QCOMPARE_JSON(doc["configuration"], json(nullptr));
        QCOMPARE(doc["diagnostics"].size(), size_t(1));
        QCOMPARE_JSON(doc["diagnostics"][0]["severity"], json("error"));
        QCOMPARE_JSON(doc["diagnostics"][0]["line"], json(2));
    }

    void findsConfigurationInDirectory()
    {
        const QString dir = freshDir(QStringLiteral("cli-dir"));
        write(dir + QStringLiteral("/serve.dstack.yml"), "type: service\nport: 8000\nimage: nginx\n");
        const Outcome o = runCli({dir});
        QCOMPARE(o.exitCode, 0);
        QVERIFY2(o.out.contains(QStringLiteral("serve.dstack.yml: valid service configuration")), qPrintable(o.out));
    }

    void usageErrorsExitTwo_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("unknown option") << QStringList{QStringLiteral("--frobnicate")}
                                        << "unknown option '--frobnicate'";
        QTest::newRow("-f without file") << QStringList{QStringLiteral("-f")} << "missing value after '-f'";
        QTest::newRow("two directories") << QStringList{QStringLiteral("a"), QStringLiteral("b")}
                                         << "unexpected argument 'b'";
        QTest::newRow("missing directory") << QStringList{QStringLiteral("/nonexistent/gantry")} << "no such directory";
    }
    void usageErrorsExitTwo()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, fragment);
        const Outcome o = runCli(args);
        QCOMPARE(o.exitCode, 2);
        QVERIFY2(o.err.contains(fragment), qPrintable(o.err));
        QVERIFY(o.err.contains(QLatin1String("usage: gantry-cli validate")));
    }

    void noConfigurationFoundExitTwo()
    {
        const QString dir = freshDir(QStringLiteral("cli-empty"));
        const Outcome o = runCli({}, dir);
        QCOMPARE(o.exitCode, 2);
        QVERIFY2(o.err.contains(QLatin1String("no configuration found")), qPrintable(o.err));
    }

    void unreadableFileExitOne()
    {
        const Outcome o =
            runCli({QStringLiteral("-f"), freshDir(QStringLiteral("cli-missing")) + QStringLiteral("/nope.yml")});
        QCOMPARE(o.exitCode, 1);
        QVERIFY(o.out.contains(QLatin1String("cannot read the configuration")));
    }

    void helpExitZero()
    {
        const Outcome o = runCli({QStringLiteral("--help")});
        QCOMPARE(o.exitCode, 0);
        QVERIFY(o.out.contains(QLatin1String("--json")));
    }
};

QTEST_GUILESS_MAIN(TestConfigCli)
#include "test_config_cli.moc"
