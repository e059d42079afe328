#pragma once

// Where dstack's own judge lives for the tests: ../shared/oracles/dstack beside the checkout,
// run by the first `python3` on PATH that has pydantic >= 2.12 and PyYAML (Debian's own
// python3 has neither). Without one a test skips, except under CI=true, where it fails:
// a CI run that silently stopped asking dstack would prove nothing.

#include "tests/support/TestEnvironment.h"

#include <QString>

namespace gantry::test {

QString oracleDir(); // <source>/../shared/oracles/dstack

// The python3 that can run the oracle, or empty with *why set.
QString oraclePython(QString *why);

} // namespace gantry::test

// In a test function: skip (or fail under CI=true) when the oracle cannot run; else sets `var`.
#define GANTRY_REQUIRE_ORACLE(var)                                                                                     \
    QString var;                                                                                                       \
    do {                                                                                                               \
        QString why_;                                                                                                  \
        var = gantry::test::oraclePython(&why_);                                                                       \
        if (var.isEmpty())                                                                                             \
            GANTRY_SKIP_OR_FAIL(QStringLiteral("dstack's oracle cannot run: ") + why_);                                \
    } while (false)
