#pragma once

// Remedies for the problems Gantry finds, as text edits on the file (see common/TextEdit.h):
//   undefined `$MODEL`     → `$MODEL_ID` (the did-you-mean), or add MODEL to `env`;
//   `--port 80` vs `port`  → the command uses the configured port;
//   vLLM/SGLang serving the model under its path while `model.name` differs
//                          → add `--served-model-name <model.name>` (or change model.name);
//   a differing `--served-model-name`/`--alias` → serve it as model.name;
//   `python` with `image`  → remove one (both offered).
// A pass over the parse result rather than part of each check, because a remedy needs the
// file's text and layout (where `env` ends, how it is indented) that the checks never see.
// Only commands that sit on one line of the file as written get edits: in a block scalar a
// diagnostic's column is not the token's, and a guessed edit is worse than none.

#include "core/config/Configuration.h"

#include <QByteArray>

namespace gantry {

// Fills Diagnostic::fixes of the diagnostics in `result` that have a clear remedy.
// `source` is the text `result` was parsed from. parseConfiguration() calls it.
void attachFixes(const QByteArray &source, ParseResult &result);

// The preferred fix of every fixable diagnostic, merged; a fix whose edits overlap one
// already taken is left for the next round (gantry-cli validate --fix repeats until none).
QList<TextEdit> preferredEdits(const Diagnostics &diagnostics);

} // namespace gantry
