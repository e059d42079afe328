#include "tests/support/CliProcess.h"

#include "tests/support/TestEnvironment.h"

#include <sys/resource.h>

namespace gantry::test {

nlohmann::json CliResult::json() const
{
    const QByteArray data = out.toUtf8();
    return nlohmann::json::parse(data.constData(), data.constData() + data.size(), nullptr, false);
}

CliResult runCli(const QStringList &args, const CliOptions &options)
{
    QProcess process;
    process.setProcessEnvironment(options.environment);
    if (!options.workingDir.isEmpty())
        process.setWorkingDirectory(options.workingDir);
    process.setStandardInputFile(QProcess::nullDevice());
    if (options.addressSpaceMb > 0) {
        const rlim_t bytes = rlim_t(options.addressSpaceMb) * 1024 * 1024;
        process.setChildProcessModifier([bytes] {
            const rlimit limit{bytes, bytes};
            setrlimit(RLIMIT_AS, &limit);
        });
    }
    if (options.discardOutput)
        process.setStandardOutputFile(QProcess::nullDevice());
    process.start(cliPath(), args);
    CliResult result;
    const bool finished = process.waitForFinished(options.timeoutMs);
    if (!finished) {
        process.kill();
        process.waitForFinished();
    }
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    if (!finished) {
        result.err += QStringLiteral("\ntimed out");
        return result;
    }
    result.status = process.exitStatus();
    result.exitCode = result.status == QProcess::NormalExit ? process.exitCode() : -1;
    return result;
}

} // namespace gantry::test
