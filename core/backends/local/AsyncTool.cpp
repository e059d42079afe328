#include "core/backends/local/AsyncTool.h"

#include <QPointer>
#include <QProcess>
#include <QTimer>

#include <memory>

namespace gantry {

void runToolAsync(QObject *context, const QString &program, const QStringList &arguments, int timeoutMs,
                  std::function<void(const ToolResult &)> done)
{
    auto *process = new QProcess(context);
    auto result = std::make_shared<ToolResult>();
    auto finished = std::make_shared<bool>(false);
    auto finish = [process, result, finished, done = std::move(done)]() {
        if (*finished)
            return;
        *finished = true;
        process->deleteLater();
        done(*result);
    };
    auto *timer = new QTimer(process);
    timer->setSingleShot(true);
    QObject::connect(timer, &QTimer::timeout, process, [process, result, finish]() {
        result->timedOut = true;
        process->kill();
        finish();
    });
    QObject::connect(process, &QProcess::errorOccurred, process, [result, finish](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            finish();
    });
    QObject::connect(process, &QProcess::finished, process,
                     [process, result, finish](int code, QProcess::ExitStatus status) {
                         result->exitCode = status == QProcess::NormalExit ? code : -1;
                         result->standardOutput = process->readAllStandardOutput();
                         result->standardError = process->readAllStandardError();
                         finish();
                     });
    QObject::connect(process, &QProcess::started, process, [result]() { result->started = true; });
    process->setStandardInputFile(QProcess::nullDevice());
    if (program.isEmpty()) {
        QTimer::singleShot(0, process, finish);
        return;
    }
    timer->start(timeoutMs);
    process->start(program, arguments);
}

} // namespace gantry
