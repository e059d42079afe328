#pragma once

// `gantry --screenshot DIR`: walks the real window through the product so each panel has
// real content, then writes editor.png, offers.png, runs.png and chat.png. Plans the open
// configuration; with --deploy also deploys the first offer, waits until it is ready, chats
// "hello" with it, and stops the run after the pictures are taken. Exits 0 only when every
// step worked.

#include <QObject>
#include <QString>

#include <functional>

namespace gantry::ui {
class MainWindow;
}

namespace gantry::app {

class ScreenshotTour : public QObject
{
    Q_OBJECT
public:
    ScreenshotTour(ui::MainWindow *window, QString directory, bool deploy, QObject *parent = nullptr);
    void start();

Q_SIGNALS:
    void finished(int exitCode);

private:
    // Poll predicate every 100 ms; call next when it holds, or fail after timeoutMs.
    void waitFor(const QString &what, std::function<bool()> predicate, int timeoutMs, std::function<void()> next);
    void plan();
    void deploy();
    void chat();
    void shoot();
    void stopRun();
    void fail(const QString &message);
    // One line of progress on stdout ("deployed NAME", "ready NAME URL", "chat complete METRICS",
    // "stopped NAME STATUS"), so that a script or test can follow the tour.
    void say(const QString &line);

    ui::MainWindow *m_window;
    QString m_directory;
    bool m_deploy;
    QString m_runName;
};

} // namespace gantry::app
