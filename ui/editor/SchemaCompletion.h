#pragma once

// The editor's one seam to the configuration schema (core/config/ConfigSchema): the keys
// allowed at a YAML path, and the values allowed for a key there.

#include <QStringList>

namespace gantry::ui {

// typeName: the document's `type:` ("service", "task", …); empty → service.
QStringList schemaKeys(const QStringList &path, const QString &typeName); // {"resources"} → cpu, memory, gpu, …
QStringList schemaValues(const QStringList &path, const QString &key); // {}, "type" → service, task, …

// The value of the top-level `type:` key in a document, or empty.
QString documentType(const QString &text);

} // namespace gantry::ui
