// gantry-cli validate --fix [--dry-run], run as a real process on copies of the seed files:
// the exact unified diff, the file untouched by a dry run and fixed (and then clean) without.

#include "tests/support/TestEnvironment.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTest>

#include <nlohmann/json.hpp>

using namespace gantry::test;

namespace {

struct Outcome {
    int exitCode = -1;
    QString out;
    QString err;
};

Outcome runValidate(const QStringList &args)
{
    QProcess p;
    p.start(cliPath(), QStringList{QStringLiteral("validate")} + args);
    if (!p.waitForFinished(30000))
        return {};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// A copy of a seed file in a fresh directory.
QString seedCopy(const QString &name, const QString &dirName)
{
    const QString path = QDir(freshDir(dirName)).filePath(name);
    QFile::copy(dataPath(QStringLiteral("config/seed/") + name), path);
    return path;
}

} // namespace

class TestConfigFixCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY2(QFile::exists(cliPath()), qPrintable(cliPath())); }

    void dryRunPrintsTheDiffAndLeavesTheFile()
    {
        const QString path = seedCopy(QStringLiteral("vllm.serve.dstack.yml"), QStringLiteral("dry"));
        const QByteArray before = readFile(path);
        const Outcome o =
            runValidate({QStringLiteral("--fix"), QStringLiteral("--dry-run"), QStringLiteral("-f"), path});
        QCOMPARE(o.exitCode, 0);
        const QString expected =
            QStringLiteral("--- %1\n+++ %1\n"
                           "@@ -9,7 +9,7 @@\n"
                           "     gpu: 24GB\n"
                           " commands:\n"
                           "     - pip install vllm\n"
                           "-    - python -m vllm.entrypoints.openai.api_server --model $MODEL --port 8000\n"
                           "+    - python -m vllm.entrypoints.openai.api_server --model $MODEL_ID --served-model-name "
                           "mistral-7b-it --port 8000\n"
                           " model:\n"
                           "     format: openai\n"
                           "     type: chat\n"
                           "(dry run: %1 left as it is)\n")
                .arg(path);
        QCOMPARE(o.out, expected);
        QCOMPARE(readFile(path), before);
    }

    void fixWritesTheFile()
    {
        const QString path = seedCopy(QStringLiteral("tgi.serve.dstack.yml"), QStringLiteral("fix"));
        const Outcome o = runValidate({QStringLiteral("--fix"), QStringLiteral("-f"), path});
        QCOMPARE(o.exitCode, 0);
        QVERIFY2(o.out.contains(QStringLiteral("-    - text-generation-launcher --port 80 --trust-remote-code\n"
                                               "+    - text-generation-launcher --port 8000 --trust-remote-code\n")),
                 qPrintable(o.out));
        QVERIFY(readFile(path).contains("--port 8000 --trust"));
        // Validating the fixed file finds nothing; a second --fix has nothing to do.
        QCOMPARE(runValidate({QStringLiteral("-f"), path}).out,
                 path + QStringLiteral(": valid service configuration\n"));
        QCOMPARE(runValidate({QStringLiteral("--fix"), QStringLiteral("-f"), path}).out,
                 QStringLiteral("nothing to fix\n") + path + QStringLiteral(": valid service configuration\n"));
    }

    void jsonCarriesTheDiff()
    {
        const QString path = seedCopy(QStringLiteral("tgi.serve.dstack.yml"), QStringLiteral("json"));
        const Outcome o = runValidate({QStringLiteral("--fix"), QStringLiteral("--dry-run"), QStringLiteral("--json"),
                                       QStringLiteral("-f"), path});
        QCOMPARE(o.exitCode, 0);
        const auto doc = nlohmann::json::parse(o.out.toStdString());
        QVERIFY(doc["diagnostics"].empty()); // of the file as fixed
        QVERIFY(QString::fromStdString(doc["diff"].get<std::string>()).startsWith(QStringLiteral("--- ") + path));
    }

    void jsonListsTheFixes()
    {
        const Outcome o = runValidate({QStringLiteral("--json"), QStringLiteral("-f"),
                                       dataPath(QStringLiteral("config/seed/tgi.serve.dstack.yml"))});
        QCOMPARE(o.exitCode, 0);
        const auto d = nlohmann::json::parse(o.out.toStdString())["diagnostics"][0];
        QCOMPARE(QString::fromStdString(d["code"].get<std::string>()), QStringLiteral("port-mismatch"));
        QCOMPARE(QString::fromStdString(d["fixes"][0]["title"].get<std::string>()),
                 QStringLiteral("Listen on port 8000, as `port` says"));
        QCOMPARE(QString::fromStdString(d["fixes"][0]["edits"][0].dump()),
                 QStringLiteral(R"({"column":39,"end_column":41,"end_line":11,"line":11,"new_text":"8000"})"));
    }

    void dryRunAloneIsMisuse()
    {
        const Outcome o = runValidate({QStringLiteral("--dry-run"), QStringLiteral("-f"),
                                       dataPath(QStringLiteral("config/seed/tgi.serve.dstack.yml"))});
        QCOMPARE(o.exitCode, 2);
        QVERIFY(o.err.contains(QStringLiteral("--dry-run goes with --fix")));
    }
};

QTEST_GUILESS_MAIN(TestConfigFixCli)
#include "test_config_fix_cli.moc"
