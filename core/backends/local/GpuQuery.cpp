#include "core/backends/local/GpuQuery.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStandardPaths>

namespace gantry {

namespace {

// nvidia-smi prints "[N/A]", "[Not Supported]" or "N/A" for values it cannot read.
std::optional<double> numberField(const QString &field)
{
    bool ok = false;
    const double value = field.trimmed().toDouble(&ok);
    if (!ok || value < 0)
        return std::nullopt;
    return value;
}

// Memory in MiB from rocm-smi's bytes (or already MiB-ish strings).
int mibFromBytesText(const QString &text)
{
    bool ok = false;
    const double bytes = text.trimmed().toDouble(&ok);
    return ok && bytes > 0 ? int(bytes / (1024.0 * 1024.0)) : 0;
}

} // namespace

QString shortGpuName(const QString &fullName)
{
    static const QRegularExpression brands(QStringLiteral("\\b(NVIDIA|GeForce|Tesla|Quadro|AMD|Radeon|Instinct)\\b"),
                                           QRegularExpression::CaseInsensitiveOption);
    QString name = fullName;
    name.replace(brands, QString());
    QStringList tokens = name.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (tokens.isEmpty())
        return fullName.trimmed();
    QString result = tokens.first();
    const QString upper = result.toUpper();
    if ((upper == QLatin1String("RTX") || upper == QLatin1String("GTX")) && tokens.size() > 1)
        result += tokens.at(1);
    const qsizetype dash = result.indexOf(QLatin1Char('-'));
    if (dash > 0)
        result.truncate(dash);
    return result;
}

QList<HostGpu> parseNvidiaSmiCsv(const QByteArray &output, QStringList *problems)
{
    QList<HostGpu> gpus;
    const QStringList lines = QString::fromUtf8(output).split(QLatin1Char('\n'));
    for (const QString &raw : lines) {
        const QString line = raw.trimmed();
        if (line.isEmpty())
            continue;
        const QStringList fields = line.split(QLatin1Char(','));
        if (fields.size() != 3) {
            if (problems)
                *problems << QStringLiteral("unreadable nvidia-smi row: %1").arg(line.left(120));
            continue;
        }
        bool indexOk = false;
        const int index = fields.at(0).trimmed().toInt(&indexOk);
        const QString fullName = fields.at(1).trimmed();
        if (!indexOk || index < 0 || fullName.isEmpty()) {
            if (problems)
                *problems << QStringLiteral("unreadable nvidia-smi row: %1").arg(line.left(120));
            continue;
        }
        HostGpu gpu;
        gpu.index = index;
        gpu.fullName = fullName;
        gpu.name = shortGpuName(fullName);
        gpu.vendor = QStringLiteral("nvidia");
        // "[N/A]" memory: keep the GPU (it exists) with unknown memory.
        gpu.memoryMib = int(numberField(fields.at(2)).value_or(0));
        if (gpu.memoryMib == 0 && problems)
            *problems << QStringLiteral("nvidia-smi reports no memory size for GPU %1 (%2)").arg(index).arg(fullName);
        gpus.append(gpu);
    }
    return gpus;
}

QList<HostGpu> parseRocmSmiJson(const QByteArray &output, QStringList *problems)
{
    QList<HostGpu> gpus;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(output, &error);
    if (!doc.isObject()) {
        if (problems && !output.trimmed().isEmpty())
            *problems << QStringLiteral("unreadable rocm-smi output: %1").arg(error.errorString());
        return gpus;
    }
    static const QRegularExpression cardKey(QStringLiteral("^card(\\d+)$"));
    const QJsonObject root = doc.object();
    for (auto it = root.begin(); it != root.end(); ++it) {
        const QRegularExpressionMatch m = cardKey.match(it.key());
        if (!m.hasMatch() || !it.value().isObject())
            continue;
        const QJsonObject card = it.value().toObject();
        HostGpu gpu;
        gpu.index = m.captured(1).toInt();
        gpu.vendor = QStringLiteral("amd");
        for (const char *key : {"Card Series", "Card series", "Card model", "Card Model", "Marketing Name"}) {
            const QString value = card.value(QLatin1String(key)).toString().trimmed();
            if (!value.isEmpty() && value != QLatin1String("N/A")) {
                gpu.fullName = value;
                break;
            }
        }
        for (auto field = card.begin(); field != card.end(); ++field) {
            if (field.key().contains(QLatin1String("VRAM Total Memory"), Qt::CaseInsensitive))
                gpu.memoryMib = mibFromBytesText(field.value().toString());
        }
        if (gpu.fullName.isEmpty())
            gpu.fullName = QStringLiteral("AMD GPU");
        gpu.name = shortGpuName(gpu.fullName);
        gpus.append(gpu);
    }
    std::sort(gpus.begin(), gpus.end(), [](const HostGpu &a, const HostGpu &b) { return a.index < b.index; });
    return gpus;
}

QList<GpuUsage> parseNvidiaSmiUsageCsv(const QByteArray &output)
{
    QList<GpuUsage> usage;
    const QStringList lines = QString::fromUtf8(output).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    for (const QString &line : lines) {
        const QStringList f = line.split(QLatin1Char(','));
        if (f.size() != 4)
            continue;
        bool ok = false;
        GpuUsage u;
        u.index = f.at(0).trimmed().toInt(&ok);
        if (!ok)
            continue;
        u.utilPercent = numberField(f.at(1)).value_or(0);
        u.memoryUsedMib = numberField(f.at(2)).value_or(0);
        u.memoryTotalMib = numberField(f.at(3)).value_or(0);
        usage.append(u);
    }
    return usage;
}

QString nvidiaSmiProgram()
{
    const QString injected = qEnvironmentVariable("GANTRY_NVIDIA_SMI");
    if (!injected.isEmpty())
        return injected;
    return QStandardPaths::findExecutable(QStringLiteral("nvidia-smi"));
}

} // namespace gantry
