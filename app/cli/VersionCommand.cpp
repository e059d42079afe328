// gantry-cli version: the version of this build.

#include "app/cli/Verbs.h"

#include <QTextStream>

namespace gantry::cli {

Verb versionVerb()
{
    return {{QStringLiteral("version"), QStringLiteral("print the version"), {}, {}, {}},
            [](const QCommandLineParser &) {
                QTextStream(stdout) << "gantry-cli " << GANTRY_VERSION << '\n';
                return 0;
            }};
}

} // namespace gantry::cli
