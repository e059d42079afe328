#include "core/backends/local/ProcessGroup.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QThread>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace gantry {

namespace {

// The fields of /proc/<pid>/stat after "pid (comm) ": comm may hold spaces and parentheses,
// so split after the last ')'. Field 0 here is the state (stat field 3), 1 is ppid, 2 is
// pgrp, 11/12 utime/stime, 19 starttime (stat field 22).
QList<QByteArray> statFields(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray stat = file.read(4096);
    const qsizetype close = stat.lastIndexOf(')');
    if (close < 0)
        return {};
    return stat.mid(close + 2).split(' ');
}

bool isZombieState(const QList<QByteArray> &fields)
{
    return fields.isEmpty() || fields.first() == "Z" || fields.first() == "X";
}

quint64 startTimeFrom(const QList<QByteArray> &fields)
{
    return fields.size() > 19 ? fields.at(19).toULongLong() : 0;
}

qint64 rssBytes(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/statm").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = file.readAll().split(' ');
    return fields.size() > 1 ? fields.at(1).toLongLong() * sysconf(_SC_PAGESIZE) : 0;
}

QList<qint64> allPids()
{
    QList<qint64> pids;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool ok = false;
        const qint64 pid = entry.toLongLong(&ok);
        if (ok && pid > 0)
            pids << pid;
    }
    return pids;
}

int openPidfd(qint64 pid)
{
#ifdef SYS_pidfd_open
    return int(::syscall(SYS_pidfd_open, pid_t(pid), 0));
#else
    Q_UNUSED(pid);
    errno = ENOSYS;
    return -1;
#endif
}

} // namespace

bool processAlive(qint64 pid)
{
    if (pid <= 0)
        return false;
    if (::kill(pid_t(pid), 0) != 0 && errno != EPERM)
        return false;
    return !isZombieState(statFields(pid));
}

QString processCommandLine(qint64 pid)
{
    return processArgv(pid).join(QLatin1Char(' ')).trimmed();
}

QStringList processArgv(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/cmdline").arg(pid));
    if (pid <= 0 || !file.open(QIODevice::ReadOnly))
        return {};
    QByteArray bytes = file.readAll();
    if (bytes.endsWith('\0'))
        bytes.chop(1);
    if (bytes.isEmpty())
        return {};
    QStringList argv;
    for (const QByteArray &arg : bytes.split('\0'))
        argv << QString::fromLocal8Bit(arg);
    return argv;
}

QByteArray currentBootId()
{
    static const QByteArray id = [] {
        QFile file(QStringLiteral("/proc/sys/kernel/random/boot_id"));
        return file.open(QIODevice::ReadOnly) ? file.readAll().trimmed() : QByteArray();
    }();
    return id;
}

quint64 processStartTime(qint64 pid)
{
    if (pid <= 0)
        return 0;
    return startTimeFrom(statFields(pid));
}

bool ProcessIdentity::isAlive() const
{
    if (!isValid() || bootId != currentBootId())
        return false;
    const QList<QByteArray> fields = statFields(pid);
    return !isZombieState(fields) && startTimeFrom(fields) == startTime;
}

ProcessIdentity identifyProcess(qint64 pid)
{
    if (pid <= 1)
        return {};
    const QList<QByteArray> fields = statFields(pid);
    if (isZombieState(fields))
        return {};
    return ProcessIdentity{pid, startTimeFrom(fields), currentBootId()};
}

bool signalProcess(const ProcessIdentity &process, int signal)
{
    if (!process.isValid() || process.bootId != currentBootId() || process.pid == ::getpid())
        return false;
    // Open the pidfd first, then check who it is: the pidfd cannot move to another process.
    const int fd = openPidfd(process.pid);
    if (fd < 0) {
        if (errno != ENOSYS)
            return false; // gone
        // No pidfd (old kernel): check and signal as close together as we can.
        return process.isAlive() && ::kill(pid_t(process.pid), signal) == 0;
    }
    bool sent = false;
    if (process.isAlive()) {
#ifdef SYS_pidfd_send_signal
        sent = ::syscall(SYS_pidfd_send_signal, fd, signal, nullptr, 0) == 0;
#endif
    }
    ::close(fd);
    return sent;
}

QList<ProcessIdentity> descendantsOf(qint64 pid)
{
    QHash<qint64, QList<qint64>> children;
    QHash<qint64, quint64> startTimes;
    for (qint64 p : allPids()) {
        const QList<QByteArray> fields = statFields(p);
        if (fields.size() < 20 || isZombieState(fields))
            continue;
        children[fields.at(1).toLongLong()] << p;
        startTimes.insert(p, startTimeFrom(fields));
    }
    QList<ProcessIdentity> found;
    QList<qint64> queue{pid};
    const QByteArray boot = currentBootId();
    while (!queue.isEmpty()) {
        const qint64 parent = queue.takeFirst();
        for (qint64 child : children.value(parent)) {
            if (child == pid || found.size() > 100000)
                continue;
            found << ProcessIdentity{child, startTimes.value(child), boot};
            queue << child;
        }
    }
    return found;
}

QList<ProcessIdentity> processesWithEnvironment(const QByteArray &entry)
{
    QList<ProcessIdentity> found;
    if (entry.isEmpty() || !entry.contains('='))
        return found;
    const qint64 self = ::getpid();
    for (qint64 pid : allPids()) {
        if (pid == self)
            continue;
        QFile file(QStringLiteral("/proc/%1/environ").arg(pid));
        if (!file.open(QIODevice::ReadOnly))
            continue; // another user's process, or gone: not ours
        const ProcessIdentity identity =
            identifyProcess(pid); // before reading: pid reuse in between fails the match below
        const QByteArray environ = file.read(8 * 1024 * 1024);
        qsizetype start = 0;
        bool match = false;
        while (start < environ.size() && !match) {
            qsizetype end = environ.indexOf('\0', start);
            if (end < 0)
                end = environ.size();
            match = QByteArrayView(environ).sliced(start, end - start) == entry;
            start = end + 1;
        }
        if (match && identity.isAlive())
            found << identity;
    }
    return found;
}

int reapOrphanedChildren(qint64 except)
{
    int reaped = 0;
    const qint64 self = ::getpid();
    for (qint64 pid : allPids()) {
        if (pid == except)
            continue;
        const QList<QByteArray> fields = statFields(pid);
        if (fields.size() < 2 || fields.first() != "Z" || fields.at(1).toLongLong() != self)
            continue;
        int status = 0;
        if (::waitpid(pid_t(pid), &status, WNOHANG) == pid)
            ++reaped;
    }
    return reaped;
}

QList<qint64> processesInGroup(qint64 pgid)
{
    QList<qint64> members;
    if (pgid <= 0)
        return members;
    for (qint64 pid : allPids()) {
        const QList<QByteArray> fields = statFields(pid);
        if (fields.size() > 2 && fields.at(2).toLongLong() == pgid && !isZombieState(fields))
            members << pid;
    }
    return members;
}

bool signalProcessGroup(qint64 pgid, int signal)
{
    if (pgid <= 1)
        return false;
    return ::kill(-pid_t(pgid), signal) == 0;
}

std::optional<int> acquireProcessLock(const QString &path, QString *error)
{
    const QByteArray native = QFile::encodeName(path);
    const int fd = ::open(native.constData(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        if (error)
            *error = QStringLiteral("cannot open %1: %2").arg(path, QString::fromLocal8Bit(strerror(errno)));
        return std::nullopt;
    }
    // Readers probe with a shared lock for an instant; retry for a while before concluding
    // that another supervisor owns this run.
    for (int attempt = 0; attempt < 200; ++attempt) {
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0)
            return fd;
        if (errno != EWOULDBLOCK && errno != EINTR)
            break;
        QThread::msleep(10);
    }
    if (error)
        *error = QStringLiteral("%1 is held by another process: another supervisor owns this run").arg(path);
    ::close(fd);
    return std::nullopt;
}

bool processLockHeld(const QString &path)
{
    const QByteArray native = QFile::encodeName(path);
    const int fd = ::open(native.constData(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return false;
    bool held = false;
    for (;;) {
        if (::flock(fd, LOCK_SH | LOCK_NB) == 0) {
            ::flock(fd, LOCK_UN);
            break;
        }
        if (errno == EINTR)
            continue;
        held = errno == EWOULDBLOCK;
        break;
    }
    ::close(fd);
    return held;
}

GroupUsage sampleProcessGroup(qint64 pgid)
{
    GroupUsage usage;
    for (qint64 pid : processesInGroup(pgid)) {
        const QList<QByteArray> fields = statFields(pid);
        if (fields.size() > 12)
            usage.cpuTicks += fields.at(11).toLongLong() + fields.at(12).toLongLong();
        usage.rssBytes += rssBytes(pid);
        ++usage.processes;
    }
    return usage;
}

long clockTicksPerSecond()
{
    return sysconf(_SC_CLK_TCK);
}

} // namespace gantry
