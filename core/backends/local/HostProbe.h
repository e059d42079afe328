#pragma once

// What this machine offers: CPUs, memory, free disk where the project lives, GPUs
// (nvidia-smi, rocm-smi), and optionally whether a container engine answers and which
// python3 is installed. Asynchronous: the tools run as child processes on the event loop.

#include "core/backends/local/GpuQuery.h"

#include <QObject>
#include <QString>
#include <QStringList>

namespace gantry {

struct HostFacts {
    QString hostName;
    int cpus = 0;
    QString cpuArch; // dstack's words: "x86", "arm"
    qint64 memoryMib = 0;
    qint64 diskTotalMib = 0; // size of the filesystem that holds the project (what offers match)
    qint64 diskFreeMib = 0; // free space on it (shown beside, warned about; never a refusal)
    QString diskPath;
    QList<HostGpu> gpus;
    QStringList problems; // tools that failed or printed something unreadable

    // Only filled when asked for (HostProbeRequest).
    QString containerEngine; // "docker" or "podman" when its `info` answered
    QString containerEngineProblem; // why none answered
    QString python3Version; // "3.11.2", empty when python3 is missing
};

struct HostProbeRequest {
    QString projectDir;
    bool checkContainerEngine = false;
    bool checkPython = false;
};

class HostProbe : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    // Emits finished() once, later, on the event loop.
    void start(const HostProbeRequest &request);

    // The synchronous part (CPU, memory, disk), exposed for callers that need no GPU facts.
    static HostFacts staticFacts(const QString &projectDir);

Q_SIGNALS:
    void finished(const gantry::HostFacts &facts);

private:
    void probeNvidia();
    void probeRocm();
    void probeContainerEngine(const QStringList &engines);
    void probePython();
    void finish();

    HostProbeRequest m_request;
    HostFacts m_facts;
};

} // namespace gantry
