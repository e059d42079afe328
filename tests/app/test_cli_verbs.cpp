// Every gantry-cli verb answers --help from its one declaration, and misuse the same way:
// the verbs are read from `gantry-cli --help` itself, so a new verb is covered without
// touching this file.

#include "tests/support/CliProcess.h"

#include <QRegularExpression>
#include <QTest>

using gantry::test::runCli;

namespace {

QStringList verbsFromHelp()
{
    const auto help = runCli({QStringLiteral("--help")});
    QStringList verbs;
    static const QRegularExpression line(QStringLiteral("^  ([a-z]+) +\\S"), QRegularExpression::MultilineOption);
    for (auto it = line.globalMatch(help.out); it.hasNext();)
        verbs << it.next().captured(1);
    return verbs;
}

// Verbs that talk to a backend: they all take --backend and --project.
const QStringList kBackendVerbs = {QStringLiteral("chat"), QStringLiteral("offer"), QStringLiteral("apply"),
                                   QStringLiteral("ps"),   QStringLiteral("logs"),  QStringLiteral("event"),
                                   QStringLiteral("stop")};

} // namespace

class TestCliVerbs : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyVerbIsListed()
    {
        const QStringList verbs = verbsFromHelp();
        for (const QString &v : kBackendVerbs + QStringList{QStringLiteral("validate"), QStringLiteral("version")})
            QVERIFY2(verbs.contains(v), qPrintable(v + QStringLiteral(" missing from: ") + verbs.join(u' ')));
    }

    void helpComesFromTheDeclaration_data()
    {
        QTest::addColumn<QString>("verb");
        for (const QString &v : verbsFromHelp())
            QTest::newRow(qPrintable(v)) << v;
    }
    void helpComesFromTheDeclaration()
    {
        QFETCH(QString, verb);
        const auto r = runCli({verb, QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.startsWith(QStringLiteral("usage: gantry-cli %1").arg(verb)), qPrintable(r.out));
        QVERIFY2(r.out.contains(QLatin1String("-h, --help")), qPrintable(r.out));
        if (kBackendVerbs.contains(verb)) {
            QVERIFY2(r.out.contains(QLatin1String("--project P")), qPrintable(r.out));
            QVERIFY2(r.out.contains(QLatin1String("--backend B")), qPrintable(r.out));
        }
    }

    void unknownOptionIsAUsageError_data() { helpComesFromTheDeclaration_data(); }
    void unknownOptionIsAUsageError()
    {
        QFETCH(QString, verb);
        const auto r = runCli({verb, QStringLiteral("--frobnicate")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("gantry-cli %1: unknown option '--frobnicate'").arg(verb)),
                 qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("usage: gantry-cli %1").arg(verb)), qPrintable(r.err));
    }

    void missingPositionalIsNamed()
    {
        const auto r = runCli({QStringLiteral("logs")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QLatin1String("RUN needed")), qPrintable(r.err));
        const auto extra = runCli({QStringLiteral("stop"), QStringLiteral("a"), QStringLiteral("b")});
        QCOMPARE(extra.exitCode, 2);
        QVERIFY2(extra.err.contains(QLatin1String("unexpected argument 'b'")), qPrintable(extra.err));
    }

    void optionValueIsChecked()
    {
        const auto r = runCli({QStringLiteral("apply"), QStringLiteral("--offer"), QStringLiteral("zero")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QLatin1String("--offer takes an offer number")), qPrintable(r.err));
        const auto missing = runCli({QStringLiteral("ps"), QStringLiteral("--project")});
        QCOMPARE(missing.exitCode, 2);
        QVERIFY2(missing.err.contains(QLatin1String("missing value after '--project'")), qPrintable(missing.err));
    }

    void compareRefusesSingleEndpointOptions()
    {
        const auto r = runCli({QStringLiteral("chat"), QStringLiteral("--compare"), QStringLiteral("--url"),
                               QStringLiteral("http://127.0.0.1:9/v1"), QStringLiteral("a"), QStringLiteral("b"),
                               QStringLiteral("hi")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QLatin1String("--url names one endpoint")), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestCliVerbs)
#include "test_cli_verbs.moc"
