#pragma once

// Warnings dstack itself does not give, about mistakes that make a service fail at run time
// although the file is valid: a command that uses an undefined variable, listens on another
// port than `port`, or serves the model under another name than `model.name`.

#include "core/common/Diagnostic.h"
#include "core/config/Configuration.h"

#include <QString>
#include <QStringList>

#include <utility>
#include <vector>

namespace gantry {

// One command with where its text sits in the file, so a warning can point at the token.
struct CommandText {
    QString text;
    int line = 0;
    int column = 0;
    bool mappable = false; // single-line scalar: character i of text is at column + i
    std::pair<int, int> at(qsizetype offset) const
    {
        return mappable ? std::make_pair(line, column + int(offset)) : std::make_pair(line, column);
    }
};

// Variables a dstack job sees without declaring them: DSTACK_* set by the runner, and the
// usual shell/login variables.
const QStringList &runtimeVariables();

// Runs the lints over `commands` of `config` and appends warnings to `out`.
void lintCommands(const Configuration &config, const std::vector<CommandText> &commands, Diagnostics &out);

} // namespace gantry
