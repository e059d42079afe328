#include "config/ConfigParser.h"

#include "config/ConfigFixes.h"
#include "config/ConfigLints.h"
#include "config/GpuFitLint.h"
#include "config/ConfigSchema.h"
#include "config/ConfigReader.h"
#include "config/YamlTree.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <algorithm>

namespace gantry {

ParseResult parseConfiguration(const QByteArray &yaml, const QString &filePath)
{
    ParseResult result;
    ConfigReader reader(filePath, yaml, result.diagnostics);
    result.configuration = reader.read();
    std::stable_sort(result.diagnostics.begin(), result.diagnostics.end(), [](const Diagnostic &a, const Diagnostic &b) {
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
        result.diagnostics.push_back({path, 0, 0, Severity::Error, QStringLiteral("cannot read the configuration: %1").arg(file.errorString())});
        return result;
    }
    constexpr qint64 kMaxSize = 4 * 1024 * 1024;  // a configuration is a few KB; refuse to slurp a disk image
    if (file.size() > kMaxSize) {
        ParseResult result;
        result.diagnostics.push_back({path, 0, 0, Severity::Error,
                                      QStringLiteral("the file is %1 MB; a configuration is a small YAML file").arg(file.size() / (1024 * 1024))});
        return result;
    }
    return parseConfiguration(file.readAll(), path);
}

QString findConfiguration(const QString &directory)
{
    const QDir dir(directory);
    for (const char *name : {".dstack.yml", ".dstack.yaml"}) {
        const QString candidate = dir.filePath(QString::fromLatin1(name));
        if (QFileInfo(candidate).isFile())
            return candidate;
    }
    const QStringList matches = dir.entryList({QStringLiteral("*.dstack.yml")}, QDir::Files | QDir::Hidden, QDir::Name);
    return matches.isEmpty() ? QString() : dir.filePath(matches.first());
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
