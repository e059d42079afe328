#pragma once

// Warns when `resources.gpu` cannot hold the model the service serves (ModelSizing) even on
// the largest GPU its ranges allow, and
// hints when it asks for far more than the model needs; both carry a fix that rewrites the
// `gpu` value as written. dstack cannot know this: it matches offers to the request, and the
// run then fails at load time with an out-of-memory error, after the instance was paid for.

#include "core/config/Configuration.h"

#include <QByteArray>

namespace gantry {

// Adds the warning (code "gpu-too-small" or "gpu-oversized") to `result`, in position order.
// `source` is the text `result` was parsed from.
void lintGpuFit(const QByteArray &source, ParseResult &result);

} // namespace gantry
