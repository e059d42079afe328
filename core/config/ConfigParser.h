#pragma once

// Reading dstack run configurations. Never throws; every problem becomes a Diagnostic
// with file:line:col. Implementation: ConfigParser.cpp (yaml-cpp, keeping node marks).

#include "config/Configuration.h"

#include <QByteArray>
#include <QString>

namespace gantry {

// Parse YAML text. filePath is used for diagnostics and Configuration::filePath.
ParseResult parseConfiguration(const QByteArray &yaml, const QString &filePath);

// Read and parse a file; an unreadable file is one diagnostic.
ParseResult loadConfiguration(const QString &path);

// dstack's lookup in a directory: ".dstack.yml", then ".dstack.yaml", then the first
// "*.dstack.yml" in name order. Empty when none.
QString findConfiguration(const QString &directory);

} // namespace gantry
