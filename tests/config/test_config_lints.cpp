// Gantry's own warnings: undefined variables, port mismatches, served model names, and the
// two seed configurations of the tutorial, which must produce exactly their known mistakes.

#include "tests/config/ConfigTestHelpers.h"
#include "tests/support/TestEnvironment.h"

#include "core/config/ConfigLints.h"

#include <QTest>

using namespace gantry;
using namespace gantry::test;

namespace {

// A service running `command`, with env and model lines given.
QByteArray serviceWith(const QByteArray &command, const QByteArray &extra = {}, int port = 8000)
{
    return "type: service\nport: " + QByteArray::number(port) + "\nimage: x\ncommands:\n  - " + command + "\n" + extra;
}

} // namespace

class TestConfigLints : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void seedFiles_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("vllm")
            << "vllm.serve.dstack.yml"
            << QStringList{
                   QStringLiteral("12:60: warning: $MODEL is not defined: it is not in env and dstack does not set it; "
                                  "did you mean $MODEL_ID?"),
                   QStringLiteral(
                       "12:60: warning: model.name is 'mistral-7b-it' but vLLM serves the model as '$MODEL' (its model "
                       "argument), so requests for 'mistral-7b-it' get 404; add --served-model-name mistral-7b-it"),
               };
        QTest::newRow("tgi") << "tgi.serve.dstack.yml"
                             << QStringList{QStringLiteral("11:39: warning: the command listens on port 80 (--port 80) "
                                                           "but `port` says the app listens on 8000: "
                                                           "dstack would wait for 8000 and the service would never "
                                                           "become ready; use the same port in both places")};
    }
    void seedFiles()
    {
        QFETCH(QString, file);
        QFETCH(QStringList, expected);
        const QString path = dataPath(QStringLiteral("config/seed/") + file);
        const ParseResult r = loadConfiguration(path);
        QCOMPARE(located(r.diagnostics), expected);
        QVERIFY(r.valid()); // warnings only: both are valid dstack configurations
        for (const Diagnostic &d : r.diagnostics)
            QCOMPARE(d.file, path);
    }

    // Fixing each seed's mistake leaves no diagnostics at all.
    void fixedSeedsAreClean()
    {
        const ParseResult vllm = parseText(R"(type: service
python: "3.11"
env:
    - MODEL_ID=mistralai/Mistral-7B-Instruct-v0.2
port: 8000
resources:
    gpu: 24GB
commands:
    - pip install vllm
    - python -m vllm.entrypoints.openai.api_server --model $MODEL_ID --served-model-name mistral-7b-it --port 8000
model:
    format: openai
    type: chat
    name: mistral-7b-it
)");
        QVERIFY2(vllm.diagnostics.isEmpty(), qPrintable(describe(vllm.diagnostics)));
        const ParseResult tgi = parseText(R"(type: service
image: ghcr.io/huggingface/text-generation-inference:latest
env:
    - MODEL_ID=mistralai/Mistral-7B-Instruct-v0.2
port: 8000
resources:
  gpu: 24GB
commands:
    - text-generation-launcher --port 8000 --trust-remote-code
model:
    format: tgi
    type: chat
    name: mistral-7b-it
)");
        QVERIFY2(tgi.diagnostics.isEmpty(), qPrintable(describe(tgi.diagnostics)));
    }

    void variables_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("message"); // empty = no warning
        const QByteArray envModel = "env:\n  - MODEL_ID=x\n  - HF_TOKEN\n";
        const QString undefined = QStringLiteral("%1 is not defined: it is not in env and dstack does not set it; %2");
        QTest::newRow("defined in env") << serviceWith("echo $MODEL_ID ${HF_TOKEN}", envModel) << 0 << 0 << "";
        QTest::newRow("runtime variables")
            << serviceWith("echo $DSTACK_RUN_NAME $DSTACK_GPUS_NUM ${DSTACK_NODE_RANK} $HOME $PATH $HOSTNAME") << 0 << 0
            << "";
        QTest::newRow("suggests env name")
            << serviceWith("serve $MODEL", envModel) << 5 << 11
            << undefined.arg(QStringLiteral("$MODEL"), QStringLiteral("did you mean $MODEL_ID?"));
        QTest::newRow("braced") << serviceWith("serve ${HF_TOKN}", envModel) << 5 << 11
                                << undefined.arg(QStringLiteral("${HF_TOKN}"),
                                                 QStringLiteral("did you mean $HF_TOKEN?"));
        QTest::newRow("suggests runtime name")
            << serviceWith("echo $DSTACK_NODES_NUMS") << 5 << 10
            << undefined.arg(QStringLiteral("$DSTACK_NODES_NUMS"), QStringLiteral("did you mean $DSTACK_NODES_NUM?"));
        QTest::newRow("nothing close") << serviceWith("echo $QQQQQQQ") << 5 << 10
                                       << undefined.arg(QStringLiteral("$QQQQQQQ"),
                                                        QStringLiteral("add QQQQQQQ to env"));
        QTest::newRow("single quotes are literal") << serviceWith("echo '$NOPE'") << 0 << 0 << "";
        QTest::newRow("escaped dollar") << serviceWith("echo \\$NOPE") << 0 << 0 << "";
        QTest::newRow("default value") << serviceWith("echo ${NOPE:-fallback}") << 0 << 0 << "";
        QTest::newRow("dstack interpolation") << serviceWith("echo ${{ run.args }}") << 0 << 0 << "";
        QTest::newRow("positional and special") << serviceWith("echo $1 $? $$ $#") << 0 << 0 << "";
        QTest::newRow("assigned by a command")
            << QByteArray("type: service\nport: 8000\ncommands:\n  - export PORT=8000\n  - echo $PORT\n  - for f in a "
                          "b; do echo $f; done\n")
            << 0 << 0 << "";
        QTest::newRow("reported once per command")
            << serviceWith("echo $NOPE $NOPE") << 5 << 10
            << undefined.arg(QStringLiteral("$NOPE"), QStringLiteral("add NOPE to env"));
        QTest::newRow("double quoted command")
            << QByteArray("type: service\nport: 8000\ncommands:\n  - \"echo $NOPE\"\n") << 4 << 11
            << undefined.arg(QStringLiteral("$NOPE"), QStringLiteral("add NOPE to env"));
    }
    void variables()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(int, line);
        QFETCH(int, column);
        QFETCH(QString, message);
        const ParseResult r = parseText(yaml);
        QVERIFY(r.valid());
        if (message.isEmpty()) {
            QVERIFY2(r.diagnostics.isEmpty(), qPrintable(describe(r.diagnostics)));
            return;
        }
        QCOMPARE(located(r.diagnostics),
                 QStringList{QStringLiteral("%1:%2: warning: %3").arg(line).arg(column).arg(message)});
    }

    void ports_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<int>("column"); // -1 = no warning
        QTest::newRow("--port N mismatch") << serviceWith("server --port 80") << 19;
        QTest::newRow("--port=N mismatch") << serviceWith("server --port=9000") << 19;
        QTest::newRow("-p N mismatch") << serviceWith("server -p 5000") << 15;
        QTest::newRow("matching --port") << serviceWith("server --port 8000") << -1;
        QTest::newRow("matching --port=") << serviceWith("server --port=8000") << -1;
        QTest::newRow("matching -p") << serviceWith("server -p 8000") << -1;
        QTest::newRow("A:B container side")
            << serviceWith("server --port 80", {}, 0).replace("port: 0", "port: \"8000:80\"") << -1;
        QTest::newRow("mkdir -p is not a port") << serviceWith("mkdir -p /data") << -1;
        QTest::newRow("variable port") << serviceWith("server --port $PORT", "env: [PORT=8000]\n") << -1;
        QTest::newRow("task is not checked")
            << QByteArray("type: task\ncommands:\n  - server --port 80\nports: [8000]\n") << -1;
    }
    void ports()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(int, column);
        const ParseResult r = parseText(yaml);
        QVERIFY(r.valid());
        if (column < 0) {
            QVERIFY2(r.diagnostics.isEmpty(), qPrintable(describe(r.diagnostics)));
            return;
        }
        QCOMPARE(r.diagnostics.size(), 1);
        QCOMPARE(r.diagnostics[0].severity, Severity::Warning);
        QVERIFY(r.diagnostics[0].message.contains(QLatin1String("says the app listens on 8000")));
        QCOMPARE(r.diagnostics[0].line, 5);
        QCOMPARE(r.diagnostics[0].column, column);
    }

    void servedModel_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("fragment"); // empty = no warning
        const QByteArray model = "model: mistral-7b-it\n";
        QTest::newRow("vllm serve id")
            << serviceWith("vllm serve mistralai/Mistral-7B-Instruct-v0.2 --port 8000", model)
            << "vLLM serves the model as 'mistralai/Mistral-7B-Instruct-v0.2' (its model argument), so requests for "
               "'mistral-7b-it' get 404; add --served-model-name mistral-7b-it";
        QTest::newRow("vllm serve same name") << serviceWith("vllm serve mistral-7b-it --port 8000", model) << "";
        QTest::newRow("vllm served-model-name")
            << serviceWith("vllm serve org/m --served-model-name mistral-7b-it --port 8000", model) << "";
        QTest::newRow("vllm served-model-name list")
            << serviceWith("vllm serve org/m --served-model-name a mistral-7b-it --port 8000", model) << "";
        QTest::newRow("vllm served-model-name=")
            << serviceWith("vllm serve org/m --served-model-name=mistral-7b-it", model) << "";
        QTest::newRow("vllm served-model-name differs")
            << serviceWith("vllm serve org/m --served-model-name other --port 8000", model)
            << "serves the model as 'other' (--served-model-name)";
        QTest::newRow("api_server --model env")
            << serviceWith("python -m vllm.entrypoints.openai.api_server --model $MODEL_ID",
                           "env: [MODEL_ID=mistral-7b-it]\n" + model)
            << "";
        QTest::newRow("api_server --model= differs")
            << serviceWith("python -m vllm.entrypoints.openai.api_server --model=org/m", model)
            << "serves the model as 'org/m'";
        QTest::newRow("sglang model-path")
            << serviceWith("python -m sglang.launch_server --model-path org/m --port 8000", model)
            << "SGLang serves the model as 'org/m'";
        QTest::newRow("llama-server alias differs")
            << serviceWith("llama-server -m /m.gguf --alias tiny --port 8000", model)
            << "llama-server serves the model as 'tiny' (--alias)";
        QTest::newRow("llama-server alias same")
            << serviceWith("llama-server -m /m.gguf --alias mistral-7b-it --port 8000", model) << "";
        QTest::newRow("llama-server without alias")
            << serviceWith("/opt/llama-server -m /m.gguf --port 8000", model) << "";
        QTest::newRow("tgi format not checked")
            << serviceWith("vllm serve org/m", "model: {name: x, format: tgi}\n") << "";
        QTest::newRow("unknown server") << serviceWith("python serve.py --model org/m", model) << "";
    }
    void servedModel()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, fragment);
        const ParseResult r = parseText(yaml);
        QVERIFY(r.valid());
        if (fragment.isEmpty()) {
            QVERIFY2(r.diagnostics.isEmpty(), qPrintable(describe(r.diagnostics)));
            return;
        }
        QCOMPARE(r.diagnostics.size(), 1);
        QCOMPARE(r.diagnostics[0].severity, Severity::Warning);
        QVERIFY2(r.diagnostics[0].message.contains(fragment), qPrintable(r.diagnostics[0].message));
        QCOMPARE(r.diagnostics[0].line, 5);
    }

    void pythonWithImageNamesWhatToDrop()
    {
        const ParseResult r =
            parseText("type: service\nport: 8000\nimage: vllm/vllm-openai:latest\npython: \"3.11\"\ncommands: [x]\n");
        QCOMPARE(located(r.diagnostics),
                 QStringList{QStringLiteral("4:1: error: `python` cannot be used together with `image`: drop `python: "
                                            "\"3.11\"` (the image brings its "
                                            "own Python), or drop `image: vllm/vllm-openai:latest` to use dstack's "
                                            "default image with Python 3.11")});
        QVERIFY(!r.valid());
        const ParseResult pythonOnly = parseText("type: service\nport: 8000\npython: \"3.11\"\ncommands: [x]\n");
        QVERIFY(pythonOnly.diagnostics.isEmpty());
    }

    void runtimeVariablesListIsComplete()
    {
        for (const char *name :
             {"DSTACK_RUN_NAME", "DSTACK_REPO_ID", "DSTACK_GPUS_NUM", "DSTACK_NODES_NUM", "DSTACK_NODE_RANK",
              "DSTACK_MASTER_NODE_IP", "DSTACK_GPUS_PER_NODE", "DSTACK_NODES_IPS", "DSTACK_RUN_ID", "DSTACK_JOB_ID",
              "DSTACK_WORKING_DIR", "HOME", "PATH", "PWD", "USER", "HOSTNAME"})
            QVERIFY2(runtimeVariables().contains(QLatin1String(name)), name);
    }
};

QTEST_GUILESS_MAIN(TestConfigLints)
#include "test_config_lints.moc"
