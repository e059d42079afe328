#pragma once

// gantry-cli verbs. Each verb lives in its own file and is listed in main.cpp's table.
// A verb gets its arguments (without the verb itself) and returns the process exit code:
// 0 success, 1 failure (invalid configuration, failed run…), 2 usage error.

#include <QStringList>

namespace gantry::cli {

struct Command {
    const char *name;
    const char *summary;
    int (*run)(const QStringList &args);
};

// One declaration per verb, defined in <Verb>Command.cpp.
int validateCommand(const QStringList &args);  // validate [-f FILE] [DIR] [--json]
int chatCommand(const QStringList &args);
int compareCommand(const QStringList &args);   // chat --compare RUN_OR_URL… MESSAGE (CompareCommand.cpp)      // chat (RUN | --url BASE_URL) [options] MESSAGE

} // namespace gantry::cli
