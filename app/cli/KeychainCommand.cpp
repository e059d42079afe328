// gantry-cli keychain: whether the OS keychain can hold tokens (the GUI asks this at start, in
// a child process: core/secrets/KeychainCheck). Reads one entry of its own; prints no secret.

#include "app/cli/Verbs.h"
#include "core/secrets/KeychainCheck.h"

#include <QEventLoop>
#include <QTextStream>
#include <QTimer>

namespace gantry::cli {

namespace {

constexpr int kAnswerWithinMs = 20000;

int runKeychain(const QCommandLineParser &)
{
    QEventLoop loop;
    QString unavailable;
    bool answered = false;
    // gantry-cli itself: the check runs in this process (the GUI's runs this command).
    checkKeychain(&loop, [&](const QString &why) {
        answered = true;
        unavailable = why;
        loop.quit();
    });
    QTimer::singleShot(kAnswerWithinMs, &loop, &QEventLoop::quit);
    if (!answered)
        loop.exec();
    QTextStream out(stdout);
    if (!answered) {
        // Not "no keychain": a locked one may be waiting for its password.
        out << "The keychain did not answer within " << kAnswerWithinMs / 1000
            << " s (a locked keychain may be waiting for its password).\n";
        return 3;
    }
    if (unavailable.isEmpty()) {
        out << "keychain: available\n";
        return 0;
    }
    out << unavailable << '\n';
    return 1;
}

} // namespace

Verb keychainVerb()
{
    return {{QStringLiteral("keychain"),
             QStringLiteral("say whether an OS keychain can hold tokens"),
             {},
             {},
             QStringLiteral("Exit status: 0 when a keychain is available; 1 when none is, with the reason and what "
                            "Gantry does instead; 3 when it did not answer within 20 s.")},
            runKeychain};
}

} // namespace gantry::cli
