#pragma once

// Gantry's own modules (lib/gantry/libgantry_*.so): parts whose libraries a start does not
// need (QtCharts, qtkeychain and libsecret, libarchive), loaded the first time they are used
// (issue 14). They sit beside the program as installed (bin/../lib/gantry), which is also the
// build tree's layout for gantry, gantry-cli, the tests (build/bin) and the benchmarks
// (build/bench). A module stays loaded for the process's life.

#include <QMutex>
#include <QString>

namespace gantry {

// Where the modules are: <the program's directory>/../lib/gantry/. Computed once; call it on
// the GUI thread before a worker thread loads a module (QCoreApplication caches the program's
// path without a lock).
QString gantryModuleDirectory();

// The module's exported symbol; nullptr and *error in words ("… cannot be loaded: why;
// reinstalling Gantry puts it back") when the module or the symbol is missing.
QFunctionPointer gantryModuleSymbol(const QString &fileName, const char *symbol, QString *error);

// The object the module's factory (symbol, a T *(*)()) makes, made once per process and kept;
// nullptr and *error in words when the module cannot be loaded. Safe from any thread.
template <typename T>
T *gantryModuleInstance(const QString &fileName, const char *symbol, QString *error)
{
    static QMutex mutex;
    static T *instance = nullptr;
    static QString problem;
    const QMutexLocker lock(&mutex);
    if (!instance && problem.isEmpty()) {
        if (const auto make = reinterpret_cast<T *(*)()>(gantryModuleSymbol(fileName, symbol, &problem)))
            instance = make();
    }
    if (!instance && error)
        *error = problem;
    return instance;
}

} // namespace gantry
