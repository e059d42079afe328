#include "core/config/ModelSizing.h"

#include <QRegularExpression>

#include <array>
#include <cmath>

namespace gantry {

namespace {

// Architecture facts from each model's config.json and model card. Patterns match the
// lower-cased model id. Values: parameters (B), layers, KV heads, head size, max context,
// and the checkpoint's size in GB when its native precision is not 16-bit.
struct KnownModel {
    const char *pattern;
    double parametersB;
    int layers;
    int kvHeads;
    int headDim;
    int maxContext;
    double nativeGb; // 0: parameters × 2 bytes (bf16/fp16)
    const char *nativePrecision;
};

const KnownModel kKnownModels[] = {
    {R"(mixtral-8x7b)", 46.7, 32, 8, 128, 32768, 0, nullptr},
    {R"(mixtral-8x22b)", 140.6, 56, 8, 128, 65536, 0, nullptr},
    {R"(mistral-7b)", 7.24, 32, 8, 128, 32768, 0, nullptr},
    {R"(llama-?3\.[123]-8b|llama3\.[123]:8b)", 8.03, 32, 8, 128, 131072, 0, nullptr},
    {R"(llama-?3-8b|llama3:8b)", 8.03, 32, 8, 128, 8192, 0, nullptr},
    {R"(llama-?3\.[13]-70b|llama3\.[13]:70b)", 70.6, 80, 8, 128, 131072, 0, nullptr},
    {R"(llama-?3-70b|llama3:70b)", 70.6, 80, 8, 128, 8192, 0, nullptr},
    {R"(llama-?3\.1-405b)", 405.9, 126, 8, 128, 131072, 0, nullptr},
    {R"(qwen2\.5-0\.5b)", 0.49, 24, 2, 64, 32768, 0, nullptr},
    {R"(qwen2\.5-1\.5b)", 1.54, 28, 2, 128, 32768, 0, nullptr},
    {R"(qwen2\.5-7b)", 7.61, 28, 4, 128, 32768, 0, nullptr},
    {R"(qwen2\.5-14b)", 14.7, 48, 8, 128, 32768, 0, nullptr},
    {R"(qwen2\.5-32b)", 32.5, 64, 8, 128, 32768, 0, nullptr},
    {R"(qwen2\.5-72b)", 72.7, 80, 8, 128, 32768, 0, nullptr},
    {R"(gpt-oss-120b)", 116.8, 36, 8, 64, 131072, 65.0, "mxfp4"},
    {R"(gpt-oss-20b)", 20.9, 24, 8, 64, 131072, 13.8, "mxfp4"},
    {R"(tinyllama-1\.1b)", 1.1, 22, 4, 64, 2048, 0, nullptr},
    {R"(gemma-2-9b)", 9.24, 42, 8, 256, 8192, 0, nullptr},
    {R"(gemma-2-27b)", 27.2, 46, 16, 128, 8192, 0, nullptr},
};

// Each pattern compiled once: the editor estimates at every keystroke.
template <typename Table, size_t N>
std::array<QRegularExpression, N> compiledPatterns(const Table (&table)[N])
{
    std::array<QRegularExpression, N> compiled;
    for (size_t i = 0; i < N; ++i)
        compiled[i] = QRegularExpression(QString::fromLatin1(table[i].pattern));
    return compiled;
}

const KnownModel *knownModel(const QString &lowerId)
{
    static const auto patterns = compiledPatterns(kKnownModels);
    for (size_t i = 0; i < patterns.size(); ++i) {
        if (patterns[i].match(lowerId).hasMatch())
            return &kKnownModels[i];
    }
    return nullptr;
}

// "8x7b" → 56 (every expert counted: an upper bound, the experts share attention weights),
// "0.5b" → 0.5, "135m" → 0.135.
std::optional<double> parametersFromName(const QString &lowerId)
{
    // No model has 100 trillion parameters: a larger number in a name is not a size.
    constexpr double kMostParametersB = 100000.0;
    const auto plausible = [](double b) { return b > 0 && b <= kMostParametersB; };
    static const QRegularExpression moe(QStringLiteral(R"((?:^|[^a-z0-9.])(\d+)x(\d+(?:\.\d+)?)b(?![a-z0-9]))"));
    if (const auto m = moe.match(lowerId); m.hasMatch()) {
        const double b = m.captured(1).toDouble() * m.captured(2).toDouble();
        if (plausible(b))
            return b;
    }
    static const QRegularExpression size(QStringLiteral(R"((?:^|[^a-z0-9.])(\d+(?:\.\d+)?)([bm])(?![a-z0-9]))"));
    auto it = size.globalMatch(lowerId);
    std::optional<double> last;
    while (it.hasNext()) {
        const auto m = it.next();
        const double b = m.captured(1).toDouble() / (m.captured(2) == QLatin1String("m") ? 1000.0 : 1.0);
        if (plausible(b))
            last = b;
    }
    return last;
}

struct Precision {
    QString name;
    double bytes;
};

// From flags first (they win over the name), then from the name.
std::optional<Precision> precisionOf(const QString &lowerId, const QStringList &words)
{
    const auto fromWord = [](const QString &w) -> std::optional<Precision> {
        const QString v = w.toLower();
        if (v == QLatin1String("awq") || v.startsWith(QLatin1String("awq")))
            return Precision{QStringLiteral("int4 (AWQ)"), 0.5625};
        if (v.startsWith(QLatin1String("gptq")))
            return Precision{QStringLiteral("int4 (GPTQ)"), 0.5625};
        if (v == QLatin1String("fp8") || v == QLatin1String("eetq") || v == QLatin1String("bitsandbytes"))
            return Precision{v == QLatin1String("fp8") ? QStringLiteral("fp8") : QStringLiteral("int8"), 1.0};
        if (v.startsWith(QLatin1String("bitsandbytes-")) || v == QLatin1String("marlin"))
            return Precision{QStringLiteral("int4"), 0.5625};
        return std::nullopt;
    };
    for (qsizetype i = 0; i + 1 < words.size(); ++i) {
        const QString &w = words[i];
        if (w == QLatin1String("--quantization") || w == QLatin1String("-q") || w == QLatin1String("--quantize")) {
            if (auto p = fromWord(words[i + 1]))
                return p;
        }
    }
    for (const QString &w : words) {
        if (w.startsWith(QLatin1String("--quantization=")) || w.startsWith(QLatin1String("--quantize="))) {
            if (auto p = fromWord(w.section(QLatin1Char('='), 1)))
                return p;
        }
    }
    struct NameRule {
        const char *pattern;
        const char *name;
        double bytes;
    };
    // GGUF files: llama.cpp's bits per weight including block scales.
    static const NameRule rules[] = {
        {R"(gptq.*(int8|8bit))", "int8 (GPTQ)", 1.0},
        {R"(awq)", "int4 (AWQ)", 0.5625},
        {R"(gptq)", "int4 (GPTQ)", 0.5625},
        {R"(fp8)", "fp8", 1.0},
        {R"(int8|8bit|w8a8|w8a16)", "int8", 1.0},
        {R"(int4|4bit|w4a16|nf4|bnb-4bit)", "int4", 0.5625},
        {R"(q4_k_m|q4_k_s|q4_0|q4_1)", "gguf 4-bit", 0.5625},
        {R"(q5_k_m|q5_k_s|q5_0)", "gguf 5-bit", 0.6875},
        {R"(q6_k)", "gguf 6-bit", 0.8125},
        {R"(q8_0)", "gguf 8-bit", 1.0625},
    };
    static const auto patterns = compiledPatterns(rules);
    for (size_t i = 0; i < patterns.size(); ++i) {
        if (patterns[i].match(lowerId).hasMatch())
            return Precision{QString::fromLatin1(rules[i].name), rules[i].bytes};
    }
    return std::nullopt;
}

QString flagValue(const QStringList &words, const QStringList &flags)
{
    for (qsizetype i = 0; i < words.size(); ++i) {
        for (const QString &f : flags) {
            if (words[i] == f && i + 1 < words.size())
                return words[i + 1];
            if (words[i].startsWith(f + QLatin1Char('=')))
                return words[i].mid(f.size() + 1);
        }
    }
    return {};
}

QString tokensText(int tokens)
{
    if (tokens >= 1024 && tokens % 1024 == 0)
        return QStringLiteral("%1k").arg(tokens / 1024);
    return QString::number(tokens);
}

QString gbText(double gb)
{
    if (gb >= 10)
        return QString::number(std::round(gb * 10) / 10, 'f', gb >= 100 ? 0 : 1);
    return QString::number(std::round(gb * 10) / 10, 'g', 2);
}

const QRegularExpression &expertsPattern()
{
    static const QRegularExpression experts(QStringLiteral(R"(\dx\d)"));
    return experts;
}

// Shell-ish words of the commands, quotes dropped, $VAR/${VAR} replaced from env.
QStringList commandWords(const Configuration &config)
{
    QStringList words;
    static const QRegularExpression split(QStringLiteral(R"([\s;|&]+)"));
    for (const QString &command : config.commands) {
        for (QString w : command.split(split, Qt::SkipEmptyParts)) {
            w.remove(QLatin1Char('"')).remove(QLatin1Char('\''));
            QString name = w.startsWith(QLatin1String("${")) && w.endsWith(QLatin1Char('}')) ? w.mid(2, w.size() - 3)
                           : w.startsWith(QLatin1Char('$'))                                  ? w.mid(1)
                                                                                             : QString();
            if (!name.isEmpty()) {
                for (const EnvVar &e : config.env) {
                    if (e.key == name && e.value)
                        w = *e.value;
                }
            }
            words << w;
        }
    }
    return words;
}

} // namespace

QString ModelEstimate::breakdown() const
{
    return QStringLiteral("about %1 GB of weights + %2 GB of KV cache at %3 tokens + %4 GB overhead")
        .arg(gbText(weightsGb), gbText(kvCacheGb), tokensText(contextTokens), gbText(overheadGb));
}

std::optional<ModelEstimate> estimateModel(const QString &modelId, const QStringList &words)
{
    const QString lower = modelId.toLower();
    const KnownModel *known = knownModel(lower);
    const std::optional<double> named = known ? std::optional<double>(known->parametersB) : parametersFromName(lower);
    if (!named || *named <= 0)
        return std::nullopt;
    ModelEstimate e;
    e.model = modelId;
    e.displayName = modelId.section(QLatin1Char('/'), -1);
    if (e.displayName.endsWith(QLatin1String(".gguf"), Qt::CaseInsensitive))
        e.displayName.chop(5);
    e.parametersB = *named;
    e.knownArchitecture = known != nullptr;
    if (known)
        e.assumptions << QStringLiteral("%1: %2B parameters, %3 layers, %4 KV heads of %5 (model card, config.json)")
                             .arg(e.displayName)
                             .arg(known->parametersB)
                             .arg(known->layers)
                             .arg(known->kvHeads)
                             .arg(known->headDim);
    else
        e.assumptions << QStringLiteral("%1B parameters, read from the name%2")
                             .arg(*named)
                             .arg(lower.contains(expertsPattern()) ? QStringLiteral(" (every expert counted)")
                                                                   : QString());

    if (const auto p = precisionOf(lower, words)) {
        e.precision = p->name;
        e.bytesPerParameter = p->bytes;
        e.weightsGb = e.parametersB * p->bytes;
    } else if (known && known->nativeGb > 0) {
        e.precision = QString::fromLatin1(known->nativePrecision);
        e.weightsGb = known->nativeGb;
        e.bytesPerParameter = known->nativeGb / known->parametersB;
    } else {
        const QString dtype = flagValue(words, {QStringLiteral("--dtype")}).toLower();
        e.precision = dtype == QLatin1String("float32")    ? QStringLiteral("fp32")
                      : dtype == QLatin1String("bfloat16") ? QStringLiteral("bf16")
                                                           : QStringLiteral("fp16");
        e.bytesPerParameter = dtype == QLatin1String("float32") ? 4 : 2;
        e.weightsGb = e.parametersB * e.bytesPerParameter;
    }
    e.assumptions << QStringLiteral("weights in %1: %2 bytes per parameter").arg(e.precision).arg(e.bytesPerParameter);

    const QString kvDtype = flagValue(words, {QStringLiteral("--kv-cache-dtype")}).toLower();
    const double kvBytes = kvDtype.startsWith(QLatin1String("fp8")) ? 1.0 : 2.0;
    if (known) {
        e.kvBytesPerToken = 2.0 * known->layers * known->kvHeads * known->headDim * kvBytes;
    } else {
        // A Llama-like model with grouped-query attention: 128 KiB a token at 8B, growing
        // with the square root of the size.
        e.kvBytesPerToken = 131072.0 * std::sqrt(e.parametersB / 8.0) * kvBytes / 2.0;
        e.assumptions << QStringLiteral("layers and KV heads unknown: KV cache sized like a Llama model of that size");
    }
    const QString context =
        flagValue(words, {QStringLiteral("--max-model-len"), QStringLiteral("--max-total-tokens"),
                          QStringLiteral("--context-length"), QStringLiteral("--ctx-size"), QStringLiteral("-c")});
    bool ok = false;
    const int fromFlag = context.toInt(&ok);
    if (ok && fromFlag > 0) {
        e.contextTokens = fromFlag;
        e.contextFromCommand = true;
    } else {
        e.contextTokens = known ? known->maxContext : 8192;
    }
    e.kvCacheGb = e.kvBytesPerToken * e.contextTokens * e.sequences / 1e9;
    e.assumptions
        << QStringLiteral("KV cache in %1 for %2 tokens (%3) × %4 sequence")
               .arg(kvBytes == 1.0 ? QStringLiteral("fp8") : QStringLiteral("16-bit"), QString::number(e.contextTokens),
                    e.contextFromCommand
                        ? QStringLiteral("from the command")
                        : (known ? QStringLiteral(
                                       "the model's maximum, which vLLM reserves unless --max-model-len says less")
                                 : QStringLiteral("assumed")))
               .arg(e.sequences);
    e.assumptions << QStringLiteral("1 GB for the CUDA context, activations and the server");
    return e;
}

std::optional<ModelEstimate> estimateModel(const Configuration &config)
{
    if (config.type != RunType::Service)
        return std::nullopt;
    const QStringList words = commandWords(config);
    QStringList candidates;
    for (qsizetype i = 0; i < words.size(); ++i) {
        const QString &w = words[i];
        const bool hasNext = i + 1 < words.size();
        if ((w == QLatin1String("--model") || w == QLatin1String("--model-id") || w == QLatin1String("--model-path") ||
             w == QLatin1String("-m") || w == QLatin1String("-hf") || w == QLatin1String("--hf-repo")) &&
            hasNext)
            candidates << words[i + 1];
        else if (w.startsWith(QLatin1String("--model=")) || w.startsWith(QLatin1String("--model-id=")))
            candidates << w.section(QLatin1Char('='), 1);
        else if ((w == QLatin1String("vllm") || w.endsWith(QLatin1String("/vllm"))) && hasNext &&
                 words[i + 1] == QLatin1String("serve") && i + 2 < words.size() &&
                 !words[i + 2].startsWith(QLatin1Char('-')))
            candidates << words[i + 2];
    }
    for (const EnvVar &e : config.env) {
        if ((e.key == QLatin1String("MODEL_ID") || e.key == QLatin1String("MODEL") ||
             e.key == QLatin1String("HF_MODEL_ID")) &&
            e.value)
            candidates << *e.value;
    }
    if (config.model)
        candidates << config.model->name;
    // Prefer a model whose architecture is known, then anything with a size in its name.
    for (const QString &c : std::as_const(candidates)) {
        if (knownModel(c.toLower()))
            return estimateModel(c, words);
    }
    for (const QString &c : std::as_const(candidates)) {
        if (auto e = estimateModel(c, words))
            return e;
    }
    return std::nullopt;
}

std::optional<double> gpuMemoryGbForName(const QString &name)
{
    static const std::pair<const char *, double> kGpus[] = {
        {"t4", 16},      {"v100", 16},       {"a10g", 24},    {"a10", 24},     {"l4", 24},       {"rtx4090", 24},
        {"rtx3090", 24}, {"a4000", 16},      {"a5000", 24},   {"a6000", 48},   {"rtxa6000", 48}, {"l40", 48},
        {"l40s", 48},    {"a40", 48},        {"a100", 40},    {"h100", 80},    {"h100nvl", 94},  {"h200", 141},
        {"b200", 180},   {"gh200", 96},      {"mi300x", 192}, {"mi325x", 256}, {"mi250x", 128},  {"mi210", 64},
        {"rtx6000", 48}, {"rtx6000ada", 48},
    };
    const QString key = name.toLower().remove(QLatin1Char('-')).remove(QLatin1Char(' '));
    for (const auto &[gpu, gb] : kGpus) {
        if (key == QLatin1String(gpu))
            return gb;
    }
    return std::nullopt;
}

std::optional<double> guaranteedGpuMemoryGb(const GpuSpec &gpu)
{
    const int count = std::max(1, gpu.count.min.value_or(1));
    if (gpu.totalMemoryGb && gpu.totalMemoryGb->min)
        return *gpu.totalMemoryGb->min;
    if (gpu.memoryGb && gpu.memoryGb->min)
        return *gpu.memoryGb->min * count;
    std::optional<double> smallest;
    for (const QString &name : gpu.names) {
        const auto gb = gpuMemoryGbForName(name);
        if (!gb)
            return std::nullopt; // one unknown name: the guarantee is unknown
        smallest = smallest ? std::min(*smallest, *gb) : *gb;
    }
    return smallest ? std::optional<double>(*smallest * count) : std::nullopt;
}

std::optional<double> largestGpuMemoryGb(const GpuSpec &gpu)
{
    const int count = std::max(1, gpu.count.max.value_or(gpu.count.min.value_or(1)));
    if (gpu.totalMemoryGb && (gpu.totalMemoryGb->max || gpu.totalMemoryGb->min))
        return gpu.totalMemoryGb->max ? *gpu.totalMemoryGb->max : *gpu.totalMemoryGb->min;
    if (gpu.memoryGb && (gpu.memoryGb->max || gpu.memoryGb->min))
        return (gpu.memoryGb->max ? *gpu.memoryGb->max : *gpu.memoryGb->min) * count;
    std::optional<double> largest;
    for (const QString &name : gpu.names) {
        const auto gb = gpuMemoryGbForName(name);
        if (!gb)
            return std::nullopt;
        largest = largest ? std::max(*largest, *gb) : *gb;
    }
    return largest ? std::optional<double>(*largest * count) : std::nullopt;
}

QString suggestedGpu(double neededGb)
{
    for (const double size : {16.0, 24.0, 40.0, 48.0, 80.0})
        if (neededGb <= size)
            return QStringLiteral("%1GB..").arg(size);
    // A count is only advice up to a large fleet; beyond it (or not a number) there is none.
    constexpr double kMostGpus = 1024;
    const double count = std::ceil(neededGb / 80.0);
    if (!(count <= kMostGpus))
        return {};
    return QStringLiteral("80GB:%1").arg(int(count));
}

} // namespace gantry
