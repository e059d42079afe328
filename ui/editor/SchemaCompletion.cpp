#include "ui/editor/SchemaCompletion.h"

#include "core/config/ConfigSchema.h"

#include <QRegularExpression>

namespace gantry::ui {

QStringList schemaKeys(const QStringList &path, const QString &typeName)
{
    const RunType type = ConfigSchema::runTypeFromName(typeName).value_or(RunType::Service);
    return ConfigSchema::keysFor(path, type);
}

QStringList schemaValues(const QStringList &path, const QString &key)
{
    if (path.isEmpty() && key == QLatin1String("type"))
        return ConfigSchema::runTypeNames();
    if (path.isEmpty() && key == QLatin1String("backends"))
        return ConfigSchema::backendIds();
    return ConfigSchema::valuesFor(path + QStringList{key});
}

QString documentType(const QString &text)
{
    static const QRegularExpression typeLine(QStringLiteral("^type:\\s*([A-Za-z-]+)"),
                                             QRegularExpression::MultilineOption);
    const auto m = typeLine.match(text);
    return m.hasMatch() ? m.captured(1) : QString();
}

} // namespace gantry::ui
