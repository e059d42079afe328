#pragma once

// The level a log line states in its own text, so the log view colours by what a line says
// rather than by the stream it came on (llama.cpp, vLLM and TGI log everything to stderr).
// Recognised: llama.cpp's and glog's one-letter prefixes ("E ", "W1129 12:00…"), words such
// as ERROR / WARNING / WARN / INFO / DEBUG near the start (vLLM, TGI, uvicorn, Python logging,
// "[error]"), and "level=error" (logfmt). Anything else has no level.

#include <QStringView>

namespace gantry {

enum class LogLevel { None, Debug, Info, Warning, Error };

LogLevel logLevelOf(QStringView text);

} // namespace gantry
