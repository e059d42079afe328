#include "core/config/ConfigParser.h"

#include "core/common/BoundedRead.h"
#include "core/config/ConfigFixes.h"
#include "core/config/ConfigLints.h"
#include "core/config/ConfigReader.h"
#include "core/config/ConfigSchema.h"
#include "core/config/GpuFitLint.h"
#include "core/config/YamlTree.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <algorithm>

namespace gantry {

namespace {

Diagnostic tooLarge(const QString &path, qint64 size)
{
    return {path, 0, 0, Severity::Error,
            QStringLiteral("the file is %1 MB; a configuration is a small YAML file (at most %2 MB)")
                .arg(double(size) / (1024 * 1024), 0, 'f', 1)
                .arg(kMaxConfigurationBytes / (1024 * 1024))};
}

} // namespace

ParseResult parseConfiguration(const QByteArray &yaml, const QString &filePath)
{
    ParseResult result;
    if (yaml.size() > kMaxConfigurationBytes) {
        result.diagnostics.push_back(tooLarge(filePath, yaml.size()));
        return result;
    }
    ConfigReader reader(filePath, yaml, result.diagnostics);
    result.configuration = reader.read();
    std::stable_sort(result.diagnostics.begin(), result.diagnostics.end(),
                     [](const Diagnostic &a, const Diagnostic &b) {
                         return a.line != b.line ? a.line < b.line : a.column < b.column;
                     });
    attachFixes(yaml, result);
    lintGpuFit(yaml, result);
    return result;
}

ParseResult loadConfiguration(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        ParseResult result;
        result.diagnostics.push_back(
            {path, 0, 0, Severity::Error, QStringLiteral("cannot read the configuration: %1").arg(file.errorString())});
        return result;
    }
    if (file.size() > kMaxConfigurationBytes) { // refuse to slurp a disk image
        ParseResult result;
        result.diagnostics.push_back(tooLarge(path, file.size()));
        return result;
    }
    return parseConfiguration(readAtMost(file, kMaxConfigurationBytes + 1), path);
}

QString findConfiguration(const QString &directory)
{
    const QDir dir(directory);
    for (const char *name : {".dstack.yml", ".dstack.yaml"}) {
        const QString candidate = dir.filePath(QString::fromLatin1(name));
        if (QFileInfo(candidate).isFile())
            return candidate;
    }
    // The first *.dstack.yml by name, in any case as QDir's filter matched it. Matched here
    // rather than by a QDir name filter, which compiles a regular expression on the way to the
    // first frame (issue 14).
    for (const QString &name : dir.entryList(QDir::Files | QDir::Hidden, QDir::Name)) {
        if (name.endsWith(QLatin1String(".dstack.yml"), Qt::CaseInsensitive))
            return dir.filePath(name);
    }
    return {};
}

std::vector<ProbeSpec> Configuration::effectiveProbes() const
{
    if (probes)
        return *probes;
    if (type != RunType::Service || !model || model->format != QLatin1String("openai"))
        return {};
    ProbeSpec probe;
    probe.url = model->prefix + QStringLiteral("/chat/completions");
    probe.method = QStringLiteral("post");
    probe.headers = {{QStringLiteral("Content-Type"), QStringLiteral("application/json")}};
    // dstack builds the body with Python's json.dumps: ", " and ": " separators, these keys in
    // this order, non-ASCII escaped as \uXXXX.
    const std::string name = nlohmann::json(model->name.toStdString()).dump(-1, ' ', true);
    probe.body = QStringLiteral(R"({"model": %1, "messages": [{"role": "user", "content": "hi"}], "max_tokens": 1})")
                     .arg(QString::fromStdString(name));
    probe.timeoutSec = 30;
    probe.intervalSec = 15;
    probe.readyAfter = 1;
    return {probe};
}

} // namespace gantry
