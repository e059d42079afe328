// The token store with no Secret Service at all (CTest points D-Bus at nothing): the documented
// fallback — memory for this session, then ~/.dstack/config.yml — with a clear message.

#include "tests/support/TestEnvironment.h"

#include "core/secrets/KeychainCheck.h"
#include "core/secrets/TokenStore.h"

#include <QCoreApplication>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

#include <optional>

using namespace gantry;

class TokenStoreNoKeychainTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // First: nothing before it may have used the keychain in this process. The start check
    // (the GUI's) asks `gantry-cli keychain` beside the program and says why there is none,
    // without loading a keychain library here.
    void startCheckSaysWhyThereIsNoneFromAChildProcess()
    {
        const auto mapped = [] {
            const QByteArray text = test::memoryMap();
            return text.contains("libqt6keychain") || text.contains("libsecret") || text.contains("libgantry_keychain");
        };
        std::optional<QString> unavailable;
        checkKeychain(this, [&](const QString &why) { unavailable = why; });
        QTRY_VERIFY_WITH_TIMEOUT(unavailable.has_value(), 30000);
        QVERIFY2(unavailable->startsWith(QLatin1String("No OS keychain is available (")), qPrintable(*unavailable));
        QVERIFY(!mapped());
        // The window that asked closes before the answer: the answer is dropped (a later check,
        // started after it, answers first or alongside; the dropped one never calls back).
        bool lateAnswer = false;
        auto *gone = new QObject;
        checkKeychain(gone, [&](const QString &) { lateAnswer = true; });
        delete gone;
        std::optional<QString> again;
        checkKeychain(this, [&](const QString &why) { again = why; });
        QTRY_VERIFY_WITH_TIMEOUT(again.has_value(), 30000);
        // Both processes have finished (each deletes itself once its answer was handled or dropped).
        QTRY_VERIFY_WITH_TIMEOUT(QCoreApplication::instance()->findChildren<QProcess *>().isEmpty(), 30000);
        QVERIFY(!lateAnswer);
        QCOMPARE(*again, *unavailable);
        QVERIFY(!mapped());
        // Asked in this process, the same answer (and now the module is loaded).
        TokenStore store;
        std::optional<TokenResult> result;
        store.read(QStringLiteral("gantry:keychain-check"), QStringLiteral("-"), this,
                   [&](const TokenResult &r) { result = r; });
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 30000);
        QCOMPARE(result->message, *unavailable);
        QVERIFY(mapped());
    }

    void fallsBackWithoutDroppingTheToken()
    {
        const QString dir = test::freshDir(QStringLiteral("nokeychain"));
        const QString config = dir + QStringLiteral("/config.yml");
        QFile f(config);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("projects:\n- name: cli-project\n  url: http://127.0.0.1:3000/\n  token: from-cli-config\n  default: "
                "true\n");
        f.close();

        TokenStore store;
        store.setServiceName(QStringLiteral("gantry-test-nokeychain"));
        store.setDstackConfigPath(config);
        QSignalSpy unavailable(&store, &TokenStore::keychainUnavailable);

        std::optional<TokenResult> result;
        store.write(QStringLiteral("http://127.0.0.1:3000"), QStringLiteral("main"), QStringLiteral("session-secret"),
                    this, [&](const TokenResult &r) { result = r; });
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 30000);
        QVERIFY(result->ok);
        QCOMPARE(result->source, TokenResult::Source::SessionMemory);
        QVERIFY2(result->message.contains(QLatin1String("No OS keychain")), qPrintable(result->message));
        QVERIFY(!result->message.contains(QLatin1String("session-secret")));
        QVERIFY(!store.keychainAvailable());
        QVERIFY(unavailable.size() >= 1);

        result.reset();
        store.read(QStringLiteral("http://127.0.0.1:3000/"), QStringLiteral("main"), this,
                   [&](const TokenResult &r) { result = r; });
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 30000);
        QCOMPARE(result->token, QStringLiteral("session-secret"));
        QCOMPARE(result->source, TokenResult::Source::SessionMemory);

        result.reset();
        store.read(QStringLiteral("http://127.0.0.1:3000"), QStringLiteral("cli-project"), this,
                   [&](const TokenResult &r) { result = r; });
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 30000);
        QCOMPARE(result->token, QStringLiteral("from-cli-config"));
        QCOMPARE(result->source, TokenResult::Source::DstackConfig);
        QVERIFY(!result->message.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TokenStoreNoKeychainTest)
#include "test_token_store_nokeychain.moc"
