#include "MainWindow.h"

#include <QDir>
#include <QLabel>
#include <QStatusBar>
#include <QTabWidget>

namespace gantry::ui {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setWindowTitle(QStringLiteral("Gantry"));
    auto *tabs = new QTabWidget(this);
    for (const char *name : {"Editor", "Offers", "Runs", "Chat"})
        tabs->addTab(new QLabel(QString::fromLatin1(name), tabs), QString::fromLatin1(name));
    setCentralWidget(tabs);
    statusBar()->showMessage(tr("Backend: local"));
    resize(1200, 800);
}

void MainWindow::openProject(const QString &path)
{
    m_projectPath = QDir(path).absolutePath();
    setWindowTitle(QStringLiteral("%1 — Gantry").arg(QDir(m_projectPath).dirName()));
}

} // namespace gantry::ui
