#include "core/secrets/KeychainCheck.h"

#include "core/common/BoundedRead.h"
#include "core/secrets/TokenStore.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QPointer>
#include <QProcess>

namespace gantry {

namespace {

constexpr qint64 kMaxAnswerBytes = 16 * 1024;

void checkInProcess(QObject *context, const std::function<void(const QString &)> &done)
{
    auto *tokens = new TokenStore(context);
    tokens->read(QStringLiteral("gantry:keychain-check"), QStringLiteral("-"), context,
                 [tokens, done](const TokenResult &r) {
                     done(tokens->keychainAvailable() ? QString() : r.message);
                     tokens->deleteLater();
                 });
}

} // namespace

void checkKeychain(QObject *context, std::function<void(const QString &)> done)
{
    const QString cli = QCoreApplication::applicationDirPath() + QStringLiteral("/gantry-cli");
    if (QFileInfo(QCoreApplication::applicationFilePath()).fileName() == QLatin1String("gantry-cli") ||
        !QFileInfo(cli).isExecutable()) {
        checkInProcess(context, done);
        return;
    }
    // Not a child of context: context may go (the window closes) while the check runs, and the
    // answer is then dropped. The application owns the process; at quit it is killed, unheard.
    auto *process = new QProcess(QCoreApplication::instance());
    QPointer<QObject> guard(context);
    process->setProgram(cli);
    process->setArguments({QStringLiteral("keychain")});
    process->setStandardInputFile(QProcess::nullDevice());
    process->setStandardErrorFile(QProcess::nullDevice());
    QObject::connect(process, &QProcess::finished, process,
                     [process, guard, done](int code, QProcess::ExitStatus status) {
                         process->deleteLater();
                         if (!guard)
                             return;
                         // 0: available; 1: not, and why on stdout; anything else (no answer in time, a crash,
                         // an older gantry-cli without the verb): ask here, and wait as long as the keychain takes.
                         if (status == QProcess::NormalExit && code == 0)
                             done(QString());
                         else if (status == QProcess::NormalExit && code == 1)
                             done(QString::fromUtf8(readAtMost(*process, kMaxAnswerBytes)).trimmed());
                         else
                             checkInProcess(guard, done);
                     });
    QObject::connect(process, &QProcess::errorOccurred, process, [process, guard, done](QProcess::ProcessError e) {
        if (e != QProcess::FailedToStart)
            return; // finished() follows
        process->deleteLater();
        if (guard)
            checkInProcess(guard, done);
    });
    QObject::connect(QCoreApplication::instance(), &QCoreApplication::aboutToQuit, process, [process] {
        process->disconnect();
        process->kill();
        process->waitForFinished(1000);
    });
    process->start();
}

} // namespace gantry
