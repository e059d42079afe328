#pragma once

// Looking at and signalling processes through /proc — how a run's service is found, stopped
// and measured whichever process (GUI, CLI, supervisor) is asking.
//
// A pid alone proves nothing: after a reboot or an OOM kill the number names whatever got it
// next. A process is "ours" only when it can be proven: same boot, same start time (field 22
// of /proc/<pid>/stat), and, for a supervisor, the exact argv and the run's lock. Signals go
// through a pidfd opened before the identity is checked, so the check and the signal concern
// the same process.

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace gantry {

// Whether pid names a live (not zombie) process.
bool processAlive(qint64 pid);

// The process's command line with NULs turned into spaces; empty when gone.
QString processCommandLine(qint64 pid);

// The process's argv, exactly (split at NULs); empty when gone or unreadable.
QStringList processArgv(qint64 pid);

// This boot's id (/proc/sys/kernel/random/boot_id), trimmed.
QByteArray currentBootId();

// Start time of pid since boot, in clock ticks (/proc/<pid>/stat field 22); 0 when gone.
quint64 processStartTime(qint64 pid);

// Who a process is, as far as the kernel can tell: a pid in a boot, started at a time.
struct ProcessIdentity {
    qint64 pid = 0;
    quint64 startTime = 0;
    QByteArray bootId;

    bool isValid() const { return pid > 1 && startTime > 0 && !bootId.isEmpty(); }
    // Still the same live process: same boot, same pid, same start time, not a zombie.
    bool isAlive() const;
    friend bool operator==(const ProcessIdentity &, const ProcessIdentity &) = default;
};

// The identity of a live process now; invalid when it is gone.
ProcessIdentity identifyProcess(qint64 pid);

// Sends signal to exactly that process (pidfd): false, and nothing sent, when it is gone or
// the pid now names another process.
bool signalProcess(const ProcessIdentity &process, int signal);

// Live (not zombie) descendants of pid: children, their children, …
QList<ProcessIdentity> descendantsOf(qint64 pid);

// Live processes of this user whose initial environment holds exactly `entry` ("KEY=VALUE").
QList<ProcessIdentity> processesWithEnvironment(const QByteArray &entry);

// Reaps zombie children of this process other than `except` (a subreaper inherits orphans
// that nobody else waits for). Returns how many were reaped.
int reapOrphanedChildren(qint64 except);

// Live (not zombie) members of a process group.
QList<qint64> processesInGroup(qint64 pgid);

// kill(-pgid, signal); false when the group has no member left. Only for a group whose
// leader this process has proven to be its own (its live child).
bool signalProcessGroup(qint64 pgid, int signal);

// A lock the supervisor holds for its whole life (flock on a file in the run directory):
// the kernel drops it when the process dies, however it dies.
// The fd, kept open; nullopt with *error when it cannot be opened or another process holds it.
std::optional<int> acquireProcessLock(const QString &path, QString *error);
bool processLockHeld(const QString &path); // someone holds it right now

// CPU time (clock ticks, user+system) and resident memory summed over a group.
struct GroupUsage {
    qint64 cpuTicks = 0;
    qint64 rssBytes = 0;
    int processes = 0;
};
GroupUsage sampleProcessGroup(qint64 pgid);
long clockTicksPerSecond();

} // namespace gantry
