// A new user's first contact, taken exactly as the README says and nothing more: the GUI as
// ./scripts/run starts it (only LLAMA_SERVER and TINY_MODEL set, as that script exports them),
// the installed layout (cmake --install), and a service with no `resources:` block. Each case
// runs the real executables in a fresh HOME (tests/support/run-isolated); none of them is told
// where gantry-cli is: the GUI must find its supervisor by itself.

#include "tests/support/LlamaServer.h"
#include "tests/support/TestEnvironment.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QStorageInfo>
#include <QTest>

#include <nlohmann/json.hpp>

using namespace gantry;

namespace {

struct Result {
    int exitCode = -1;
    QString out;
    QString err;
};

// The environment ./scripts/run gives the GUI: the user's own (a fresh HOME here) plus the two
// paths the example's value-less env entries read. Nothing of the suite's.
QProcessEnvironment userEnvironment(const QString &server, const QString &model)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &key : env.keys())
        if (key.startsWith(QLatin1String("GANTRY_")))
            env.remove(key);
    env.insert(QStringLiteral("LLAMA_SERVER"), server);
    env.insert(QStringLiteral("TINY_MODEL"), model);
    return env;
}

Result run(const QString &program, const QStringList &args, const QProcessEnvironment &env, int timeoutMs)
{
    QProcess process;
    process.setProcessEnvironment(env);
    process.setStandardInputFile(QProcess::nullDevice());
    process.start(program, args);
    Result result;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        result.err = QStringLiteral("timed out after %1 ms\n").arg(timeoutMs);
    } else {
        result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    }
    result.out += QString::fromUtf8(process.readAllStandardOutput());
    result.err += QString::fromUtf8(process.readAllStandardError());
    return result;
}

// The value after "<word> " on the tour's progress line that starts with word.
QString progress(const QString &out, const QString &word)
{
    for (const QString &line : out.split(QLatin1Char('\n')))
        if (line.startsWith(word + QLatin1Char(' ')))
            return line.mid(word.size() + 1);
    return {};
}

// The run's log as the supervisor wrote it (state lives in ~/.local/share/gantry by default).
QString runLog(const QString &runName)
{
    QFile log(QDir::homePath() + QStringLiteral("/.local/share/gantry/runs/") + runName + QStringLiteral("/log"));
    return log.open(QIODevice::ReadOnly) ? QString::fromUtf8(log.readAll()) : QString();
}

} // namespace

class TestFirstContact : public QObject
{
    Q_OBJECT

    QString m_server, m_model;
    int m_tours = 0;

    // `gantry --screenshot DIR --deploy PROJECT` with the user's environment: plan, deploy the
    // local offer, wait for ready, chat "hello", take the pictures, stop. Checks every step and
    // returns the deployed run's name.
    QString tour(const QString &gui, const QString &project)
    {
        const QString shots = test::freshDir(QStringLiteral("shots-%1").arg(++m_tours));
        const Result r = run(gui, {QStringLiteral("--screenshot"), shots, QStringLiteral("--deploy"), project},
                             userEnvironment(m_server, m_model), 240000);
        const QString context = QStringLiteral("exit %1\nstdout:\n%2\nstderr:\n%3").arg(r.exitCode).arg(r.out, r.err);
        [&] { QVERIFY2(r.exitCode == 0, qPrintable(context)); }();
        if (QTest::currentTestFailed())
            return {};
        const QString run = progress(r.out, QStringLiteral("deployed"));
        [&] {
            QVERIFY2(!run.isEmpty(), qPrintable(context));
            QVERIFY2(progress(r.out, QStringLiteral("ready")).startsWith(run + QStringLiteral(" http://127.0.0.1:")),
                     qPrintable(context));
            // The chat got a whole reply from the real llama-server, with an honest rate.
            const QString chat = progress(r.out, QStringLiteral("chat"));
            QVERIFY2(chat.startsWith(QLatin1String("complete ")), qPrintable(context));
            QVERIFY2(chat.contains(QLatin1String("48 tokens")), qPrintable(chat));
            QVERIFY2(progress(r.out, QStringLiteral("stopped")) == run + QStringLiteral(" terminated"),
                     qPrintable(context));
            for (const char *panel : {"editor.png", "offers.png", "runs.png", "chat.png"})
                QVERIFY2(QFileInfo(shots + QLatin1Char('/') + QLatin1String(panel)).size() > 10000, panel);
        }();
        return run;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        m_server = test::llamaServerPath();
        m_model = test::tinyModelPath(&error);
        if (m_server.isEmpty() || m_model.isEmpty())
            GANTRY_SKIP_OR_FAIL(QStringLiteral("needs llama-server and the tiny model (scripts/setup): ") + error);
        QVERIFY(QFileInfo(test::guiPath()).isExecutable());
    }

    // README: ./scripts/run opens the GUI on examples/local-tiny; Plan, Deploy, Chat, Stop.
    void theGuiAsScriptsRunStartsItDeploysAndChats()
    {
        const QString gui = test::guiPath();
        // The build puts both programs in one bin/, as the installed layout does.
        QCOMPARE(QFileInfo(gui).absolutePath(), QFileInfo(test::cliPath()).absolutePath());
        const QString run = tour(gui, test::sourceDir() + QStringLiteral("/examples/local-tiny"));
        QVERIFY(!QTest::currentTestFailed());
        // The supervisor was the gantry-cli beside gantry, found with no variable set.
        QVERIFY2(runLog(run).contains(QFileInfo(test::cliPath()).absoluteFilePath()), qPrintable(runLog(run)));
    }

    // The GUI's start, first frame and idle second with the chat panel open included, loads no
    // network stack: QtNetwork (with Kerberos, libproxy) is the module libgantry_network.so,
    // loaded at the first request (issue 14). The real program, its memory map read while idle.
    void theGuiStartsWithoutItsNetworkStack()
    {
        const QString home = test::freshDir(QStringLiteral("start-maps"));
        QProcessEnvironment env = userEnvironment(m_server, m_model);
        env.insert(QStringLiteral("HOME"), home);
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/config"));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        QProcess gui;
        gui.setProcessEnvironment(env);
        // --startup-probe: "painted" after the first paint, then a second with the newest chat open.
        gui.start(test::guiPath(),
                  {QStringLiteral("--startup-probe"), test::sourceDir() + QStringLiteral("/examples/local-tiny")});
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((out += gui.readAllStandardOutput()).contains("painted-cpu-ms"), 30000);
        const QByteArray mapped = test::memoryMap(gui.processId());
        QVERIFY(gui.waitForFinished(30000));
        QVERIFY2(gui.readAllStandardOutput().contains("idle-rss-kb"), "the map was read before the idle second ended");
        QVERIFY(mapped.contains("libQt6Widgets")); // the right process's map
        for (const char *library : {"libQt6Network", "libgssapi_krb5", "libproxy", "libgantry_network"})
            QVERIFY2(!mapped.contains(library), library);
    }

    // The functions a start runs (app/gantry/start-order.txt) lie together in the built gantry,
    // so the start keeps ~0.5 MB of its code resident instead of ~2.3 MB (issue 14), and the
    // list still names most of what the code holds.
    void theStartsCodeLiesTogether()
    {
        if (GANTRY_SANITIZED_BUILD)
            QSKIP("a sanitized build links gantry without the start's order");
        if (!GANTRY_START_ORDERED)
            GANTRY_SKIP_OR_FAIL(QStringLiteral("gantry was linked without lld (scripts/setup installs it)"));
        QFile orderFile(test::sourceDir() + QStringLiteral("/app/gantry/start-order.txt"));
        QVERIFY(orderFile.open(QIODevice::ReadOnly));
        const QList<QByteArray> order = orderFile.readAll().trimmed().split('\n');
        QVERIFY(order.size() > 100);
        const Result nm =
            run(QStringLiteral("nm"), {QStringLiteral("--defined-only"), QStringLiteral("-S"), test::guiPath()},
                QProcessEnvironment::systemEnvironment(), 60000);
        QCOMPARE(nm.exitCode, 0);
        // "address size type name": the functions' place and size.
        QHash<QByteArray, std::pair<quint64, quint64>> functions;
        for (const QString &line : nm.out.split(QLatin1Char('\n'))) {
            const QStringList f = line.split(QLatin1Char(' '), Qt::SkipEmptyParts);
            if (f.size() == 4 &&
                (f[2] == QLatin1String("t") || f[2] == QLatin1String("T") || f[2] == QLatin1String("W")))
                functions.insert(f[3].toUtf8(), {f[0].toULongLong(nullptr, 16), f[1].toULongLong(nullptr, 16)});
        }
        quint64 low = ~quint64(0), high = 0, size = 0;
        qsizetype found = 0;
        for (const QByteArray &name : order) {
            const auto it = functions.constFind(name);
            if (it == functions.cend())
                continue;
            ++found;
            low = std::min(low, it->first);
            high = std::max(high, it->first + it->second);
            size += it->second;
        }
        QVERIFY2(found * 10 >= order.size() * 8,
                 qPrintable(QStringLiteral("%1 of the %2 functions in start-order.txt are left in gantry: run "
                                           "bench/scripts/start-order")
                                .arg(found)
                                .arg(order.size())));
        // Together: the span they cover is about their own size (plus alignment, thunks that share a
        // function's section, and yaml-cpp's objects, which Debian's archive has whole: ~1.2×), not
        // the whole 2.5 MB of code with the rest of gantry between them (~6×).
        QVERIFY2(high - low <= size * 3 / 2 + 16 * quint64(found),
                 qPrintable(QStringLiteral("the start's %1 functions (%2 bytes) are spread over %3 bytes: is gantry "
                                           "linked with lld (scripts/setup)?")
                                .arg(found)
                                .arg(size)
                                .arg(high - low)));
    }

    // The installed layout: `cmake --install` into a prefix, then the installed gantry deploys
    // with the installed gantry-cli (stripped, as packages ship them).
    void theInstalledGuiFindsTheInstalledSupervisor()
    {
        const QString prefix = test::freshDir(QStringLiteral("prefix"));
        const Result install = run(QStringLiteral("cmake"),
                                   {QStringLiteral("--install"), test::binaryDir(), QStringLiteral("--prefix"), prefix,
                                    QStringLiteral("--strip")},
                                   QProcessEnvironment::systemEnvironment(), 120000);
        QVERIFY2(install.exitCode == 0, qPrintable(install.out + install.err));
        const QString gui = prefix + QStringLiteral("/bin/gantry");
        const QString cli = prefix + QStringLiteral("/bin/gantry-cli");
        QVERIFY(QFileInfo(gui).isExecutable());
        QVERIFY(QFileInfo(cli).isExecutable());
        QVERIFY(QFileInfo::exists(prefix + QStringLiteral("/share/applications/io.gantry.Gantry.desktop")));
        // The modules, where the installed programs look for them (bin/../lib/gantry).
        for (const char *module : {"network", "sql", "charts", "keychain", "archive"})
            QVERIFY2(
                QFileInfo::exists(prefix + QStringLiteral("/lib/gantry/libgantry_%1.so").arg(QLatin1String(module))),
                module);
        // The installed gantry-cli answers the GUI's keychain check (0: a keychain, 1: none, and why).
        const Result keychain = run(cli, {QStringLiteral("keychain")}, QProcessEnvironment::systemEnvironment(), 60000);
        QVERIFY2(keychain.exitCode == 0 || keychain.exitCode == 1, qPrintable(keychain.out + keychain.err));
        QVERIFY2(keychain.out.startsWith(QLatin1String("keychain: available")) ||
                     keychain.out.startsWith(QLatin1String("No OS keychain is available (")),
                 qPrintable(keychain.out + keychain.err));
        QVERIFY2(!keychain.out.contains(QLatin1String("cannot be loaded")), qPrintable(keychain.out));
        // Stripped, as packages ship them: no symbol table and no debug info left (readelf comes
        // with binutils, which `--strip` itself needs).
        for (const QString &binary : {gui, cli}) {
            const Result sections = run(QStringLiteral("readelf"), {QStringLiteral("-S"), QStringLiteral("-W"), binary},
                                        QProcessEnvironment::systemEnvironment(), 30000);
            QVERIFY2(sections.exitCode == 0 && sections.out.contains(QLatin1String(".text")),
                     qPrintable(sections.out + sections.err));
            QVERIFY2(!sections.out.contains(QLatin1String(".symtab")), qPrintable(binary));
            QVERIFY2(!sections.out.contains(QLatin1String(".debug_")), qPrintable(binary));
            // QtNetwork and QtSql come with their modules, when first used: neither program
            // loads them at its start.
            const Result dynamic = run(QStringLiteral("readelf"), {QStringLiteral("-d"), binary},
                                       QProcessEnvironment::systemEnvironment(), 30000);
            QVERIFY2(dynamic.exitCode == 0 && dynamic.out.contains(QLatin1String("libQt6Core")),
                     qPrintable(dynamic.out + dynamic.err));
            for (const char *library : {"libQt6Network", "libQt6Sql"})
                QVERIFY2(!dynamic.out.contains(QLatin1String(library)),
                         qPrintable(binary + QLatin1Char(' ') + QLatin1String(library)));
        }

        const QString run = tour(gui, test::sourceDir() + QStringLiteral("/examples/local-tiny"));
        QVERIFY(!QTest::currentTestFailed());
        QVERIFY2(runLog(run).contains(cli), qPrintable(runLog(run)));

        // A broken installation without a module: a chat fails with a sentence that names the
        // module and the fix, and nothing crashes.
        const auto chatAfterMovingAway = [&](const QString &module) {
            const QString dir = prefix + QStringLiteral("/lib/gantry/");
            if (!QFile::rename(dir + module, dir + QStringLiteral("moved-away-") + module))
                return Result{-1, {}, QStringLiteral("could not move %1 away").arg(module)};
            return ::run(cli,
                         {QStringLiteral("chat"), QStringLiteral("--url"),
                          QStringLiteral("http://127.0.0.1:%1/v1").arg(test::freePort()), QStringLiteral("--model"),
                          QStringLiteral("tiny"), QStringLiteral("hello")},
                         QProcessEnvironment::systemEnvironment(), 60000);
        };
        // Without the network module, the request cannot be sent.
        const Result chat = chatAfterMovingAway(QStringLiteral("libgantry_network.so"));
        QCOMPARE(chat.exitCode, 1);
        QVERIFY2(chat.err.contains(QLatin1String("libgantry_network.so cannot be loaded")) &&
                     chat.err.contains(QLatin1String("reinstalling Gantry puts it back")) &&
                     !chat.err.contains(QLatin1String("Is the run ready?")),
                 qPrintable(chat.out + chat.err));
        // Without the chat store's module as well, the chat cannot open its history.
        const Result stored = chatAfterMovingAway(QStringLiteral("libgantry_sql.so"));
        QCOMPARE(stored.exitCode, 1);
        QVERIFY2(stored.err.contains(QLatin1String("cannot open the chat database")) &&
                     stored.err.contains(QLatin1String("libgantry_sql.so cannot be loaded")) &&
                     stored.err.contains(QLatin1String("reinstalling Gantry puts it back")),
                 qPrintable(stored.out + stored.err));
    }

    // A service with no `resources:` gets dstack's defaults (cpu 2.., memory 8GB.., disk 100GB..).
    // This machine's offer is matched on its disk's size, so it still deploys here.
    void aServiceWithoutResourcesDeploysLocally()
    {
        const QString project = test::freshDir(QStringLiteral("no-resources"));
        QFile in(test::sourceDir() + QStringLiteral("/examples/local-tiny/serve.dstack.yml"));
        QVERIFY(in.open(QIODevice::ReadOnly));
        QString yaml = QString::fromUtf8(in.readAll());
        const qsizetype resources = yaml.indexOf(QLatin1String("\nresources:"));
        QVERIFY(resources > 0);
        yaml.truncate(resources + 1);
        yaml.replace(QLatin1String("8088"), QString::number(test::freePort()));
        QFile out(project + QStringLiteral("/serve.dstack.yml"));
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(yaml.toUtf8());
        out.close();

        const QStorageInfo disk(project);
        const double totalGb = double(disk.bytesTotal()) / (1024.0 * 1024 * 1024);
        if (totalGb < 100.0)
            GANTRY_SKIP_OR_FAIL(
                QStringLiteral("this machine's disk (%1 GB) is smaller than dstack's default 100GB..").arg(totalGb));

        const QString run = tour(test::guiPath(), project);
        QVERIFY(!QTest::currentTestFailed());
        QVERIFY(!run.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestFirstContact)
#include "test_first_contact.moc"
