// Fixes for the lints (core/config/ConfigFixes): each remedy, applied to the seed files and
// to small configurations, removes its problem, touches no other byte of the file, and leaves
// the canonical configuration the same apart from the field it is meant to change.

#include "tests/config/ConfigTestHelpers.h"
#include "tests/support/TestEnvironment.h"

#include "core/common/UnifiedDiff.h"
#include "core/config/ConfigFixes.h"

#include <QFile>
#include <QTest>

using namespace Qt::StringLiterals;

using namespace gantry;
using namespace gantry::test;

namespace {

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QStringList codes(const Diagnostics &diagnostics)
{
    QStringList out;
    for (const Diagnostic &d : diagnostics)
        out << (d.code.isEmpty() ? d.severityName() : d.code);
    return out;
}

const Diagnostic *withCode(const Diagnostics &diagnostics, const QString &code)
{
    for (const Diagnostic &d : diagnostics) {
        if (d.code == code || (code == QLatin1String("error") && d.severity == Severity::Error))
            return &d;
    }
    return nullptr;
}

// The canonical JSON without the given top-level keys.
QString canonicalWithout(const ParseResult &r, const QStringList &keys)
{
    if (!r.configuration)
        return QStringLiteral("<no configuration>");
    nlohmann::json j = r.configuration->canonical;
    for (const QString &k : keys)
        j.erase(k.toStdString());
    return QString::fromStdString(j.dump());
}

const QByteArray kVllm = "# serve.dstack.yml\ntype: service\n\npython: \"3.11\"\nenv:\n    - "
                         "MODEL_ID=mistralai/Mistral-7B-Instruct-v0.2\nport: 8000\n"
                         "resources:\n    gpu: 24GB\ncommands:\n    - pip install vllm\n"
                         "    - python -m vllm.entrypoints.openai.api_server --model $MODEL --port 8000\n"
                         "model:\n    format: openai\n    type: chat\n    name: mistral-7b-it\n";

} // namespace

class TestConfigFixes : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void applyEditsKeepsOtherBytes()
    {
        const QByteArray text = "ab\ncdef\n";
        QCOMPARE(applyEdits(text, {{2, 2, 2, 4, QStringLiteral("XY")}}).value_or("?"), QByteArray("ab\ncXYf\n"));
        QCOMPARE(applyEdits(text, {{1, 3, 1, 3, QStringLiteral("!")}, {2, 1, 3, 1, {}}}).value_or("?"),
                 QByteArray("ab!\n"));
        // A replacement and an insertion right after it are both applied.
        QCOMPARE(applyEdits(text, {{2, 1, 2, 3, QStringLiteral("Z")}, {2, 3, 2, 3, QStringLiteral("+")}}).value_or("?"),
                 QByteArray("ab\nZ+ef\n"));
        QVERIFY(!applyEdits(text, {{2, 1, 2, 3, {}}, {2, 2, 2, 4, {}}})); // overlap
        QVERIFY(!applyEdits(text, {{5, 1, 5, 1, QStringLiteral("x")}})); // outside
        QVERIFY(!applyEdits(text, {{1, 9, 1, 9, QStringLiteral("x")}})); // past the line end
    }

    // The seed's files, with every preferred fix: no diagnostic at all, the commands line the
    // only one changed, and the canonical configuration the same except for `commands`.
    void seedsFixedCleanly_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("line");
        QTest::addColumn<QByteArray>("fixedLine");
        QTest::newRow("vllm") << "vllm.serve.dstack.yml" << 12
                              << QByteArray("    - python -m vllm.entrypoints.openai.api_server --model $MODEL_ID "
                                            "--served-model-name mistral-7b-it --port 8000");
        QTest::newRow("tgi") << "tgi.serve.dstack.yml" << 11
                             << QByteArray("    - text-generation-launcher --port 8000 --trust-remote-code");
    }
    void seedsFixedCleanly()
    {
        QFETCH(QString, file);
        QFETCH(int, line);
        QFETCH(QByteArray, fixedLine);
        const QByteArray before = readFile(dataPath(QStringLiteral("config/seed/") + file));
        QVERIFY(!before.isEmpty());
        const ParseResult original = parseText(before);
        QVERIFY(!original.diagnostics.isEmpty());
        for (const Diagnostic &d : original.diagnostics)
            QVERIFY2(!d.fixes.isEmpty(), qPrintable(d.toString()));
        const auto after = applyEdits(before, preferredEdits(original.diagnostics));
        QVERIFY(after);
        const ParseResult fixed = parseText(*after);
        QVERIFY2(fixed.diagnostics.isEmpty(), qPrintable(describe(fixed.diagnostics)));
        QList<QByteArray> expected = before.split('\n');
        expected[line - 1] = fixedLine;
        QCOMPARE(after->split('\n'), expected);
        QCOMPARE(canonicalWithout(fixed, {QStringLiteral("commands")}),
                 canonicalWithout(original, {QStringLiteral("commands")}));
    }

    // One fix at a time: its problem is gone, the others stay, and only `changed` moves in
    // the canonical configuration.
    void eachFix_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("code");
        QTest::addColumn<int>("fixIndex");
        QTest::addColumn<QString>("title");
        QTest::addColumn<QByteArray>("expected"); // the whole fixed text
        QTest::addColumn<QStringList>("remaining");
        QTest::addColumn<QStringList>("changed");
        QByteArray t;

        t = kVllm;
        QTest::newRow("did-you-mean") << kVllm << "undefined-variable" << 0 << "Use $MODEL_ID"
                                      << t.replace("--model $MODEL ", "--model $MODEL_ID ")
                                      << QStringList{u"served-model-argument"_s} << QStringList{u"commands"_s};
        t = kVllm;
        QTest::newRow("add to env") << kVllm << "undefined-variable" << 1
                                    << "Add MODEL to env (its value then comes from your environment at deploy)"
                                    << t.replace("Instruct-v0.2\n", "Instruct-v0.2\n    - MODEL\n")
                                    << QStringList{u"served-model-argument"_s} << QStringList{u"env"_s};
        t = kVllm;
        QTest::newRow("served name") << kVllm << "served-model-argument" << 0 << "Add --served-model-name mistral-7b-it"
                                     << t.replace("$MODEL ", "$MODEL --served-model-name mistral-7b-it ")
                                     << QStringList{u"undefined-variable"_s} << QStringList{u"commands"_s};
        const QByteArray literal = "type: service\nimage: vllm/vllm-openai\nport: 8000\ncommands:\n"
                                   "  - vllm serve Qwen/Qwen2.5-0.5B --port 8000  # small\nmodel: qwen\n";
        t = literal;
        QTest::newRow("rename model") << literal << "served-model-argument" << 1
                                      << "Set model.name to Qwen/Qwen2.5-0.5B"
                                      << t.replace("model: qwen", "model: Qwen/Qwen2.5-0.5B") << QStringList{}
                                      << QStringList{u"model"_s};
        const QByteArray alias =
            "type: service\nport: 8000\ncommands:\n  - \"llama-server -m m.gguf --alias=tiny --port 8000\"\n"
            "model:\n  format: openai\n  name: 'tinyllama'\n";
        t = alias;
        QTest::newRow("alias") << alias << "served-model-flag" << 0 << "Serve it as tinyllama"
                               << t.replace("=tiny ", "=tinyllama ") << QStringList{} << QStringList{u"commands"_s};
        t = alias;
        QTest::newRow("alias: rename") << alias << "served-model-flag" << 1 << "Set model.name to tiny"
                                       << t.replace("'tinyllama'", "tiny") << QStringList{} << QStringList{u"model"_s};
        const QByteArray port = "type: service\nport: 8000\nimage: x\ncommands:\n  - serve --port=80\n";
        t = port;
        QTest::newRow("port=") << port << "port-mismatch" << 0 << "Listen on port 8000, as `port` says"
                               << t.replace("=80\n", "=8000\n") << QStringList{} << QStringList{u"commands"_s};
        const QByteArray noEnv = "type: task\n# run it\ncommands:\n  - echo ${GREETING}\n";
        t = noEnv;
        QTest::newRow("new env") << noEnv << "undefined-variable" << 0
                                 << "Add GREETING to env (its value then comes from your environment at deploy)"
                                 << t.replace("commands:", "env:\n  - GREETING\ncommands:") << QStringList{}
                                 << QStringList{u"env"_s};
        const QByteArray both =
            "type: service\npython: \"3.11\"\nimage: ghcr.io/x/y:1\nport: 8000\ncommands:\n  - serve\n";
        t = both;
        QTest::newRow("drop python") << both << "error" << 0 << "Remove python (the image brings its own)"
                                     << t.replace("python: \"3.11\"\n", "") << QStringList{}
                                     << QStringList{u"python"_s};
        t = both;
        QTest::newRow("drop image") << both << "error" << 1 << "Remove image (run on dstack's image with this Python)"
                                    << t.replace("image: ghcr.io/x/y:1\n", "") << QStringList{}
                                    << QStringList{u"image"_s};
    }
    void eachFix()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, code);
        QFETCH(int, fixIndex);
        QFETCH(QString, title);
        QFETCH(QByteArray, expected);
        QFETCH(QStringList, remaining);
        QFETCH(QStringList, changed);
        const ParseResult original = parseText(yaml);
        const Diagnostic *d = withCode(original.diagnostics, code);
        QVERIFY2(d, qPrintable(describe(original.diagnostics)));
        QVERIFY2(d->fixes.size() > fixIndex, qPrintable(d->toString()));
        const Fix &fix = d->fixes[fixIndex];
        QCOMPARE(fix.title, title);
        const auto after = applyEdits(yaml, fix.edits);
        QVERIFY(after);
        QCOMPARE(*after, expected);
        const ParseResult fixed = parseText(*after);
        QCOMPARE(codes(fixed.diagnostics), remaining);
        if (original.configuration)
            QCOMPARE(canonicalWithout(fixed, changed), canonicalWithout(original, changed));
        else
            QVERIFY(fixed.valid());
    }

    void unifiedDiffLikeDiffU()
    {
        QCOMPARE(unifiedDiff("a\nb\n", "a\nb\n", QStringLiteral("f")), QByteArray());
        QCOMPARE(unifiedDiff("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nX\n6\n7\n8\n9\n", QStringLiteral("f")),
                 QByteArray("--- a/f\n+++ b/f\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+X\n 6\n 7\n 8\n"));
        // Two changes far apart make two hunks; an insertion counts on the new side only.
        QCOMPARE(
            unifiedDiff("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n", "A\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n", QStringLiteral("f"), 1),
            QByteArray("--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n-a\n+A\n b\n@@ -10 +10,2 @@\n j\n+k\n"));
        QCOMPARE(
            unifiedDiff("x", "y", QStringLiteral("f")),
            QByteArray(
                "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-x\n\\ No newline at end of file\n+y\n\\ No newline at end of file\n"));
    }

    // Where the text is not where the diagnostic points (a block scalar), no edit is guessed.
    void blockScalarCommandsGetNoFix()
    {
        const ParseResult r =
            parseText("type: service\nport: 8000\nimage: x\ncommands:\n  - |\n    serve \\\n      --port 80\n");
        const Diagnostic *d = withCode(r.diagnostics, QStringLiteral("port-mismatch"));
        QVERIFY2(d, qPrintable(describe(r.diagnostics)));
        QVERIFY(d->fixes.isEmpty());
    }

    void windowsLineEndsStay()
    {
        const QByteArray yaml = "type: task\r\nenv:\r\n  - A=1\r\ncommands:\r\n  - echo $B\r\n";
        const ParseResult r = parseText(yaml);
        const Diagnostic *d = withCode(r.diagnostics, QStringLiteral("undefined-variable"));
        QVERIFY(d && !d->fixes.isEmpty());
        const auto after = applyEdits(yaml, d->fixes.last().edits);
        QCOMPARE(after.value_or("?"),
                 QByteArray("type: task\r\nenv:\r\n  - A=1\r\n  - B\r\ncommands:\r\n  - echo $B\r\n"));
        QVERIFY(parseText(*after).diagnostics.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestConfigFixes)
#include "test_config_fixes.moc"
