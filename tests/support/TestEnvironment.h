#pragma once

// Facts every suite needs about where it runs, fixed when the build was configured
// (tests/CMakeLists.txt): no test depends on a variable that only the suite would set.
// CTest runs each suite under tests/support/run-isolated: a fresh HOME of its own.

#include <QString>
#include <QtTest/QTest>

namespace gantry::test {

QString sourceDir(); // the checkout
QString binaryDir(); // the build tree
QString cliPath(); // gantry-cli, as built (build/bin/gantry-cli)
QString guiPath(); // gantry, as built (build/bin/gantry)
QString dataPath(const QString &relative); // sourceDir()/tests/data/<relative>

// A fresh, empty directory under this test's HOME for one test case.
QString freshDir(const QString &name);

// What a process has mapped (/proc/PID/maps; this process's when pid is 0): libraries, plugins
// and font files by path. When it cannot be read, the current test fails and it is empty.
QByteArray memoryMap(qint64 pid = 0);

// CI=true: a test that cannot run its subject must fail, not skip (CTest counts a skip as a
// pass, and CI is where everything it needs is installed).
bool underCi();

} // namespace gantry::test

// QSKIP on a developer's machine that lacks something; QFAIL under CI=true.
#define GANTRY_SKIP_OR_FAIL(message)                                                                                   \
    do {                                                                                                               \
        if (gantry::test::underCi())                                                                                   \
            QFAIL(qPrintable(QStringLiteral("CI=true, so this is a failure: ") + (message)));                          \
        QSKIP(qPrintable(message));                                                                                    \
    } while (false)
