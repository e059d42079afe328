#pragma once

// Reading dstack run configurations. Never throws; every problem becomes a Diagnostic
// with file:line:col. Implementation: ConfigParser.cpp (yaml-cpp, keeping node marks).

#include "core/config/Configuration.h"

#include <QByteArray>
#include <QString>

namespace gantry {

// A configuration is a few KB; anything above this is refused with one diagnostic rather
// than parsed (the CLI, the editor and every other reader share the limit).
inline constexpr qint64 kMaxConfigurationBytes = 4 * 1024 * 1024;

// Parse YAML text. filePath is used for diagnostics and Configuration::filePath.
// Thread-safe: the editor parses off the GUI thread.
ParseResult parseConfiguration(const QByteArray &yaml, const QString &filePath);

// Read and parse a file; an unreadable file is one diagnostic.
ParseResult loadConfiguration(const QString &path);

// dstack's lookup in a directory: ".dstack.yml", then ".dstack.yaml", then the first
// "*.dstack.yml" in name order. Empty when none.
QString findConfiguration(const QString &directory);

} // namespace gantry
