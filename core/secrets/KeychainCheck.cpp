#include "core/secrets/KeychainCheck.h"

#include "core/common/BoundedRead.h"
#include "core/secrets/TokenStore.h"

#include <QCoreApplication>
#include <QFileInfo>
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
    auto *process = new QProcess(context);
    process->setProgram(cli);
    process->setArguments({QStringLiteral("keychain")});
    process->setStandardInputFile(QProcess::nullDevice());
    process->setStandardErrorFile(QProcess::nullDevice());
    QObject::connect(process, &QProcess::finished, context,
                     [process, context, done](int code, QProcess::ExitStatus status) {
                         process->deleteLater();
                         // 0: available; 1: not, and why on stdout; anything else (a crash, an older gantry-cli
                         // without the verb): ask here instead.
                         if (status == QProcess::NormalExit && code == 0)
                             done(QString());
                         else if (status == QProcess::NormalExit && code == 1)
                             done(QString::fromUtf8(readAtMost(*process, kMaxAnswerBytes)).trimmed());
                         else
                             checkInProcess(context, done);
                     });
    QObject::connect(process, &QProcess::errorOccurred, context, [process, context, done](QProcess::ProcessError e) {
        if (e != QProcess::FailedToStart)
            return; // finished() follows
        process->deleteLater();
        checkInProcess(context, done);
    });
    process->start();
}

} // namespace gantry
