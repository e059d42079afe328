#pragma once

// What gantry's first frame shows, for the bare windows that stand beside it in the start
// benchmarks (bare_window_text.cpp, bare_window_editor.cpp): the project folder from gantry's
// own arguments, its first configuration, and the words of the menus, tabs, sidebar and status
// bar. Header-only: those programs link Qt Widgets and nothing of gantry's.

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFontDatabase>
#include <QLabel>
#include <QMainWindow>
#include <QVBoxLayout>

namespace gantry::bench {

// The project folder, as gantry takes it: [--startup-probe] DIR (else the current folder).
inline QString projectArgument()
{
    const QStringList arguments = QApplication::arguments();
    return arguments.size() > 1 && !arguments.last().startsWith(QLatin1Char('-')) ? arguments.last()
                                                                                  : QStringLiteral(".");
}

// The folder's first *.dstack.yml (by name), the file gantry's editor opens; empty if none.
inline QByteArray firstConfiguration(const QString &dir)
{
    const QStringList files = QDir(dir).entryList({QStringLiteral("*.dstack.yml")}, QDir::Files, QDir::Name);
    QFile file(QDir(dir).filePath(files.value(0)));
    if (files.isEmpty() || !file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

// The window's central widget: the words of gantry's menus, tabs, sidebar, editor header and
// status bar in one label, then whatever the caller adds to the returned layout.
inline QVBoxLayout *firstFrameLayout(QMainWindow *window)
{
    auto *central = new QWidget(window);
    auto *layout = new QVBoxLayout(central);
    layout->addWidget(new QLabel(QStringLiteral("File Run View Configurations serve.dstack.yml Runs Editor Offers Runs "
                                                "Chat Fleets\nserve.dstack.yml ✓ valid service Save Fix Backend: This "
                                                "machine (vm) ● ready 0 active run(s) · $0/h today $0"),
                                 central));
    window->setCentralWidget(central);
    window->resize(1280, 820);
    return layout;
}

// The editor's face (ui/editor/YamlEditor.cpp).
inline QFont editorFont()
{
    QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    fixed.setPointSize(10);
    return fixed;
}

} // namespace gantry::bench
