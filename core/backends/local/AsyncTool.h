#pragma once

// Runs a short external tool (nvidia-smi, docker info, python3 --version) on the event loop
// and hands back its output once: never blocks, never hangs (a timeout kills it).

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>

namespace gantry {

struct ToolResult {
    bool started = false; // false: the program is missing or not executable
    bool timedOut = false;
    int exitCode = -1;
    QByteArray standardOutput;
    QByteArray standardError;
    bool succeeded() const { return started && !timedOut && exitCode == 0; }
};

// `done` runs on `context`'s thread; nothing runs if context is destroyed first.
void runToolAsync(QObject *context, const QString &program, const QStringList &arguments, int timeoutMs,
                  std::function<void(const ToolResult &)> done);

} // namespace gantry
