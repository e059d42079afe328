// The token store against a real Secret Service (CTest starts a private, unlocked
// gnome-keyring for this suite): a token written is read back from the keychain, under the
// server URL with or without its trailing slash, and is gone after remove.

#include "tests/support/TestEnvironment.h"

#include "core/secrets/KeychainCheck.h"
#include "core/secrets/TokenStore.h"

#include <QTest>

#include <optional>

using namespace gantry;

class TokenStoreTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // The GUI's start check, through `gantry-cli keychain`: a keychain is there, nothing to say.
    void startCheckFindsTheKeychain()
    {
        if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
            GANTRY_SKIP_OR_FAIL(QStringLiteral("needs a Secret Service: CTest runs this suite with a private "
                                               "gnome-keyring (KEYRING in tests/secrets/CMakeLists.txt)"));
        std::optional<QString> unavailable;
        checkKeychain(this, [&](const QString &why) { unavailable = why; });
        QTRY_VERIFY_WITH_TIMEOUT(unavailable.has_value(), 30000);
        QVERIFY2(unavailable->isEmpty(), qPrintable(*unavailable));
    }

    void keychainRoundTrip()
    {
        if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
            GANTRY_SKIP_OR_FAIL(QStringLiteral("needs a Secret Service: CTest runs this suite with a private "
                                               "gnome-keyring (KEYRING in tests/secrets/CMakeLists.txt)"));
        TokenStore store;
        store.setServiceName(QStringLiteral("gantry-test-token-store"));
        const QString url = QStringLiteral("http://127.0.0.1:3000");
        std::optional<TokenResult> result;
        store.write(url, QStringLiteral("main"), QStringLiteral("kc-secret"), this,
                    [&](const TokenResult &r) { result = r; });
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 10000);
        QVERIFY2(result->ok && result->source == TokenResult::Source::Keychain, qPrintable(result->message));
        result.reset();
        store.read(url + QLatin1Char('/'), QStringLiteral("main"), this, [&](const TokenResult &r) { result = r; });
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 10000);
        QCOMPARE(result->token, QStringLiteral("kc-secret"));
        QCOMPARE(result->source, TokenResult::Source::Keychain);
        result.reset();
        store.remove(url, QStringLiteral("main"), this, [&](const TokenResult &r) { result = r; });
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 10000);
        QVERIFY(result->ok);
        result.reset();
        store.read(url, QStringLiteral("main"), this, [&](const TokenResult &r) { result = r; });
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 10000);
        QVERIFY(result->token.isEmpty());
        QCOMPARE(result->source, TokenResult::Source::None);
    }
};

QTEST_GUILESS_MAIN(TokenStoreTest)
#include "test_token_store.moc"
