#pragma once

// Facts every suite needs about where it runs. CTest sets these (cmake/GantryTest.cmake).

#include <QString>

namespace gantry::test {

QString sourceDir();      // $GANTRY_SOURCE_DIR: the checkout
QString cliPath();        // $GANTRY_CLI: the gantry-cli binary under test
QString dataPath(const QString &relative);  // sourceDir()/tests/data/<relative>

// A fresh, empty directory under $GANTRY_HOME for one test case.
QString freshDir(const QString &name);

} // namespace gantry::test
