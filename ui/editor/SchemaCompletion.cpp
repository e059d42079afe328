#include "editor/SchemaCompletion.h"

// TODO(issue 5): switch to core/config/ConfigSchema.h when it lands on main.

namespace gantry::ui {

QStringList schemaKeys(const QStringList &path)
{
    Q_UNUSED(path);
    return {};
}

QStringList schemaValues(const QStringList &path, const QString &key)
{
    Q_UNUSED(path);
    Q_UNUSED(key);
    return {};
}

} // namespace gantry::ui
