#pragma once

#include <QMainWindow>

namespace gantry::ui {

// The one window: project tree on the left; Editor, Offers, Runs and Chat in the centre.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    void openProject(const QString &path);

private:
    QString m_projectPath;
};

} // namespace gantry::ui
