#pragma once

// Looking at and signalling processes through /proc — how a run's service is found, stopped
// and measured whichever process (GUI, CLI, supervisor) is asking.

#include <QList>
#include <QString>

namespace gantry {

// Whether pid names a live (not zombie) process.
bool processAlive(qint64 pid);

// The process's command line with NULs turned into spaces; empty when gone.
QString processCommandLine(qint64 pid);

// Live (not zombie) members of a process group.
QList<qint64> processesInGroup(qint64 pgid);

// kill(-pgid, signal); false when the group has no member left.
bool signalProcessGroup(qint64 pgid, int signal);

// CPU time (clock ticks, user+system) and resident memory summed over a group.
struct GroupUsage {
    qint64 cpuTicks = 0;
    qint64 rssBytes = 0;
    int processes = 0;
};
GroupUsage sampleProcessGroup(qint64 pgid);
long clockTicksPerSecond();

} // namespace gantry
