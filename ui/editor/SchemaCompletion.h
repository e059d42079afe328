#pragma once

// The editor's one seam to the configuration schema (core/config/ConfigSchema): the keys
// allowed at a YAML path, and the values allowed for a key there.

#include <QStringList>

namespace gantry::ui {

QStringList schemaKeys(const QStringList &path);                     // {"resources"} → cpu, memory, gpu, …
QStringList schemaValues(const QStringList &path, const QString &key);  // {}, "type" → service, task, …

} // namespace gantry::ui
