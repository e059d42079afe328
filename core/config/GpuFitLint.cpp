#include "core/config/GpuFitLint.h"

#include "core/config/ModelSizing.h"
#include "core/config/YamlTree.h"

#include <algorithm>

namespace gantry {

namespace {

// Far more: the request guarantees at least this many times what is needed, and 40 GB more.
constexpr double kOversizeFactor = 4.0;
constexpr double kOversizeMarginGb = 40.0;

} // namespace

void lintGpuFit(const QByteArray &source, ParseResult &result)
{
    if (!result.configuration || result.configuration->type != RunType::Service ||
        !result.configuration->resources.gpu.required())
        return;
    const Configuration &config = *result.configuration;
    const std::optional<double> guaranteed = guaranteedGpuMemoryGb(config.resources.gpu);
    const std::optional<double> largest = largestGpuMemoryGb(config.resources.gpu);
    if (!guaranteed || !largest)
        return;
    const std::optional<ModelEstimate> estimate = estimateModel(config);
    if (!estimate)
        return;

    yaml::Document doc;
    yaml::parse(source, doc);
    const yaml::Node *resources = doc.root && doc.root->isMap() ? doc.root->find("resources") : nullptr;
    const yaml::Node *gpuKey = nullptr, *gpuValue = nullptr;
    if (resources && resources->isMap()) {
        for (size_t i = 0; i < resources->mapSize(); ++i) {
            if (resources->key(i).text == "gpu") {
                gpuKey = &resources->key(i);
                gpuValue = &resources->value(i);
            }
        }
    }
    if (!gpuKey)
        return;
    const bool scalar = gpuValue->isScalar() && gpuValue->plain && gpuValue->text.find('\n') == std::string::npos;
    const QString written =
        scalar ? QStringLiteral("gpu: %1").arg(gpuValue->string()) : QStringLiteral("resources.gpu");

    const double needed = estimate->totalGb();
    const QString suggestion = suggestedGpu(needed);
    Diagnostic d{config.filePath, gpuKey->line, gpuKey->column, Severity::Warning, {}, {}, {}};
    if (needed > *largest && suggestion.isEmpty()) {
        d.code = QStringLiteral("gpu-too-small");
        d.message = QStringLiteral("%1 is too small for %2 in %3: %4; no usual GPU request holds that")
                        .arg(written, estimate->displayName, estimate->precision, estimate->breakdown());
    } else if (needed > *largest) {
        d.code = QStringLiteral("gpu-too-small");
        d.message = QStringLiteral("%1 is too small for %2 in %3: %4; use %5%6")
                        .arg(written, estimate->displayName, estimate->precision, estimate->breakdown(), suggestion,
                             estimate->contextFromCommand
                                 ? QStringLiteral(" or a quantised model")
                                 : QStringLiteral(", or a shorter --max-model-len, or a quantised model"));
    } else if (*guaranteed >= kOversizeFactor * needed && *guaranteed - needed >= kOversizeMarginGb) {
        d.code = QStringLiteral("gpu-oversized");
        d.message = QStringLiteral("%1 is far more than %2 in %3 needs (%4); %5 would do and cost less")
                        .arg(written, estimate->displayName, estimate->precision, estimate->breakdown(), suggestion);
    } else {
        return;
    }
    if (scalar && !suggestion.isEmpty()) {
        const int column = gpuValue->column;
        d.fixes.push_back(
            {QStringLiteral("Ask for gpu: %1").arg(suggestion),
             {{gpuValue->line, column, gpuValue->line, column + int(gpuValue->text.size()), suggestion}}});
    }
    const auto at = std::upper_bound(result.diagnostics.begin(), result.diagnostics.end(), d,
                                     [](const Diagnostic &a, const Diagnostic &b) {
                                         return a.line != b.line ? a.line < b.line : a.column < b.column;
                                     });
    result.diagnostics.insert(at, d);
}

} // namespace gantry
