#pragma once

// The detached owner of one local run (`gantry-cli supervise <run-dir>`). It lives in its own
// session, so closing the GUI or killing the CLI leaves the service running. It:
//   - starts `commands` with the run's shell (`-e -c`, fail on first error) in the project
//     folder, with env + DSTACK_* + CUDA_VISIBLE_DEVICES, in a process group of its own;
//   - writes stdout/stderr into the run's LogStore with timestamps;
//   - records dstack's statuses in status.json (provisioning → running → terminating →
//     terminated | failed | done, "exited (N)", termination reasons) and "ready" when the
//     probe passes;
//   - stops on a stop request file or SIGTERM: SIGTERM to the whole group and every
//     descendant (it is a child subreaper, so `setsid` does not escape it), SIGKILL after the
//     grace period (abort: SIGKILL at once), and leaves no process behind;
//   - holds runfiles::supervisorLock for its life and records its own identity (boot id,
//     start time) and the group leader's in status.json, so that no other process ever
//     signals a pid that merely has the same number.

#include "core/backends/local/RunDirectory.h"

#include <QElapsedTimer>
#include <QObject>
#include <QProcess>

#include <memory>

class QTimer;

namespace gantry {

class LogStore;
class ReadinessProbe;
class UnixSignalNotifier;

class Supervisor : public QObject
{
    Q_OBJECT
public:
    explicit Supervisor(const QString &runDir, QObject *parent = nullptr);
    ~Supervisor() override;

    // Detaches (new session), reads the spec and starts the service. On false the run is
    // already recorded as failed (when possible) and *error says why.
    bool start(QString *error);

Q_SIGNALS:
    void finished(int exitCode); // the supervisor's own exit code: the run reached a final status

private:
    void startService();
    void onServiceFinished(int exitCode, QProcess::ExitStatus status);
    void onServiceError(QProcess::ProcessError error);
    void onPortOpened();
    void onReady();
    void checkStopRequest();
    void requestStop(bool abort);
    void waitForGroupThenFinish();
    void finish();
    void persist();
    void log(const QString &text);
    QProcessEnvironment serviceEnvironment() const;
    QStringList serviceEnvironmentKeys() const; // what we add to the inherited environment
    int signalService(int signal); // the service's group and every descendant of ours
    bool serviceProcessesLeft(); // reaps orphaned zombies first
    QStringList serviceCommand(QString *program) const;

    QString m_runDir;
    LocalRunSpec m_spec;
    RunInfo m_info;
    LocalRunState m_state;
    std::unique_ptr<LogStore> m_log;
    QProcess *m_process = nullptr;
    ReadinessProbe *m_probe = nullptr;
    QElapsedTimer m_started; // since the service process started
    QTimer *m_stopPoll = nullptr;
    UnixSignalNotifier *m_stopSignals = nullptr;
    QTimer *m_graceTimer = nullptr;
    bool m_stopping = false;
    bool m_aborting = false;
    bool m_finishing = false;
    bool m_maxDurationExceeded = false;
    int m_exitCode = -1;
    bool m_crashed = false;
    QString m_startError;
    int m_lockFd = -1; // runfiles::supervisorLock, flock'ed until we exit
};

} // namespace gantry
