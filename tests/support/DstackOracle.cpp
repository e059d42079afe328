#include "tests/support/DstackOracle.h"

#include "tests/support/TestEnvironment.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>

namespace gantry::test {

QString oracleDir()
{
    return QDir::cleanPath(sourceDir() + QStringLiteral("/../shared/oracles/dstack"));
}

QString oraclePython(QString *why)
{
    static QString cached;
    static QString cachedWhy;
    static bool probed = false;
    if (!probed) {
        probed = true;
        if (!QFileInfo::exists(oracleDir() + QStringLiteral("/dstack_oracle.py"))) {
            cachedWhy = QStringLiteral("%1/dstack_oracle.py does not exist (shared/ must sit beside the checkout)")
                            .arg(oracleDir());
        } else {
            const QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
            if (python.isEmpty()) {
                cachedWhy = QStringLiteral("no python3 on PATH");
            } else {
                QProcess p;
                p.start(python,
                        {QStringLiteral("-c"),
                         QStringLiteral(
                             "import sys, yaml, pydantic; v = tuple(int(x) for x in pydantic.VERSION.split('.')[:2]); "
                             "sys.exit(0 if v >= (2, 12) else 3)")});
                const bool finished = p.waitForFinished(60000);
                if (finished && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0)
                    cached = python;
                else
                    cachedWhy = QStringLiteral("%1 lacks pydantic >= 2.12 or PyYAML: %2")
                                    .arg(python, QString::fromUtf8(p.readAllStandardError()).trimmed());
            }
        }
    }
    if (why)
        *why = cachedWhy;
    return cached;
}

} // namespace gantry::test
