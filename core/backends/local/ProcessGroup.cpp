#include "backends/local/ProcessGroup.h"

#include <QDir>
#include <QFile>

#include <cerrno>
#include <csignal>
#include <unistd.h>

namespace gantry {

namespace {

// The fields of /proc/<pid>/stat after "pid (comm) ": comm may hold spaces and parentheses,
// so split after the last ')'. Field 0 here is the state, 2 is pgrp, 11/12 utime/stime.
QList<QByteArray> statFields(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray stat = file.readAll();
    const qsizetype close = stat.lastIndexOf(')');
    if (close < 0)
        return {};
    return stat.mid(close + 2).split(' ');
}

qint64 rssBytes(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/statm").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = file.readAll().split(' ');
    return fields.size() > 1 ? fields.at(1).toLongLong() * sysconf(_SC_PAGESIZE) : 0;
}

} // namespace

bool processAlive(qint64 pid)
{
    if (pid <= 0)
        return false;
    if (::kill(pid_t(pid), 0) != 0 && errno != EPERM)
        return false;
    const QList<QByteArray> fields = statFields(pid);
    return !fields.isEmpty() && fields.first() != "Z" && fields.first() != "X";
}

QString processCommandLine(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/cmdline").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QByteArray bytes = file.readAll();
    bytes.replace('\0', ' ');
    return QString::fromUtf8(bytes.trimmed());
}

QList<qint64> processesInGroup(qint64 pgid)
{
    QList<qint64> members;
    if (pgid <= 0)
        return members;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool ok = false;
        const qint64 pid = entry.toLongLong(&ok);
        if (!ok)
            continue;
        const QList<QByteArray> fields = statFields(pid);
        if (fields.size() > 2 && fields.at(2).toLongLong() == pgid && fields.first() != "Z" && fields.first() != "X")
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
