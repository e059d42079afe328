// dstack's value grammars (docs/reference/dstack-configuration.md): every row of the reference's GPU table, every
// resources form, ports, models, env and durations — compared as canonical JSON, the form
// the dstack server echoes in run_spec.configuration.

#include "tests/config/ConfigTestHelpers.h"

#include "core/config/Grammar.h"
#include "core/config/ResourcesGrammar.h"
#include "core/config/ResourcesText.h"

#include <QTest>

using namespace gantry;
using namespace gantry::test;
using json = nlohmann::json;

namespace {

// Parses a service with `extra` and returns canonical[key]; fails the test on any diagnostic.
json canonicalField(const QByteArray &extra, const char *key)
{
    const ParseResult r = parseText(service(extra));
    if (!r.diagnostics.isEmpty() || !r.configuration) {
        QTest::qFail(qPrintable(QStringLiteral("unexpected diagnostics:\n") + describe(r.diagnostics)), __FILE__,
                     __LINE__);
        return nullptr;
    }
    return r.configuration->canonical[key];
}

// The single error a snippet must produce, as "line:col: message-substring".
void expectOneError(const QByteArray &yaml, int line, int column, const QString &fragment)
{
    const ParseResult r = parseText(yaml);
    QVERIFY2(r.diagnostics.size() == 1, qPrintable(describe(r.diagnostics)));
    const Diagnostic &d = r.diagnostics.first();
    QCOMPARE(d.severity, Severity::Error);
    QVERIFY2(d.message.contains(fragment), qPrintable(d.message));
    QCOMPARE(d.line, line);
    QCOMPARE(d.column, column);
    QVERIFY(!r.valid());
}

} // namespace

class TestConfigGrammar : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // The GPU table of docs/reference/dstack-configuration.md#resources-grammar, row by row.
    void gpuTable_data()
    {
        QTest::addColumn<QByteArray>("spec");
        QTest::addColumn<QByteArray>("expected");
        auto row = [](const char *spec, const char *vendor, const char *name, const char *count, const char *memory) {
            const QByteArray j = QByteArray(R"({"vendor":)") + vendor + R"(,"name":)" + name + R"(,"count":)" + count +
                                 R"(,"memory":)" + memory + R"(,"total_memory":null,"compute_capability":null})";
            QTest::newRow(spec) << QByteArray(spec) << j;
        };
        row("24GB", "null", "null", R"({"min":1,"max":null})", R"({"min":24.0,"max":24.0})");
        row("A100", "null", R"(["A100"])", R"({"min":1,"max":null})", "null");
        row("A100:2", "null", R"(["A100"])", R"({"min":2,"max":2})", "null");
        row("A10G,A100:80GB:2", "null", R"(["A10G","A100"])", R"({"min":2,"max":2})", R"({"min":80.0,"max":80.0})");
        row("24GB..80GB", "null", "null", R"({"min":1,"max":null})", R"({"min":24.0,"max":80.0})");
        row("1..", "null", "null", R"({"min":1,"max":null})", "null");
        row("2..8", "null", "null", R"({"min":2,"max":8})", "null");
        row("nvidia:2", R"("nvidia")", "null", R"({"min":2,"max":2})", "null");
        row("A100:40GB..80GB:4..8", "null", R"(["A100"])", R"({"min":4,"max":8})", R"({"min":40.0,"max":80.0})");
        row("amd:MI300X:8", R"("amd")", R"(["MI300X"])", R"({"min":8,"max":8})", "null");
        row("80GB:A100", "null", R"(["A100"])", R"({"min":1,"max":null})", R"({"min":80.0,"max":80.0})");
        row("24", "null", "null", R"({"min":24,"max":24})", "null");
        row("0", "null", "null", R"({"min":0,"max":0})", "null");
        // Beyond the table: aliases, case, spaces, units, legacy tpu- prefix, quoted count.
        row("tpu:v5litepod-8", R"("google")", R"(["v5litepod-8"])", R"({"min":1,"max":null})", "null");
        row("tt:n150", R"("tenstorrent")", R"(["n150"])", R"({"min":1,"max":null})", "null");
        row("NVIDIA:A100", R"("nvidia")", R"(["A100"])", R"({"min":1,"max":null})", "null");
        row("\"A100 : 80GB : 2\"", "null", R"(["A100"])", R"({"min":2,"max":2})", R"({"min":80.0,"max":80.0})");
        row("tpu-v3", "null", R"(["v3"])", R"({"min":1,"max":null})", "null");
        row("512MB", "null", "null", R"({"min":1,"max":null})", R"({"min":0.5,"max":0.5})");
        row("1TB", "null", "null", R"({"min":1,"max":null})", R"({"min":1024.0,"max":1024.0})");
        row("16gb..", "null", "null", R"({"min":1,"max":null})", R"({"min":16.0,"max":null})");
        row("\"2\"", "null", "null", R"({"min":2,"max":2})", "null");
        row("..4", "null", "null", R"({"min":null,"max":4})", "null");
    }
    void gpuTable()
    {
        QFETCH(QByteArray, spec);
        QFETCH(QByteArray, expected);
        const json gpu = canonicalField("resources:\n  gpu: " + spec + "\n", "resources")["gpu"];
        QCOMPARE(QByteArray::fromStdString(gpu.dump()),
                 QByteArray::fromStdString(json::parse(expected.toStdString()).dump()));
    }

    void gpuObjectForm()
    {
        const json gpu = canonicalField("resources:\n  gpu:\n    vendor: AMD\n    name: MI300X\n    memory: 128GB..\n"
                                        "    total_memory: 512GB..\n    count: 2..8\n    compute_capability: 7.5\n",
                                        "resources")["gpu"];
        QCOMPARE_JSON(
            gpu, json::parse(
                     R"({"vendor":"amd","name":["MI300X"],"count":{"min":2,"max":8},"memory":{"min":128.0,"max":null},
                                      "total_memory":{"min":512.0,"max":null},"compute_capability":[7,5]})"));
        const json list = canonicalField("resources:\n  gpu:\n    name: [A100, H100]\n    count: {min: 1, max: 2}\n"
                                         "    compute_capability: [8, 0]\n    memory: 40\n",
                                         "resources")["gpu"];
        QCOMPARE_JSON(list["name"], json::parse(R"(["A100","H100"])"));
        QCOMPARE_JSON(list["count"], json::parse(R"({"min":1,"max":2})"));
        QCOMPARE_JSON(list["compute_capability"], json::parse("[8,0]"));
        QCOMPARE_JSON(list["memory"], json::parse(R"({"min":40.0,"max":40.0})"));
        const json noCount =
            canonicalField("resources:\n  gpu:\n    name: L4\n    compute_capability: \"8.9\"\n", "resources")["gpu"];
        QCOMPARE_JSON(noCount["count"], json::parse(R"({"min":1,"max":null})"));
        QCOMPARE_JSON(noCount["compute_capability"], json::parse("[8,9]"));
    }

    void gpuErrors_data()
    {
        QTest::addColumn<QByteArray>("spec");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("empty token") << QByteArray("A100::2") << "empty part";
        QTest::newRow("name conflict") << QByteArray("A100:a100") << "name conflict";
        QTest::newRow("memory conflict") << QByteArray("24GB:48GB") << "memory conflict";
        QTest::newRow("count conflict") << QByteArray("1:2") << "count conflict";
        QTest::newRow("vendor conflict") << QByteArray("nvidia:amd") << "vendor conflict";
        QTest::newRow("binary unit") << QByteArray("24GiB") << "GiB";
        QTest::newRow("dots alone") << QByteArray("\"..\"") << "'..' alone";
        QTest::newRow("min above max") << QByteArray("8..2") << "minimum above its maximum";
        QTest::newRow("memory min above max") << QByteArray("80GB..24GB") << "minimum above its maximum";
        QTest::newRow("negative") << QByteArray("-1") << "negative";
        QTest::newRow("trailing colon") << QByteArray("\"A100:\"") << "empty part";
        QTest::newRow("empty name in list") << QByteArray("A100,,H100") << "empty name";
    }
    void gpuErrors()
    {
        QFETCH(QByteArray, spec);
        QFETCH(QString, fragment);
        // line 6 is "  gpu: <spec>"; the value starts at column 8.
        expectOneError(service("resources:\n  gpu: " + spec + "\n"), 6, 8, fragment);
    }

    void cpuMemoryDisk_data()
    {
        QTest::addColumn<QByteArray>("resources");
        QTest::addColumn<QByteArray>("expected"); // canonical resources minus gpu
        const char *defaults =
            R"("memory":{"min":8.0,"max":null},"shm_size":null,"disk":{"size":{"min":100.0,"max":null}})";
        auto cpu = [&](const char *tag, const char *yaml, const char *canonicalCpu) {
            QTest::newRow(tag) << QByteArray(yaml) << (QByteArray(R"({"cpu":)") + canonicalCpu + "," + defaults + "}");
        };
        cpu("defaults", "{}", R"({"arch":null,"count":{"min":2,"max":null}})");
        cpu("cpu int", "{cpu: 4}", R"({"arch":null,"count":{"min":4,"max":4}})");
        cpu("cpu range", "{cpu: 4..16}", R"({"arch":null,"count":{"min":4,"max":16}})");
        cpu("cpu at most", "{cpu: ..8}", R"({"arch":null,"count":{"min":null,"max":8}})");
        cpu("cpu arch:count", "{cpu: \"x86:4\"}", R"({"arch":"x86","count":{"min":4,"max":4}})");
        cpu("cpu count:arch", "{cpu: \"8..:arm\"}", R"({"arch":"arm","count":{"min":8,"max":null}})");
        cpu("cpu arch only", "{cpu: arm}", R"({"arch":"arm","count":{"min":2,"max":null}})");
        cpu("cpu object", "{cpu: {arch: arm, count: 2..}}", R"({"arch":"arm","count":{"min":2,"max":null}})");
        cpu("cpu bare range object", "{cpu: {min: 2, max: 4}}", R"({"arch":null,"count":{"min":2,"max":4}})");
        cpu("cpu spaces", "{cpu: \" 2 .. 4 \"}", R"({"arch":null,"count":{"min":2,"max":4}})");
        auto other = [](const char *tag, const char *yaml, const char *expected) {
            QTest::newRow(tag) << QByteArray(yaml) << QByteArray(expected);
        };
        const char *cpu2 = R"("cpu":{"arch":null,"count":{"min":2,"max":null}})";
        auto rest = [&](const char *memory, const char *shm, const char *disk) {
            return QByteArray("{") + cpu2 + R"(,"memory":)" + memory + R"(,"shm_size":)" + shm + R"(,"disk":)" + disk +
                   "}";
        };
        const char *disk100 = R"({"size":{"min":100.0,"max":null}})";
        const char *mem8 = R"({"min":8.0,"max":null})";
        QTest::newRow("memory at least") << QByteArray("{memory: 16GB..}")
                                         << rest(R"({"min":16.0,"max":null})", "null", disk100);
        QTest::newRow("memory bare number")
            << QByteArray("{memory: 32}") << rest(R"({"min":32.0,"max":32.0})", "null", disk100);
        QTest::newRow("memory MB") << QByteArray("{memory: 512MB}")
                                   << rest(R"({"min":0.5,"max":0.5})", "null", disk100);
        QTest::newRow("memory TB") << QByteArray("{memory: 1TB..2TB}")
                                   << rest(R"({"min":1024.0,"max":2048.0})", "null", disk100);
        QTest::newRow("memory lower case")
            << QByteArray("{memory: 16gb..}") << rest(R"({"min":16.0,"max":null})", "null", disk100);
        QTest::newRow("memory float") << QByteArray("{memory: 0.5}")
                                      << rest(R"({"min":0.5,"max":0.5})", "null", disk100);
        QTest::newRow("memory object") << QByteArray("{memory: {min: 8GB, max: 16GB}}")
                                       << rest(R"({"min":8.0,"max":16.0})", "null", disk100);
        QTest::newRow("shm_size") << QByteArray("{shm_size: 16GB}") << rest(mem8, "16.0", disk100);
        QTest::newRow("shm_size number") << QByteArray("{shm_size: 1}") << rest(mem8, "1.0", disk100);
        QTest::newRow("disk exact") << QByteArray("{disk: 200GB}")
                                    << rest(mem8, "null", R"({"size":{"min":200.0,"max":200.0}})");
        QTest::newRow("disk range TB") << QByteArray("{disk: 100GB..1TB}")
                                       << rest(mem8, "null", R"({"size":{"min":100.0,"max":1024.0}})");
        QTest::newRow("disk number") << QByteArray("{disk: 500}")
                                     << rest(mem8, "null", R"({"size":{"min":500.0,"max":500.0}})");
        QTest::newRow("disk object") << QByteArray("{disk: {size: 200GB..}}")
                                     << rest(mem8, "null", R"({"size":{"min":200.0,"max":null}})");
        QTest::newRow("disk null") << QByteArray("{disk: null}") << rest(mem8, "null", "null");
        other(
            "all together", "{cpu: 8, memory: 64GB.., disk: 1TB, shm_size: 8GB}",
            R"({"cpu":{"arch":null,"count":{"min":8,"max":8}},"memory":{"min":64.0,"max":null},"shm_size":8.0,"disk":{"size":{"min":1024.0,"max":1024.0}}})");
    }
    void cpuMemoryDisk()
    {
        QFETCH(QByteArray, resources);
        QFETCH(QByteArray, expected);
        json r = canonicalField("resources: " + resources + "\n", "resources");
        QCOMPARE_JSON(r["gpu"]["count"], json::parse(R"({"min":0,"max":null})"));
        r.erase("gpu");
        QCOMPARE(QByteArray::fromStdString(r.dump()),
                 QByteArray::fromStdString(json::parse(expected.toStdString()).dump()));
    }

    void resourcesErrors_data()
    {
        QTest::addColumn<QByteArray>("resources");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("GiB") << QByteArray("memory: 16GiB") << 11 << "binary units";
        QTest::newRow("bad memory") << QByteArray("memory: lots") << 11 << "not a memory size";
        QTest::newRow("dots alone") << QByteArray("disk: \"..\"") << 9 << "'..' alone";
        QTest::newRow("memory min>max") << QByteArray("memory: 16GB..8GB") << 11 << "minimum above";
        QTest::newRow("cpu arch twice") << QByteArray("cpu: \"x86:arm\"") << 8 << "architecture twice";
        QTest::newRow("cpu unknown arch") << QByteArray("cpu: \"risc:4\"") << 8 << "unknown architecture";
        QTest::newRow("cpu float") << QByteArray("cpu: 2.5") << 8 << "not a count";
        QTest::newRow("shm range") << QByteArray("shm_size: 8GB..") << 13 << "one size";
        QTest::newRow("disk unknown key") << QByteArray("disk: {sise: 10GB}") << 10 << "did you mean 'size'?";
        QTest::newRow("unknown resource")
            << QByteArray("gpus: 2") << 3 << "unknown key 'gpus' in resources; did you mean 'gpu'?";
        QTest::newRow("gpu unknown key") << QByteArray("gpu: {nmae: A100}") << 9 << "did you mean 'name'?";
        QTest::newRow("gpu bad vendor") << QByteArray("gpu: {vendor: nvidai}") << 17 << "did you mean 'nvidia'?";
        QTest::newRow("gpu float count") << QByteArray("gpu: 1.5") << 8 << "gpu spec";
        QTest::newRow("gpu bad cc") << QByteArray("gpu: {compute_capability: \"eight\"}") << 29 << "MAJOR.MINOR";
        QTest::newRow("resources not a map") << QByteArray("[1]") << -1 << "must be a mapping";
    }
    void resourcesErrors()
    {
        QFETCH(QByteArray, resources);
        QFETCH(int, column);
        QFETCH(QString, fragment);
        if (column < 0)
            expectOneError(service("resources: " + resources + "\n"), 5, 12, fragment);
        else
            expectOneError(service("resources:\n  " + resources + "\n"), 6, column, fragment);
    }

    void ports_data()
    {
        QTest::addColumn<QByteArray>("port");
        QTest::addColumn<QByteArray>("expected");
        QTest::addColumn<int>("containerPort");
        QTest::newRow("int") << QByteArray("8000") << QByteArray(R"({"local_port":80,"container_port":8000})") << 8000;
        QTest::newRow("A:B") << QByteArray("\"8000:80\"") << QByteArray(R"({"local_port":8000,"container_port":80})")
                             << 80;
        QTest::newRow("object") << QByteArray("{local_port: 8080, container_port: 3000}")
                                << QByteArray(R"({"local_port":8080,"container_port":3000})") << 3000;
        QTest::newRow("object container only")
            << QByteArray("{container_port: 3000}") << QByteArray(R"({"local_port":80,"container_port":3000})") << 3000;
        QTest::newRow("max port") << QByteArray("65535") << QByteArray(R"({"local_port":80,"container_port":65535})")
                                  << 65535;
    }
    void ports()
    {
        QFETCH(QByteArray, port);
        QFETCH(QByteArray, expected);
        QFETCH(int, containerPort);
        const ParseResult r = parseText("type: service\nimage: nginx\nport: " + port + "\n");
        QVERIFY2(r.diagnostics.isEmpty(), qPrintable(describe(r.diagnostics)));
        QCOMPARE_JSON(r.configuration->canonical["port"], json::parse(expected.toStdString()));
        QCOMPARE(r.configuration->containerPort, std::optional<int>(containerPort));
    }

    void portErrors_data()
    {
        QTest::addColumn<QByteArray>("port");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("zero") << QByteArray("0") << "out of range";
        QTest::newRow("too big") << QByteArray("70000") << "out of range";
        QTest::newRow("star") << QByteArray("\"*:8000\"") << "not allowed for a service";
        QTest::newRow("word") << QByteArray("http") << "must be a number";
        QTest::newRow("three parts") << QByteArray("\"1:2:3\"") << "must be a number";
        QTest::newRow("list") << QByteArray("[8000]") << "must be a number";
        QTest::newRow("object typo") << QByteArray("{container_prot: 80}") << "did you mean 'container_port'?";
    }
    void portErrors()
    {
        QFETCH(QByteArray, port);
        QFETCH(QString, fragment);
        const ParseResult r = parseText("type: service\nimage: nginx\nport: " + port + "\n");
        QVERIFY2(!r.valid(), qPrintable(describe(r.diagnostics)));
        QVERIFY2(r.diagnostics.first().message.contains(fragment), qPrintable(describe(r.diagnostics)));
        QCOMPARE(r.diagnostics.first().line, 3);
    }

    void taskPorts()
    {
        const ParseResult r =
            parseText("type: task\ncommands: [x]\nports:\n  - 8080\n  - \"9000:90\"\n  - \"*:7000\"\n");
        QVERIFY2(r.diagnostics.isEmpty(), qPrintable(describe(r.diagnostics)));
        QCOMPARE_JSON(r.configuration->canonical["ports"],
                      json::parse(R"([{"local_port":8080,"container_port":8080},{"local_port":9000,"container_port":90},
                                 {"local_port":null,"container_port":7000}])"));
    }

    void models_data()
    {
        QTest::addColumn<QByteArray>("model");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("short")
            << QByteArray("meta-llama/Llama-3.1-8B-Instruct")
            << QByteArray(
                   R"({"type":"chat","name":"meta-llama/Llama-3.1-8B-Instruct","format":"openai","prefix":"/v1"})");
        QTest::newRow("openai object") << QByteArray("{type: chat, name: m, format: openai}")
                                       << QByteArray(R"({"type":"chat","name":"m","format":"openai","prefix":"/v1"})");
        QTest::newRow("openai prefix") << QByteArray("{name: m, format: openai, prefix: /api/v1}")
                                       << QByteArray(
                                              R"({"type":"chat","name":"m","format":"openai","prefix":"/api/v1"})");
        QTest::newRow("tgi")
            << QByteArray("{name: m, format: tgi}")
            << QByteArray(R"({"type":"chat","name":"m","format":"tgi","chat_template":null,"eos_token":null})");
        QTest::newRow("tgi template")
            << QByteArray("{name: m, format: tgi, chat_template: \"{{x}}\", eos_token: \"</s>\"}")
            << QByteArray(R"({"type":"chat","name":"m","format":"tgi","chat_template":"{{x}}","eos_token":"</s>"})");
    }
    void models()
    {
        QFETCH(QByteArray, model);
        QFETCH(QByteArray, expected);
        QCOMPARE_JSON(canonicalField("model: " + model + "\n", "model"), json::parse(expected.toStdString()));
    }

    void modelErrors_data()
    {
        QTest::addColumn<QByteArray>("model");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("no format") << QByteArray("{name: m}") << 8 << "needs `format: openai`";
        QTest::newRow("bad format") << QByteArray("{name: m, format: vllm}") << 26
                                    << "model.format must be one of openai, tgi";
        QTest::newRow("bad type") << QByteArray("{name: m, format: openai, type: completion}") << 40
                                  << "model.type must be one of chat";
        QTest::newRow("prefix with tgi") << QByteArray("{name: m, format: tgi, prefix: /v1}") << 39
                                         << "only valid with format: openai";
        QTest::newRow("template with openai")
            << QByteArray("{name: m, format: openai, eos_token: x}") << 45 << "only valid with format: tgi";
        QTest::newRow("no name") << QByteArray("{format: openai}") << 8 << "needs `name`";
        QTest::newRow("typo") << QByteArray("{name: m, format: openai, fromat: x}") << 34 << "did you mean 'format'?";
    }
    void modelErrors()
    {
        QFETCH(QByteArray, model);
        QFETCH(int, column);
        QFETCH(QString, fragment);
        expectOneError(service("model: " + model + "\n"), 5, column, fragment);
    }

    void env_data()
    {
        QTest::addColumn<QByteArray>("env");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("list") << QByteArray("[\"A=1\", \"B=\", C, \"D=x=y\"]")
                              << QByteArray(R"({"A":"1","B":"","C":{"key":"C"},"D":"x=y"})");
        QTest::newRow("mapping") << QByteArray("{PORT: 8080, NAME: x, RATIO: 0.5, EMPTY: \"\"}")
                                 << QByteArray(R"({"PORT":"8080","NAME":"x","RATIO":"0.5","EMPTY":""})");
        QTest::newRow("secret interpolation") << QByteArray("[\"HF_TOKEN=${{ secrets.HF_TOKEN }}\"]")
                                              << QByteArray(R"({"HF_TOKEN":"${{ secrets.HF_TOKEN }}"})");
        QTest::newRow("underscore key") << QByteArray("[_X1=a]") << QByteArray(R"({"_X1":"a"})");
    }
    void env()
    {
        QFETCH(QByteArray, env);
        QFETCH(QByteArray, expected);
        QCOMPARE_JSON(canonicalField("env: " + env + "\n", "env"), json::parse(expected.toStdString()));
    }

    void envErrors_data()
    {
        QTest::addColumn<QByteArray>("env");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("duplicate in list") << QByteArray("\n  - A=1\n  - A=2") << 7 << 5 << "defined twice";
        QTest::newRow("bad key") << QByteArray("\n  - 1A=x") << 6 << 5 << "env name '1A' is invalid";
        QTest::newRow("dash in key") << QByteArray("\n  - MY-VAR=x") << 6 << 5 << "invalid";
        // pydantic's `$` is the end: a final newline is not a name's (PCRE's `$` let it through).
        QTest::newRow("newline ends key") << QByteArray("\n  - \"A\\n=1\"") << 6 << 5 << "invalid";
        QTest::newRow("newline ends name") << QByteArray("\n  - \"A\\n\"") << 6 << 5 << "invalid";
        QTest::newRow("non-ASCII letter") << QByteArray("\n  - \u00c9T\u00c9=1") << 6 << 5 << "invalid";
        QTest::newRow("map item in list") << QByteArray("\n  - A: b") << 6 << 5 << "write `- KEY=value`";
        QTest::newRow("null in mapping") << QByteArray("\n  A:") << 6 << 3 << "has no value";
        QTest::newRow("bool in mapping") << QByteArray("\n  A: yes") << 6 << 6 << "is a boolean; quote it";
        QTest::newRow("nested") << QByteArray("\n  A: [1]") << 6 << 6 << "must be a string or a number";
        QTest::newRow("scalar") << QByteArray(" A=1") << 5 << 6 << "must be a list of KEY=value strings or a mapping";
    }
    void envErrors()
    {
        QFETCH(QByteArray, env);
        QFETCH(int, line);
        QFETCH(int, column);
        QFETCH(QString, fragment);
        expectOneError(service("env:" + env + "\n"), line, column, fragment);
    }

    void durations_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("seconds");
        QTest::newRow("bare") << QByteArray("90") << 90;
        QTest::newRow("s") << QByteArray("30s") << 30;
        QTest::newRow("m") << QByteArray("5m") << 300;
        QTest::newRow("h") << QByteArray("2h") << 7200;
        QTest::newRow("d") << QByteArray("1d") << 86400;
        QTest::newRow("w") << QByteArray("1w") << 604800;
        QTest::newRow("multi-unit") << QByteArray("1d2h") << -1;
        QTest::newRow("unknown unit") << QByteArray("5y") << -1;
        QTest::newRow("no number") << QByteArray("h") << -1;
        QTest::newRow("negative") << QByteArray("-5m") << -1;
        QTest::newRow("float") << QByteArray("1.5h") << -1;
    }
    void durations()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, seconds);
        QString error;
        const auto d = grammar::parseDuration(text.toStdString(), &error);
        if (seconds < 0) {
            QVERIFY(!d);
            QVERIFY(error.contains(QString::fromLatin1(text)));
        } else {
            QCOMPARE(d, std::optional<int>(seconds));
        }
    }

    void durationFields_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("max_duration") << QByteArray("max_duration: 2h") << QByteArray("max_duration")
                                      << QByteArray("7200");
        QTest::newRow("max_duration off")
            << QByteArray("max_duration: off") << QByteArray("max_duration") << QByteArray("\"off\"");
        QTest::newRow("max_duration false")
            << QByteArray("max_duration: false") << QByteArray("max_duration") << QByteArray("\"off\"");
        QTest::newRow("max_duration quoted off")
            << QByteArray("max_duration: \"off\"") << QByteArray("max_duration") << QByteArray("\"off\"");
        QTest::newRow("max_duration true")
            << QByteArray("max_duration: true") << QByteArray("max_duration") << QByteArray("null");
        QTest::newRow("stop_duration") << QByteArray("stop_duration: 90") << QByteArray("stop_duration")
                                       << QByteArray("90");
        QTest::newRow("idle off") << QByteArray("idle_duration: off") << QByteArray("idle_duration")
                                  << QByteArray("-1");
        QTest::newRow("idle 1h") << QByteArray("idle_duration: 1h") << QByteArray("idle_duration")
                                 << QByteArray("3600");
        QTest::newRow("retry true") << QByteArray("retry: true") << QByteArray("retry") << QByteArray("true");
        QTest::newRow("retry object") << QByteArray("retry: {on_events: [no-capacity], duration: 1h}")
                                      << QByteArray("retry")
                                      << QByteArray(R"({"on_events":["no-capacity"],"duration":3600})");
        QTest::newRow("retry all events")
            << QByteArray("retry: {duration: 30m}") << QByteArray("retry")
            << QByteArray(R"({"on_events":["no-capacity","interruption","error"],"duration":1800})");
    }
    void durationFields()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QByteArray, key);
        QFETCH(QByteArray, expected);
        QCOMPARE_JSON(canonicalField(yaml + "\n", key.constData()), json::parse(expected.toStdString()));
    }

    void ranges()
    {
        QString e;
        QCOMPARE(grammar::parseCountRange("3", &e), std::optional<Range<int>>(Range<int>{3, 3}));
        QCOMPARE(grammar::parseCountRange(" 1 .. 4 ", &e), std::optional<Range<int>>(Range<int>{1, 4}));
        QCOMPARE(grammar::parseCountRange("2..", &e), std::optional<Range<int>>(Range<int>{2, std::nullopt}));
        QCOMPARE(grammar::parseCountRange("..2", &e), std::optional<Range<int>>(Range<int>{std::nullopt, 2}));
        QVERIFY(!grammar::parseCountRange("..", &e));
        QVERIFY(!grammar::parseCountRange("3..1", &e));
        QVERIFY(!grammar::parseCountRange("a..b", &e));
        QVERIFY(!grammar::parseCountRange("", &e));
        QCOMPARE(grammar::parseMemory("512MB", false, &e), std::optional<double>(0.5));
        QCOMPARE(grammar::parseMemory("2tb", false, &e), std::optional<double>(2048.0));
        QVERIFY(!grammar::parseMemory("8", true, &e));
        QVERIFY(e.contains(QLatin1String("needs a unit")));
        QVERIFY(!grammar::parseMemory("8GiB", false, &e));
    }

    // The plan header's "Resources" row (docs/reference/dstack-configuration.md#plan-header).
    void resourcesText_data()
    {
        QTest::addColumn<QByteArray>("resources");
        QTest::addColumn<QString>("text");
        QTest::newRow("defaults") << QByteArray("{}") << "cpu=2.. mem=8GB.. disk=100GB..";
        QTest::newRow("reference example") << QByteArray("{cpu: \"x86:2..\", gpu: 24GB..80GB}")
                                           << "cpu=x86:2.. mem=8GB.. disk=100GB.. gpu=24GB..80GB:1..";
        QTest::newRow("seed") << QByteArray("{gpu: 24GB}") << "cpu=2.. mem=8GB.. disk=100GB.. gpu=24GB:1..";
        QTest::newRow("named") << QByteArray("{gpu: \"A100:80GB:2\", cpu: 8, memory: 64GB}")
                               << "cpu=8 mem=64GB disk=100GB.. gpu=A100:80GB:2";
        QTest::newRow("name list") << QByteArray("{gpu: \"A10G,A100:1..2\"}")
                                   << "cpu=2.. mem=8GB.. disk=100GB.. gpu=A10G,A100:1..2";
        QTest::newRow("vendor") << QByteArray("{gpu: \"amd:2\"}") << "cpu=2.. mem=8GB.. disk=100GB.. gpu=amd:2";
        QTest::newRow("no gpu") << QByteArray("{gpu: 0}") << "cpu=2.. mem=8GB.. disk=100GB..";
        QTest::newRow("fraction") << QByteArray("{memory: 512MB.., disk: null}") << "cpu=2.. mem=0.5GB..";
        QTest::newRow("count only") << QByteArray("{gpu: 24}") << "cpu=2.. mem=8GB.. disk=100GB.. gpu=24";
    }
    void resourcesText()
    {
        QFETCH(QByteArray, resources);
        QFETCH(QString, text);
        const ParseResult r = parseText(service("resources: " + resources + "\n"));
        QVERIFY2(r.diagnostics.isEmpty(), qPrintable(describe(r.diagnostics)));
        QCOMPARE(gantry::resourcesText(r.configuration->resources), text);
    }

    void typedResources()
    {
        const ParseResult r = parseText(service("resources:\n  cpu: arm:4..\n  memory: 16GB..32GB\n  gpu: "
                                                "nvidia:A100,H100:40GB..:2\n  disk: 1TB..\n  shm_size: 512MB\n"));
        QVERIFY2(r.valid(), qPrintable(describe(r.diagnostics)));
        const ResourcesSpec &res = r.configuration->resources;
        QCOMPARE(res.cpuArch, std::optional<QString>(QStringLiteral("arm")));
        QCOMPARE(res.cpuCount, (Range<int>{4, std::nullopt}));
        QCOMPARE(res.memoryGb, (Range<double>{16.0, 32.0}));
        QCOMPARE(res.gpu.vendor, std::optional<QString>(QStringLiteral("nvidia")));
        QCOMPARE(res.gpu.names, QStringList({QStringLiteral("A100"), QStringLiteral("H100")}));
        QCOMPARE(res.gpu.count, (Range<int>{2, 2}));
        QVERIFY(res.gpu.required());
        QCOMPARE(res.gpu.memoryGb, std::optional<Range<double>>(Range<double>{40.0, std::nullopt}));
        QCOMPARE(res.diskGb, std::optional<Range<double>>(Range<double>{1024.0, std::nullopt}));
        QCOMPARE(res.shmSizeGb, std::optional<double>(0.5));
    }
};

QTEST_GUILESS_MAIN(TestConfigGrammar)
#include "test_config_grammar.moc"
