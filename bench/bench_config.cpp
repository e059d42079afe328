// Validating a ~300-line service configuration: the work the GUI editor redoes after every
// debounced keystroke (parse, schema check, grammars, canonical JSON, lints).
// Target: ≤ 1 ms median.

#include "core/config/ConfigParser.h"
#include "core/config/YamlTree.h"

#include <benchmark/benchmark.h>

namespace {

// A realistic but large service: 120 env entries, 100 commands using them, probes,
// resources, scaling, volumes and profile fields.
QByteArray largeConfiguration()
{
    QByteArray y = "type: service\nname: big-svc\nimage: vllm/vllm-openai:latest\nport: 8000\n"
                   "model:\n  type: chat\n  name: meta-llama/Llama-3.1-8B-Instruct\n  format: openai\n  prefix: /v1\n";
    y += "env:\n";
    for (int i = 0; i < 120; ++i)
        y += "  - SETTING_" + QByteArray::number(i) + "=value-" + QByteArray::number(i * 7) + "\n";
    y += "commands:\n";
    for (int i = 0; i < 100; ++i)
        y += "  - echo \"step " + QByteArray::number(i) + ": $SETTING_" + QByteArray::number(i) + " ${SETTING_" +
             QByteArray::number(i + 1) + "}\" >> /tmp/log\n";
    y += "  - vllm serve meta-llama/Llama-3.1-8B-Instruct --port 8000 --max-model-len 8192\n";
    y += "resources:\n  cpu: x86:8..\n  memory: 32GB..\n  gpu: A10G,A100,L40S:24GB..80GB:1..2\n  disk: 200GB..1TB\n  "
         "shm_size: 16GB\n";
    y += "replicas: 1..4\nscaling:\n  metric: rps\n  target: 10\n  window: 60s\n  scale_up_delay: 2m\n  "
         "scale_down_delay: 10m\n";
    y += "probes:\n";
    for (int i = 0; i < 5; ++i)
        y += "  - type: http\n    url: /health/" + QByteArray::number(i) +
             "\n    method: post\n    headers:\n"
             "      - name: Authorization\n        value: Bearer abc\n    body: '{\"ping\": true}'\n"
             "    timeout: 10s\n    interval: 15s\n    ready_after: 2\n";
    y += "volumes:\n  - models:/models\n  - /mnt/cache:/root/.cache\n";
    y +=
        "spot_policy: auto\nmax_price: 2.5\nbackends: [aws, gcp, runpod, lambda]\nregions: [us-east-1, us-central1]\n"
        "instance_types: [g5.xlarge, g2-standard-4]\nretry:\n  on_events: [no-capacity, interruption]\n  duration: 1h\n"
        "max_duration: 8h\nidle_duration: 30m\n";
    return y;
}

void BM_ValidateLargeConfiguration(benchmark::State &state)
{
    const QByteArray yaml = largeConfiguration();
    const QString path = QStringLiteral("big.dstack.yml");
    for (auto _ : state) {
        gantry::ParseResult r = gantry::parseConfiguration(yaml, path);
        benchmark::DoNotOptimize(r);
    }
    state.counters["lines"] = double(yaml.count('\n'));
    state.counters["bytes"] = double(yaml.size());
}
BENCHMARK(BM_ValidateLargeConfiguration)->Unit(benchmark::kMicrosecond);

// The same configuration commented in Cyrillic, 4,000 comment lines (263 KB): the encoding
// check counted lines up to every non-ASCII character (15 s before the fix).
void BM_ValidateNonAsciiConfiguration(benchmark::State &state)
{
    QByteArray yaml = largeConfiguration();
    for (int i = 0; i < 4000; ++i)
        yaml += QStringLiteral("# комментарий номер %1 — прекрасный\n").arg(i).toUtf8();
    const QString path = QStringLiteral("commented.dstack.yml");
    for (auto _ : state) {
        gantry::ParseResult r = gantry::parseConfiguration(yaml, path);
        benchmark::DoNotOptimize(r);
    }
    state.counters["bytes"] = double(yaml.size());
}
BENCHMARK(BM_ValidateNonAsciiConfiguration)->Unit(benchmark::kMicrosecond);

// Hostile shapes that were quadratic, each near the 4 MB limit (fix search per diagnostic,
// suggestion per undefined name, the line read again per use):
//   0: 95,000 env entries and 95,000 commands, each using an undefined name (3.0 MB);
//   1: one command using 400,000 undefined names on one 3.6 MB line;
//   2: 100,000 unknown top-level keys (2.9 MB);
//   3: 40,000 probes (1.2 MB; each was compared with every earlier one).
QByteArray hostileShape(int shape)
{
    QByteArray y;
    if (shape == 0) {
        y = "type: task\nenv:\n";
        for (int i = 0; i < 95000; ++i)
            y += "  - V" + QByteArray::number(i).rightJustified(6, '0') + "=1\n";
        y += "commands:\n";
        for (int i = 0; i < 95000; ++i)
            y += "  - echo $U" + QByteArray::number(i).rightJustified(6, '0') + "\n";
    } else if (shape == 1) {
        y = "type: task\ncommands:\n  - echo";
        for (int i = 0; i < 400000; ++i)
            y += " $U" + QByteArray::number(i).rightJustified(6, '0');
        y += "\n";
    } else if (shape == 3) {
        y = "type: service\nport: 80\ncommands: [x]\nprobes:\n";
        for (int i = 0; i < 40000; ++i)
            y += "  - type: http\n    url: /h" + QByteArray::number(i) + "\n";
    } else {
        y = "type: task\ncommands: [x]\n";
        for (int i = 0; i < 100000; ++i)
            y += "unknown_key_number_" + QByteArray::number(i).rightJustified(6, '0') + ": 1\n";
    }
    return y;
}

void BM_ValidateHostileShape(benchmark::State &state)
{
    const QByteArray yaml = hostileShape(int(state.range(0)));
    const QString path = QStringLiteral("hostile.dstack.yml");
    for (auto _ : state) {
        gantry::ParseResult r = gantry::parseConfiguration(yaml, path);
        benchmark::DoNotOptimize(r);
    }
    state.counters["bytes"] = double(yaml.size());
}
BENCHMARK(BM_ValidateHostileShape)->DenseRange(0, 3)->Unit(benchmark::kMillisecond)->Iterations(1);

// The YAML layer alone (yaml-cpp events into the located tree), to see where time goes.
void BM_YamlTreeOnly(benchmark::State &state)
{
    const QByteArray yaml = largeConfiguration();
    for (auto _ : state) {
        gantry::yaml::Document doc;
        gantry::yaml::parse(yaml, doc);
        benchmark::DoNotOptimize(doc.root);
    }
}
BENCHMARK(BM_YamlTreeOnly)->Unit(benchmark::kMicrosecond);

// The yaml-cpp path alone: what files outside the fast reader's subset cost (anchors, block
// scalars, implicit nulls, syntax errors).
void BM_YamlCppFallbackOnly(benchmark::State &state)
{
    const QByteArray yaml = largeConfiguration();
    for (auto _ : state) {
        gantry::yaml::Document doc;
        gantry::yaml::parseWithYamlCpp(yaml, doc);
        benchmark::DoNotOptimize(doc.root);
    }
}
BENCHMARK(BM_YamlCppFallbackOnly)->Unit(benchmark::kMicrosecond);

void BM_ValidateSeedConfiguration(benchmark::State &state)
{
    const QByteArray yaml =
        "type: service\npython: \"3.11\"\nenv:\n    - MODEL_ID=mistralai/Mistral-7B-Instruct-v0.2\nport: 8000\n"
        "resources:\n    gpu: 24GB\ncommands:\n    - pip install vllm\n"
        "    - python -m vllm.entrypoints.openai.api_server --model $MODEL --port 8000\n"
        "model:\n    format: openai\n    type: chat\n    name: mistral-7b-it\n";
    for (auto _ : state) {
        gantry::ParseResult r = gantry::parseConfiguration(yaml, QStringLiteral("vllm.serve.dstack.yml"));
        benchmark::DoNotOptimize(r);
    }
}
BENCHMARK(BM_ValidateSeedConfiguration)->Unit(benchmark::kMicrosecond);

} // namespace

BENCHMARK_MAIN();
