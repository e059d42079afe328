// BackendRegistry: one owner of every backend, built from this machine, ~/.dstack/config.yml
// and the servers saved in Gantry (core/backends/SavedServers). The suite runs in a fresh
// HOME (tests/support/run-isolated), so the config file and the settings are this test's own.

#include "core/backends/BackendRegistry.h"
#include "core/backends/SavedServers.h"
#include "core/backends/dstack/DstackConfigFile.h"
#include "core/secrets/TokenStore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QPointer>
#include <QSettings>
#include <QSignalSpy>
#include <QTest>

using namespace gantry;

namespace {

void writeDstackConfig(const QByteArray &yaml)
{
    const QString path = DstackConfigFile::defaultPath();
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(yaml);
}

// Nothing listens on port 9 of 127.0.0.1: the dstack backends stay unconnected, which is all
// the registry needs.
const QByteArray kConfig = "projects:\n"
                           "- name: main\n  url: http://127.0.0.1:9\n  token: t-main\n  default: true\n"
                           "- name: other\n  url: http://127.0.0.1:9\n  token: t-other\n";

} // namespace

class TestBackendRegistry : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        QSettings(QSettings::NativeFormat, QSettings::UserScope, QStringLiteral("gantry"), QStringLiteral("gantry"))
            .clear();
        QFile::remove(DstackConfigFile::defaultPath());
    }

    void savedServersKeepOrderAndRefuseDuplicates()
    {
        savedservers::add({QStringLiteral("http://127.0.0.1:3000"), QStringLiteral("a")});
        savedservers::add({QStringLiteral("http://127.0.0.1:3001"), QStringLiteral("b")});
        savedservers::add({QStringLiteral("http://127.0.0.1:3000"), QStringLiteral("a")});
        const QList<SavedServer> servers = savedservers::load();
        QCOMPARE(servers.size(), 2);
        QCOMPARE(servers.at(0).project, QStringLiteral("a"));
        QCOMPARE(servers.at(1).url, QStringLiteral("http://127.0.0.1:3001"));
        savedservers::remove(servers.at(0));
        QCOMPARE(savedservers::load(), QList<SavedServer>{servers.at(1)});
    }

    void gantry01ListIsReadAndRewrittenAsAnArray()
    {
        {
            QSettings settings(QSettings::NativeFormat, QSettings::UserScope, QStringLiteral("gantry"),
                               QStringLiteral("gantry"));
            settings.setValue(QStringLiteral("dstack/servers"),
                              QStringList{QStringLiteral("http://127.0.0.1:3000#main"), QStringLiteral("no-hash")});
        }
        const QList<SavedServer> servers = savedservers::load();
        QCOMPARE(servers.size(), 1);
        QCOMPARE(servers.first().url, QStringLiteral("http://127.0.0.1:3000"));
        QCOMPARE(servers.first().project, QStringLiteral("main"));
        QSettings settings(QSettings::NativeFormat, QSettings::UserScope, QStringLiteral("gantry"),
                           QStringLiteral("gantry"));
        QCOMPARE(settings.beginReadArray(QStringLiteral("dstack/servers")), 1);
    }

    void ownsLocalAndEveryConfiguredProjectOnce()
    {
        writeDstackConfig(kConfig);
        BackendRegistry registry;
        QSignalSpy added(&registry, &BackendRegistry::added);
        registry.loadLocalAndDstackConfig();
        QCOMPARE(added.size(), 3);
        const QList<Backend *> backends = registry.backends();
        QCOMPARE(backends.size(), 3);
        QCOMPARE(backends.first()->kind(), BackendKind::Local);
        QCOMPARE(backends.at(1)->kind(), BackendKind::Dstack);
        // The same URL + project again (e.g. saved in the dialog too): the same backend.
        Backend *again = registry.addDstackProject(
            {QStringLiteral("main"), QStringLiteral("http://127.0.0.1:9"), QStringLiteral("t"), false});
        QCOMPARE(again, backends.at(1));
        QCOMPARE(registry.backends().size(), 3);
    }

    void removeTellsViewsBeforeTheBackendGoes()
    {
        BackendRegistry registry;
        registry.loadLocalAndDstackConfig();
        Backend *local = registry.backends().first();
        QPointer<Backend> watch(local);
        bool aliveWhenTold = false;
        connect(&registry, &BackendRegistry::removed, this, [&](Backend *b) { aliveWhenTold = b == local && watch; });
        registry.remove(local);
        QVERIFY(aliveWhenTold);
        QVERIFY(registry.backends().isEmpty());
        QTRY_VERIFY(watch.isNull()); // deleted later, on the event loop
    }

    void savedServerNotInTheConfigIsAdded()
    {
        writeDstackConfig(kConfig);
        savedservers::add({QStringLiteral("http://127.0.0.1:9"), QStringLiteral("main")}); // in the config: skipped
        savedservers::add({QStringLiteral("http://127.0.0.1:10"), QStringLiteral("extra")}); // only saved
        BackendRegistry registry;
        registry.loadLocalAndDstackConfig();
        TokenStore tokens;
        registry.loadSavedServers(&tokens);
        QTRY_COMPARE(registry.backends().size(), 4);
    }

    void cliFindsConfiguredThenSavedProjects()
    {
        writeDstackConfig(kConfig);
        savedservers::add({QStringLiteral("http://127.0.0.1:10"), QStringLiteral("extra")});
        TokenStore tokens;
        QString error;
        const auto byDefault = BackendRegistry::findProject({}, &tokens, &error);
        QVERIFY2(byDefault, qPrintable(error));
        QCOMPARE(byDefault->name, QStringLiteral("main"));
        QCOMPARE(byDefault->token, QStringLiteral("t-main"));
        const auto saved = BackendRegistry::findProject(QStringLiteral("extra"), &tokens, &error);
        QVERIFY2(saved, qPrintable(error));
        QCOMPARE(saved->url, QStringLiteral("http://127.0.0.1:10"));
        const auto unknown = BackendRegistry::findProject(QStringLiteral("nope"), &tokens, &error);
        QVERIFY(!unknown);
        QVERIFY2(error.contains(QLatin1String("known: main, other, extra")), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestBackendRegistry)
#include "test_backend_registry.moc"
