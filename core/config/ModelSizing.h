#pragma once

// How much GPU memory a service's model needs, estimated from its configuration alone: the
// model it serves (`--model`, `vllm serve X`, `MODEL_ID`, else `model.name`), the precision
// (AWQ/GPTQ/int4/int8/fp8 in the name or flags, `--kv-cache-dtype`), and the context it is
// allowed (`--max-model-len`, TGI's `--max-total-tokens`, llama-server's `-c`, SGLang's
// `--context-length`; else the model's own maximum, which is what vLLM reserves for).
//
//   weights  = parameters × bytes per parameter (mixture-of-experts: every expert is loaded)
//   KV cache = 2 (K and V) × layers × KV heads × head size × bytes × context × sequences
//   overhead = 1 GB (CUDA context, activations, the server's own buffers)
//
// A pure function with every assumption spelled out, so the numbers can be checked against
// the model cards (tests/config/test_model_sizing.cpp does) and shown to the user.

#include "core/config/Configuration.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace gantry {

struct ModelEstimate {
    QString model; // what was estimated, as written ("mistralai/Mistral-7B-Instruct-v0.2")
    QString displayName; // its last path part ("Mistral-7B-Instruct-v0.2")
    double parametersB = 0; // billions, all experts counted
    QString precision; // "fp16", "fp8", "int8", "int4 (AWQ)", "mxfp4", "gguf Q4_K_M"…
    double bytesPerParameter = 2;
    double weightsGb = 0; // decimal GB, as model cards and dstack's sizes write them
    bool knownArchitecture = false; // layers and KV heads from the model's config, not guessed
    double kvBytesPerToken = 0;
    int contextTokens = 0;
    bool contextFromCommand = false; // set by a flag (else the model's maximum)
    int sequences = 1; // sequences whose KV cache must fit at once
    double kvCacheGb = 0;
    double overheadGb = 1.0;
    QStringList assumptions; // one line each, for tooltips and `validate --json`

    double totalGb() const { return weightsGb + kvCacheGb + overheadGb; }
    // "about 14.5 GB of weights + 4.3 GB of KV cache at 32k tokens + 1 GB overhead"
    QString breakdown() const;
};

// Estimates for a model id and the command words that serve it (flags such as
// --max-model-len, --quantization); nullopt when neither a known model nor a size in its
// name ("7B", "8x7B", "0.5B") tells how big it is.
std::optional<ModelEstimate> estimateModel(const QString &modelId, const QStringList &commandWords = {});

// The estimate for a configuration's service; nullopt for runs without a model it can size.
std::optional<ModelEstimate> estimateModel(const Configuration &config);

// GPU memory in GB that `gpu` guarantees (per-GPU minimum × minimum count, or total_memory,
// or the smallest of the named GPUs); nullopt when it does not say.
std::optional<double> guaranteedGpuMemoryGb(const GpuSpec &gpu);
// The most GPU memory `gpu` can bring: the upper ends of its ranges where it has them (else
// the lower ones: an open "24GB.." is usually served by the cheapest, smallest match).
std::optional<double> largestGpuMemoryGb(const GpuSpec &gpu);

// Memory in GB of a GPU model by name ("A10G" → 24, "H100" → 80); nullopt when unknown.
std::optional<double> gpuMemoryGbForName(const QString &name);

// The smallest usual GPU size that holds `neededGb` ("24GB.."), or a count of 80 GB GPUs
// ("80GB:2") when no single GPU does; empty past 1,024 of them (or for a value that is not
// a number).
QString suggestedGpu(double neededGb);

} // namespace gantry
