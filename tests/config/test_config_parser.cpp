// The parser as a whole: malformed YAML (one clear diagnostic each, never a crash), unknown
// keys with suggestions, run types, cross-field rules, the canonical JSON the server echoes,
// effective probes, the schema table and file lookup.

#include "tests/config/ConfigTestHelpers.h"
#include "tests/support/TestEnvironment.h"

#include "core/config/ConfigSchema.h"
#include "core/config/Suggestion.h"
#include "core/config/YamlTree.h"

#include <QFile>
#include <QRandomGenerator>
#include <QTest>

using namespace Qt::StringLiterals;

using namespace gantry;
using namespace gantry::test;
using json = nlohmann::json;

namespace {

// A located tree as text: kind, quoting, line:column and content of every node.
void dump(const yaml::Node *n, QString &out)
{
    if (!n) {
        out += QStringLiteral("<none>");
        return;
    }
    out += QStringLiteral("%1%2@%3:%4").arg(int(n->kind)).arg(n->plain ? 'p' : 'q').arg(n->line).arg(n->column);
    if (n->kind == yaml::Kind::Scalar)
        out += QLatin1Char('\'') + n->string() + QLatin1Char('\'');
    if (!n->children.empty()) {
        out += QLatin1Char('(');
        for (const yaml::Node *c : n->children) {
            dump(c, out);
            out += QLatin1Char(' ');
        }
        out += QLatin1Char(')');
    }
}

QString dump(const yaml::Document &doc)
{
    QString out;
    dump(doc.root, out);
    for (const yaml::Problem &p : doc.problems)
        out += QStringLiteral(" [%1:%2 %3]").arg(p.line).arg(p.column).arg(p.message);
    return out;
}

} // namespace

class TestConfigParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void malformedYaml_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("tab indents a key") << QByteArray("type: service\nport: 8000\n\tcommands:\n  - x\n") << 3 << 1
                                           << "tab character in indentation";
        QTest::newRow("tab indents an item")
            << QByteArray("type: service\nport: 8000\ncommands:\n\t- x\n") << 4 << 1 << "tab character";
        QTest::newRow("tab after spaces")
            << QByteArray("type: service\nport: 8000\ncommands:\n  \t- x\n") << 4 << 3 << "tab character";
        QTest::newRow("key indented too far")
            << QByteArray("type: service\n  port: 8000\ncommands: [x]\n") << 2 << 7 << "invalid YAML";
        QTest::newRow("nested key misaligned")
            << QByteArray("type: service\nport: 8000\ncommands: [x]\nresources:\n  gpu: 24GB\n   memory: 8GB\n") << 6
            << 10 << "check the indentation";
        QTest::newRow("unclosed flow list")
            << QByteArray("type: service\nport: 8000\ncommands: [x\n") << 4 << 1 << "not closed";
        QTest::newRow("NUL byte") << QByteArray("type: service\nport: 8000\x00\x01\x02", 27) << 2 << 11 << "NUL byte";
        QTest::newRow("binary junk") << QByteArray("\x7f"
                                                   "ELF\x02\x01\x01",
                                                   7)
                                     << 1 << 1 << "control character";
        QTest::newRow("invalid UTF-8") << QByteArray("type: service\nname: \xff\xfe\n") << 2 << 7 << "invalid UTF-8";
        QTest::newRow("truncated UTF-8") << QByteArray("type: service\nname: caf\xc3") << 2 << 10 << "invalid UTF-8";
        QTest::newRow("empty file") << QByteArray("") << 1 << 1 << "the file is empty";
        QTest::newRow("only whitespace") << QByteArray("\n\n   \n") << 1 << 1 << "the file is empty";
        QTest::newRow("only comments") << QByteArray("# nothing here\n# at all\n") << 1 << 1 << "the file is empty";
        QTest::newRow("top-level list") << QByteArray("- type: service\n- port: 8000\n") << 1 << 1
                                        << "must be a YAML mapping";
        QTest::newRow("top-level scalar") << QByteArray("hello\n") << 1 << 1 << "must be a YAML mapping";
        QTest::newRow("two documents") << QByteArray("type: service\nport: 8000\ncommands: [x]\n---\ntype: task\n") << 4
                                       << 1 << "second YAML document";
        QTest::newRow("missing type") << QByteArray("port: 8000\ncommands: [x]\n") << 1 << 1 << "missing `type`";
        QTest::newRow("unknown type") << QByteArray("type: servise\nport: 8000\n") << 1 << 7
                                      << "did you mean 'service'?";
        QTest::newRow("gateway type") << QByteArray("type: gateway\nname: g\n") << 1 << 7
                                      << "this is a gateway configuration";
        QTest::newRow("type is a list") << QByteArray("type: [service]\n") << 1 << 7
                                        << "`type` must be service, task, dev-environment or fleet";
        QTest::newRow("windows line endings ok, bad key")
            << QByteArray("type: service\r\nport: 8000\r\ncommands: [x]\r\nprot: 1\r\n") << 4 << 1
            << "did you mean 'port'?";
    }
    void malformedYaml()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(int, line);
        QFETCH(int, column);
        QFETCH(QString, fragment);
        const ParseResult r = parseText(yaml);
        QVERIFY2(r.diagnostics.size() == 1, qPrintable(describe(r.diagnostics)));
        const Diagnostic &d = r.diagnostics.first();
        QCOMPARE(d.severity, Severity::Error);
        QVERIFY2(d.message.contains(fragment), qPrintable(d.message));
        QCOMPARE(d.line, line);
        QCOMPARE(d.column, column);
        QCOMPARE(d.file, QStringLiteral("test.dstack.yml"));
        QVERIFY(!r.valid());
    }

    // PyYAML, which dstack reads files with, keeps the last value of a repeated key; so does
    // Gantry, with a warning that names both places.
    void duplicateKeysWarnAndKeepTheLast_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("top-level key") << QByteArray("type: service\nport: 8000\nport: 9000\ncommands: [x]\n") << 3 << 1
                                       << "duplicate key 'port' (also at line 2)";
        QTest::newRow("nested key") << QByteArray(
                                           "type: service\nport: 9000\ncommands: [x]\nresources:\n  gpu: 1\n  gpu: 2\n")
                                    << 6 << 3 << "duplicate key 'gpu'";
        QTest::newRow("env key") << QByteArray("type: service\nport: 9000\ncommands: [x]\nenv:\n  A: 1\n  A: 2\n") << 6
                                 << 3 << "duplicate key 'A'";
    }
    void duplicateKeysWarnAndKeepTheLast()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(int, line);
        QFETCH(int, column);
        QFETCH(QString, fragment);
        const ParseResult r = parseText(yaml);
        QVERIFY2(r.diagnostics.size() == 1, qPrintable(describe(r.diagnostics)));
        const Diagnostic &d = r.diagnostics.first();
        QCOMPARE(d.severity, Severity::Warning);
        QVERIFY2(d.message.contains(fragment), qPrintable(d.message));
        QCOMPARE(d.line, line);
        QCOMPARE(d.column, column);
        QVERIFY(r.valid());
        QCOMPARE(r.configuration->containerPort, std::optional<int>(9000));
        const json &c = r.configuration->canonical;
        if (QByteArray(QTest::currentDataTag()) == "nested key")
            QCOMPARE_JSON(c["resources"]["gpu"]["count"], json({{"min", 2}, {"max", 2}}));
        if (QByteArray(QTest::currentDataTag()) == "env key")
            QCOMPARE_JSON(c["env"]["A"], json("2"));
    }

    // What dstack 0.21 accepts, Gantry accepts (a Gantry-only concern is a warning).
    void acceptedAsDstackAcceptsThem_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<int>("warnings");
        const QByteArray svc = "type: service\nport: 8000\ncommands: [x]\n";
        QTest::newRow("relative working_dir") << svc + "working_dir: app\n" << 0;
        QTest::newRow("env key with -") << svc + "env:\n  MY-VAR: v\n" << 1;
        QTest::newRow("probe body without method") << svc + "probes:\n  - {type: http, body: x}\n" << 0;
        QTest::newRow("idle_duration -1") << svc + "idle_duration: -1\n" << 0;
        QTest::newRow("gpu name with a comma") << svc + "resources:\n  gpu: {name: \"A100,H100\"}\n" << 1;
        QTest::newRow("replica groups")
            << QByteArray(
                   "type: service\nport: 8000\nreplicas:\n  - {count: 1, commands: [x]}\n  - {name: b, count: 0..2, "
                   "scaling: {metric: rps, target: 1}, image: y}\n")
            << 0;
        QTest::newRow("repos: not uploaded yet") << svc + "repos:\n  - .\n" << 1;
        QTest::newRow("files: uploaded, no warning") << svc + "files:\n  - data:/data\n" << 0;
        QTest::newRow("node groups with ports")
            << QByteArray(
                   "type: task\ngroups:\n  - {name: a, commands: [x], ports: [8080]}\n  - {nodes: 2, commands: [y]}\n")
            << 0;
    }
    void acceptedAsDstackAcceptsThem()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(int, warnings);
        const ParseResult r = parseText(yaml);
        QVERIFY2(r.valid(), qPrintable(describe(r.diagnostics)));
        QCOMPARE(int(r.diagnostics.size()), warnings);
    }

    // Random bytes, truncations and mutations of a real file: the parser answers, never throws or crashes.
    void neverCrashes()
    {
        QFile seed(dataPath(QStringLiteral("config/seed/vllm.serve.dstack.yml")));
        QVERIFY(seed.open(QIODevice::ReadOnly));
        const QByteArray text = seed.readAll();
        QRandomGenerator rng(20261127);
        const QByteArray specials = ":-[]{}\"'|>&*!%@`#,?\t\n ";
        int parsed = 0;
        for (int i = 0; i < 3000; ++i) {
            QByteArray input = text.left(rng.bounded(text.size() + 1));
            if (i % 3 == 0) {
                for (int k = 0; k < 4; ++k)
                    input.insert(rng.bounded(input.size() + 1), specials[rng.bounded(specials.size())]);
            } else if (i % 3 == 1) {
                QByteArray junk(rng.bounded(64), '\0');
                for (char &c : junk)
                    c = char(rng.bounded(256));
                input += junk;
            }
            const ParseResult r = parseText(input);
            QVERIFY(r.valid() || !r.diagnostics.isEmpty());
            for (const Diagnostic &d : r.diagnostics)
                QVERIFY(d.line >= 1 && d.column >= 1 && !d.message.isEmpty());
            parsed += r.configuration ? 1 : 0;
        }
        QVERIFY(parsed > 0);
    }

    // The fast reader must build exactly the tree yaml-cpp builds, wherever it accepts input.
    void fastReaderMatchesYamlCpp()
    {
        QList<QByteArray> corpus;
        for (const char *seed : {"config/seed/vllm.serve.dstack.yml", "config/seed/tgi.serve.dstack.yml"}) {
            QFile f(dataPath(QLatin1String(seed)));
            QVERIFY(f.open(QIODevice::ReadOnly));
            corpus << f.readAll();
        }
        corpus << service("env:\n  - A=1\n  - 'B=two'\n  - \"C=x y\"\nresources: {cpu: 4, gpu: \"A100:2\", disk: "
                          "{size: 100GB..}}\n")
               << service("probes:\n  - type: http  # health\n    url: /h\n    headers:\n      - name: A\n        "
                          "value: 'it''s'\n")
               << service("model:\n  name: m\n  format: openai\nbackends: [aws, gcp]\nregions: []\ntags: {}\n")
               << "type: task\ncommands:\n- echo a\n- - nested\n  - list\nx:\n  - a: 1\n    b: [1, [2, 3], {c: d}]\n"
               << "a: 1\na: 2\nb: {x: 1, x: 2}\n"
               << "key: value # comment\nurl: http://x:80/y\nq: \"a#b\"\nplain: a#b\n  # indented comment\nn: -1\n"
               << "  indented: root\n  other: 2\n"
               << "list:\n  -   spaced\n  -\n    deep: 1\n"
               << "a:\nb:   # c\n\nc:\n  d:\ne:\n  -\n  - x\n-\n"
               << "type: service\nmodel:\nport:\n"
               << "type: service\r\nport: 8000\r\ncommands:\r\n  - echo a # c\r\nenv: {A: b}\r\n"
               << "caf\xc3\xa9: '\xc3\xbc'\nx: [\xc3\xa4, b]\nname: \xe2\x82\xac \xe2\x82\xac\ny: {\xc3\xa9: z}\n";
        QRandomGenerator rng(quint32(qEnvironmentVariableIntValue("GANTRY_FUZZ_SEED")) + 7);
        const QByteArray specials = ":-[]{}\"'|>&*!%@`#,? \n";
        QList<QByteArray> mutated;
        for (const QByteArray &text : std::as_const(corpus)) {
            for (int i = 0; i < 400; ++i) {
                QByteArray m = text;
                for (int k = 0; k < 1 + i % 3; ++k) {
                    if (i % 2 && !m.isEmpty())
                        m.remove(rng.bounded(m.size()), 1 + rng.bounded(3));
                    else
                        m.insert(rng.bounded(m.size() + 1), specials[rng.bounded(specials.size())]);
                }
                mutated << m;
            }
        }
        corpus += mutated;
        int fast = 0;
        for (const QByteArray &text : std::as_const(corpus)) {
            yaml::Document viaFast, viaYamlCpp;
            if (!yaml::checkInput(text, viaYamlCpp))
                continue;
            yaml::parseWithYamlCpp(text, viaYamlCpp);
            if (!yaml::parseCommonSubset(text, viaFast))
                continue;
            ++fast;
            QVERIFY2(!viaYamlCpp.fatal,
                     qPrintable(QString::fromUtf8(text) + QStringLiteral("\n=> ") + dump(viaYamlCpp)));
            QCOMPARE(dump(viaFast), dump(viaYamlCpp));
        }
        QVERIFY2(fast > corpus.size() / 4, qPrintable(QString::number(fast))); // the fast reader takes most real files
    }

    void didYouMean_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("message");
        QTest::newRow("top-level typo") << service("comands: [y]\n") << 5 << 1
                                        << "unknown key 'comands' in a service configuration; did you mean 'commands'?";
        QTest::newRow("case") << service("Image: x\n") << 5 << 1
                              << "unknown key 'Image' in a service configuration; did you mean 'image'?";
        QTest::newRow("ports in a service")
            << service("ports: [80]\n") << 5 << 1
            << "'ports' is not allowed in a service (only in: task, dev-environment); did you mean 'port'?";
        QTest::newRow("nothing close") << service("zzzzzz: 1\n") << 5 << 1
                                       << "unknown key 'zzzzzz' in a service configuration";
        // 64 characters is the longest word that gets a suggestion; a hostile file of huge keys
        // then costs no edit distances (bench/RESULTS.md, hostile input).
        const QByteArray typo64 = QByteArray(56, 'z') + "commands";
        QTest::newRow("64 characters") << service(typo64 + ": [y]\n") << 5 << 1
                                       << QString::fromLatin1("unknown key '" + typo64 +
                                                              "' in a service configuration; did you mean 'commands'?");
        const QByteArray typo65 = QByteArray(57, 'z') + "commands";
        QTest::newRow("65 characters") << service(typo65 + ": [y]\n") << 5 << 1
                                       << QString::fromLatin1("unknown key '" + typo65 +
                                                              "' in a service configuration");
        QTest::newRow("resources") << service("resources:\n  memroy: 8GB\n") << 6 << 3
                                   << "unknown key 'memroy' in resources; did you mean 'memory'?";
        QTest::newRow("probe") << service("probes:\n  - type: http\n    ulr: /health\n") << 7 << 5
                               << "unknown key 'ulr' in a probe; did you mean 'url'?";
        QTest::newRow("probe header") << service("probes:\n  - type: http\n    headers:\n      - {nam: A, value: b}\n")
                                      << 8 << 10 << "unknown key 'nam' in a probe header; did you mean 'name'?";
        QTest::newRow("retry") << service("retry:\n  on_event: [error]\n") << 6 << 3
                               << "unknown key 'on_event' in retry; did you mean 'on_events'?";
        QTest::newRow("scaling") << service("replicas: 0..2\nscaling:\n  metric: rps\n  target: 5\n  windw: 30s\n") << 9
                                 << 3 << "unknown key 'windw' in scaling; did you mean 'window'?";
        QTest::newRow("inactivity in task")
            << QByteArray("type: task\ncommands: [x]\ninactivity_duration: 1h\n") << 3 << 1
            << "'inactivity_duration' is not allowed in a task (only in: dev-environment)";
        QTest::newRow("enum value")
            << service("spot_policy: ondemand\n") << 5 << 14
            << "spot_policy must be one of spot, on-demand, auto, not 'ondemand'; did you mean 'on-demand'?";
        QTest::newRow("backend") << service("backends: [aws, lamda]\n") << 5 << 17
                                 << "unknown backend 'lamda'; did you mean 'lambda'?";
        QTest::newRow("retry event") << service("retry:\n  on_events: [no_capacity]\n") << 6 << 15
                                     << "retry event must be one of no-capacity, interruption, error, not "
                                        "'no_capacity'; did you mean 'no-capacity'?";
    }
    void didYouMean()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(int, line);
        QFETCH(int, column);
        QFETCH(QString, message);
        const ParseResult r = parseText(yaml);
        QCOMPARE(located(r.diagnostics),
                 QStringList{QStringLiteral("%1:%2: error: %3").arg(line).arg(column).arg(message)});
    }

    // closestMatch stops an edit distance once it cannot come back under the limit: on random
    // words over three letters (many near misses, swaps and ties) it must pick what the full
    // distance picks.
    void closestMatchAgreesWithTheFullDistance()
    {
        QCOMPARE(editDistance(u"ulr"_s, u"URL"_s), 1);
        QCOMPARE(editDistance(u"abcdef"_s, u"badcfe"_s), 3);
        QCOMPARE(editDistance(u""_s, u"abc"_s), 3);
        QRandomGenerator random(14);
        const auto word = [&random] {
            QString w;
            for (int i = 0, n = random.bounded(0, 13); i < n; ++i)
                w += QChar(u"abcABC"[random.bounded(6)]);
            return w;
        };
        int suggested = 0;
        for (int round = 0; round < 3000; ++round) {
            const QString typed = word();
            QStringList candidates;
            for (int i = 0; i < 6; ++i)
                candidates << word();
            QString expected;
            int bestScore = 1 << 30;
            for (const QString &c : candidates) {
                const int limit = std::max(1, int(std::max(typed.size(), c.size()) / 3));
                const bool related = typed.size() >= 3 && c.size() >= 3 &&
                                     (c.contains(typed, Qt::CaseInsensitive) || typed.contains(c, Qt::CaseInsensitive));
                const int score =
                    related ? (typed.compare(c, Qt::CaseInsensitive) == 0 ? 0 : 1) : editDistance(typed, c);
                if (!related && score > limit)
                    continue;
                if (score < bestScore) {
                    bestScore = score;
                    expected = c;
                }
            }
            suggested += expected.isEmpty() ? 0 : 1;
            QCOMPARE(closestMatch(typed, candidates), expected);
        }
        QVERIFY2(suggested > 300, qPrintable(QString::number(suggested))); // the rounds did suggest
    }

    void fieldErrors_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("fragment");
        const QByteArray svc = "type: service\nport: 8000\n";
        QTest::newRow("no port") << QByteArray("type: service\ncommands: [x]\n") << 1 << 1 << "a service needs `port`";
        QTest::newRow("no commands nor image")
            << QByteArray("type: service\nport: 8000\n") << 1 << 1 << "needs `commands`";
        QTest::newRow("task needs commands")
            << QByteArray("type: task\nname: t1\n") << 1 << 1 << "a task needs `commands`";
        QTest::newRow("empty commands list")
            << QByteArray("type: service\nport: 8000\ncommands: []\n") << 3 << 1 << "needs `commands`";
        QTest::newRow("commands scalar") << svc + "commands: echo hi\n"
                                         << 3 << 11 << "must be a list of shell commands";
        QTest::newRow("command with colon") << svc + "commands:\n  - echo a: b\n  - echo ok\n"
                                            << 4 << 5 << "quote the whole command";
        QTest::newRow("python with image")
            << QByteArray("type: service\nport: 8000\nimage: vllm/vllm-openai\npython: \"3.11\"\n") << 4 << 1
            << "drop `python: \"3.11\"`";
        QTest::newRow("docker with image") << QByteArray("type: task\nimage: ubuntu\ndocker: true\n") << 2 << 1
                                           << "cannot be used with `docker: true`";
        QTest::newRow("bad python") << svc + "commands: [x]\npython: \"2.7\"\n"
                                    << 4 << 9 << "python must be one of 3.9";
        QTest::newRow("replicas range without scaling") << svc + "commands: [x]\nreplicas: 1..3\n"
                                                        << 4 << 1 << "needs `scaling`";
        QTest::newRow("scaling without range") << svc + "commands: [x]\nscaling: {metric: rps, target: 1}\n"
                                               << 4 << 1 << "needs replicas as a range";
        QTest::newRow("replicas range without max")
            << svc + "commands: [x]\nreplicas: 1..\nscaling: {metric: rps, target: 1}\n"
            << 4 << 11 << "needs a maximum";
        QTest::newRow("scaling bad window")
            << svc + "commands: [x]\nreplicas: 0..2\nscaling: {metric: rps, target: 1, window: 45s}\n"
            << 5 << 43 << "30s, 60s or 300s";
        QTest::newRow("scaling zero target")
            << svc + "commands: [x]\nreplicas: 0..2\nscaling: {metric: rps, target: 0}\n"
            << 5 << 32 << "greater than 0";
        QTest::newRow("shell relative") << svc + "commands: [x]\nshell: zsh\n"
                                        << 4 << 8 << "shell must be sh, bash or an absolute path";
        QTest::newRow("priority") << svc + "commands: [x]\npriority: 101\n" << 4 << 11 << "between 0 and 100";
        QTest::newRow("max_price zero") << svc + "commands: [x]\nmax_price: 0\n" << 4 << 12 << "greater than 0";
        QTest::newRow("max_price word") << svc + "commands: [x]\nmax_price: cheap\n" << 4 << 12 << "must be a number";
        QTest::newRow("spot policy") << svc + "commands: [x]\nspot_policy: sometimes\n"
                                     << 4 << 14 << "spot_policy must be one of";
        QTest::newRow("max_duration multi-unit") << svc + "commands: [x]\nmax_duration: 1d2h\n"
                                                 << 4 << 15 << "one unit";
        QTest::newRow("retry empty events") << svc + "commands: [x]\nretry: {on_events: []}\n"
                                            << 4 << 20 << "may not be empty";
        QTest::newRow("probe body with get") << svc + "commands: [x]\nprobes:\n  - {type: http, method: get, body: x}\n"
                                             << 5 << 37 << "needs method post";
        QTest::newRow("probe url relative") << svc + "commands: [x]\nprobes:\n  - {type: http, url: health}\n"
                                            << 5 << 23 << "starting with /";
        QTest::newRow("probe no type") << svc + "commands: [x]\nprobes:\n  - {url: /health}\n"
                                       << 5 << 5 << "needs `type: http`";
        QTest::newRow("probe bad method") << svc + "commands: [x]\nprobes:\n  - {type: http, method: fetch}\n"
                                          << 5 << 26 << "probe method must be one of";
        QTest::newRow("probe timeout too long") << svc + "commands: [x]\nprobes:\n  - {type: http, timeout: 10m}\n"
                                                << 5 << 27 << "at most 5m";
        QTest::newRow("probe ready_after 0") << svc + "commands: [x]\nprobes:\n  - {type: http, ready_after: 0}\n"
                                             << 5 << 31 << "at least 1";
        QTest::newRow("probes duplicate") << svc + "commands: [x]\nprobes:\n  - {type: http}\n  - {type: http}\n"
                                          << 6 << 5 << "unique";
        QTest::newRow("probes not a list") << svc + "commands: [x]\nprobes: {type: http}\n"
                                           << 4 << 9 << "must be a list of probes";
        QTest::newRow("repos two") << svc + "commands: [x]\nrepos: [\".\", \"../other\"]\n" << 4 << 14 << "at most one";
        QTest::newRow("volume relative") << svc + "commands: [x]\nvolumes: [\"data:relative\"]\n"
                                         << 4 << 11 << "absolute paths";
        QTest::newRow("volume dotdot") << svc + "commands: [x]\nvolumes: [\"/a:/b/../c\"]\n"
                                       << 4 << 11 << "absolute paths";
        QTest::newRow("privileged not bool") << svc + "commands: [x]\nprivileged: maybe\n"
                                             << 4 << 13 << "must be true or false";
        QTest::newRow("regions not list") << svc + "commands: [x]\nregions: us-east-1\n"
                                          << 4 << 10 << "must be a list of strings";
        QTest::newRow("version without ide")
            << QByteArray("type: dev-environment\nversion: \"1.90\"\n") << 2 << 1 << "`version` needs `ide`";
        QTest::newRow("ide typo") << QByteArray("type: dev-environment\nide: vscod\n") << 2 << 6
                                  << "did you mean 'vscode'?";
        QTest::newRow("nodes zero") << QByteArray("type: task\ncommands: [x]\nnodes: 0\n") << 3 << 8 << "at least 1";
        QTest::newRow("https word") << svc + "commands: [x]\nhttps: sometimes\n"
                                    << 4 << 8 << "https must be true, false or auto";
        QTest::newRow("registry_auth incomplete") << svc + "commands: [x]\nregistry_auth: {username: u}\n"
                                                  << 4 << 16 << "needs `password`";
        QTest::newRow("utilization window short")
            << svc + "commands: [x]\nutilization_policy: {min_gpu_utilization: 10, time_window: 1m}\n"
            << 4 << 60 << "at least 300";
        QTest::newRow("task nodes with groups") << QByteArray("type: task\nnodes: 2\ngroups:\n  - {commands: [x]}\n")
                                                << 2 << 1 << "cannot be used with `groups`";
        QTest::newRow("service groups (not in dstack 0.21)") << svc + "image: x\ngroups: []\n"
                                                             << 4 << 1 << "only in: task";
        QTest::newRow("node group replicas") << QByteArray("type: task\ngroups:\n  - {replicas: 1, commands: [x]}\n")
                                             << 3 << 6 << "unknown key 'replicas'";
        QTest::newRow("rate limit duplicate prefix")
            << svc + "commands: [x]\nrate_limits:\n  - {rps: 1}\n  - {prefix: /, rps: 2}\n"
            << 6 << 14 << "used twice";
    }
    void fieldErrors()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(int, line);
        QFETCH(int, column);
        QFETCH(QString, fragment);
        const ParseResult r = parseText(yaml);
        Diagnostics errors; // the one error (a field may also carry a warning, e.g. repos: not uploaded)
        for (const Diagnostic &e : r.diagnostics)
            if (e.severity == Severity::Error)
                errors.push_back(e);
        QVERIFY2(errors.size() == 1, qPrintable(describe(r.diagnostics)));
        const Diagnostic &d = errors.front();
        QVERIFY2(d.message.contains(fragment), qPrintable(d.toString()));
        QCOMPARE(d.severity, Severity::Error);
        QCOMPARE(d.line, line);
        QCOMPARE(d.column, column);
        QVERIFY(!r.valid());
        QVERIFY(r.configuration.has_value()); // the file parsed; only the rules failed
    }

    // the reference's example service in, run_spec.configuration out
    // (docs/reference/dstack-api.md#runspecconfiguration-what-the-file-says-not-every-field).
    void canonicalOfTheReferenceExample()
    {
        const ParseResult r = parseText(R"(type: service
name: llama-svc
image: vllm/vllm-openai:latest
env:
  - HF_TOKEN=${{ secrets.HF_TOKEN }}
commands:
  - vllm serve meta-llama/Llama-3.1-8B-Instruct --port 8000
port: 8000
model: meta-llama/Llama-3.1-8B-Instruct
resources:
  gpu: 24GB..80GB
  disk: 100GB..
spot_policy: auto
max_price: 2.5
)");
        QVERIFY2(r.valid() && r.diagnostics.isEmpty(), qPrintable(describe(r.diagnostics)));
        const json expected = json::parse(R"({
      "type": "service", "name": "llama-svc", "image": "vllm/vllm-openai:latest",
      "port": {"local_port": 80, "container_port": 8000},
      "model": {"type": "chat", "name": "meta-llama/Llama-3.1-8B-Instruct", "format": "openai", "prefix": "/v1"},
      "gateway": null, "https": null, "auth": true, "strip_prefix": true,
      "replicas": null, "scaling": null, "rate_limits": [], "probes": null,
      "commands": ["vllm serve meta-llama/Llama-3.1-8B-Instruct --port 8000"],
      "env": {"HF_TOKEN": "${{ secrets.HF_TOKEN }}"},
      "resources": {
        "cpu": {"arch": null, "count": {"min": 2, "max": null}},
        "memory": {"min": 8.0, "max": null},
        "shm_size": null,
        "gpu": {"vendor": null, "name": null, "count": {"min": 1, "max": null},
                "memory": {"min": 24.0, "max": 80.0}, "total_memory": null, "compute_capability": null},
        "disk": {"size": {"min": 100.0, "max": null}}
      },
      "spot_policy": "auto", "max_price": 2.5, "priority": null, "backends": null, "regions": null,
      "instance_types": null, "retry": null, "max_duration": null})");
        const json &c = r.configuration->canonical;
        for (auto it = expected.begin(); it != expected.end(); ++it) {
            QVERIFY2(c.contains(it.key()), it.key().c_str());
            QCOMPARE(QString::fromStdString(c[it.key()].dump()), QString::fromStdString(it.value().dump()));
        }
        // floats stay floats in the text the server receives
        QVERIFY(c.dump().find(R"("memory":{"max":80.0,"min":24.0})") != std::string::npos);
        const Configuration &cfg = *r.configuration;
        QCOMPARE(cfg.name, std::optional<QString>(QStringLiteral("llama-svc")));
        QCOMPARE(cfg.containerPort, std::optional<int>(8000));
        QCOMPARE(cfg.maxPrice, std::optional<double>(2.5));
        QCOMPARE(cfg.spotPolicy, std::optional<QString>(QStringLiteral("auto")));
        QCOMPARE(cfg.model->name, QStringLiteral("meta-llama/Llama-3.1-8B-Instruct"));
        QCOMPARE(cfg.env.size(), size_t(1));
        QCOMPARE(cfg.env[0].key, QStringLiteral("HF_TOKEN"));
    }

    void runTypes_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("typeName");
        QTest::newRow("task") << QByteArray("type: task\nnodes: 2\ncommands: [train.py]\nports: [6006]\nstartup_order: "
                                            "master-first\nstop_criteria: master-done\n")
                              << "task";
        QTest::newRow("dev-environment") << QByteArray("type: dev-environment\nide: vscode\nversion: \"1.90\"\ninit: "
                                                       "[pip install x]\ninactivity_duration: 2h\n")
                                         << "dev-environment";
        QTest::newRow("service full") << QByteArray(R"(type: service
name: full-svc
python: 3.10
nvcc: true
env: {A: 1}
commands: [python serve.py --port 8000]
port: 8000
gateway: false
https: auto
auth: false
strip_prefix: false
replicas: 0..4
scaling: {metric: rps, target: 10, window: 30s, scale_up_delay: 1m, scale_down_delay: 5m}
rate_limits:
  - {prefix: /v1, key: {type: header, header: X-Key}, rps: 5, burst: 10}
probes:
  - type: http
    url: /health
    method: post
    headers: [{name: Authorization, value: Bearer x}]
    body: "{}"
    timeout: 5s
    interval: 10s
    ready_after: 2
    until_ready: true
regions: [us-east-1]
availability_zones: [us-east-1a]
instance_types: [g5.xlarge]
reservation: cr-123
creation_policy: reuse
idle_duration: 10m
stop_duration: off
utilization_policy: {min_gpu_utilization: 10, time_window: 30m}
schedule: {cron: "0 8 * * *"}
fleets: [my-fleet]
tags: {team: ml}
volumes:
  - my-vol:/data
  - /mnt/cache:/root/.cache
  - {name: [a, b], path: /models}
repos: ["."]
files: ["local.txt:/app/local.txt"]
user: "1000:1000"
privileged: true
working_dir: /app
single_branch: false
registry_auth: {username: u, password: "${{ secrets.PASS }}"}
priority: 50
shell: /bin/zsh
)") << "service";
    }
    // `files:` entries as dstack's FilePathMapping reads them, each with its place for errors.
    void fileMappingsAsDstackReadsThem()
    {
        const ParseResult r = parseText("type: task\ncommands: [x]\nfiles:\n  - data\n  - ~/w:/work\n  - C:/x:/in\n"
                                        "  - {local_path: a.txt, path: /b.txt}\n");
        QVERIFY2(r.valid(), qPrintable(describe(r.diagnostics)));
        const auto &files = r.configuration->files;
        QCOMPARE(files.size(), size_t(4));
        QCOMPARE(files[0].localPath, QStringLiteral("data"));
        QCOMPARE(files[0].path, QStringLiteral("data")); // one part: the same path in the container
        QCOMPARE(files[1].localPath, QStringLiteral("~/w"));
        QCOMPARE(files[1].path, QStringLiteral("/work"));
        QCOMPARE(files[2].localPath, QStringLiteral("C:/x")); // a drive letter is not a separator
        QCOMPARE(files[3].path, QStringLiteral("/b.txt"));
        QCOMPARE(files[3].line, 7);
        QCOMPARE(files[3].column, 5);
        const ParseResult bad = parseText("type: task\ncommands: [x]\nfiles:\n  - a:b:c\n");
        QVERIFY(!bad.valid());
        QVERIFY2(describe(bad.diagnostics).contains(QLatin1String("invalid file path mapping")),
                 qPrintable(describe(bad.diagnostics)));
    }

    void runTypes()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, typeName);
        const ParseResult r = parseText(yaml);
        QVERIFY2(r.valid(), qPrintable(describe(r.diagnostics)));
        for (const Diagnostic &d : r.diagnostics) // only the note that Gantry does not upload repos: yet
            QVERIFY2(d.message.contains(QLatin1String("does not upload")), qPrintable(d.toString()));
        QCOMPARE(r.configuration->typeName, typeName);
        QCOMPARE(QString::fromStdString(r.configuration->canonical["type"].get<std::string>()), typeName);
    }

    void canonicalDetails()
    {
        const ParseResult r = parseText(R"(type: service
python: 3.10
commands: [python serve.py]
port: "8080:8000"
replicas: 0..4
scaling: {metric: rps, target: 10, window: 30s}
stop_duration: off
idle_duration: off
volumes: [my-vol:/data, /mnt/cache:/root/.cache]
schedule: {cron: "0 8 * * *"}
probes:
  - {type: http, url: /health, timeout: 5s}
)");
        QVERIFY2(r.valid(), qPrintable(describe(r.diagnostics)));
        const json &c = r.configuration->canonical;
        QCOMPARE_JSON(c["python"], json("3.10"));
        QCOMPARE_JSON(c["port"], json::parse(R"({"local_port":8080,"container_port":8000})"));
        QCOMPARE_JSON(c["replicas"], json::parse(R"({"min":0,"max":4})"));
        QCOMPARE_JSON(
            c["scaling"],
            json::parse(R"({"metric":"rps","target":10.0,"window":30,"scale_up_delay":300,"scale_down_delay":600})"));
        QCOMPARE_JSON(c["stop_duration"], json("off"));
        QCOMPARE_JSON(c["idle_duration"], json(-1));
        QCOMPARE_JSON(
            c["volumes"],
            json::parse(
                R"([{"name":"my-vol","path":"/data"},{"instance_path":"/mnt/cache","path":"/root/.cache","optional":false}])"));
        QCOMPARE_JSON(c["schedule"], json::parse(R"({"cron":["0 8 * * *"]})"));
        QCOMPARE_JSON(c["probes"][0]["timeout"], json(5));
        QCOMPARE_JSON(c["probes"][0]["url"], json("/health"));
        QCOMPARE(r.configuration->python, std::optional<QString>(QStringLiteral("3.10")));
        QCOMPARE(r.configuration->containerPort, std::optional<int>(8000));
        QCOMPARE(r.configuration->probes->size(), size_t(1));
        QCOMPARE(r.configuration->probes->at(0).timeoutSec, 5);
        QCOMPARE(r.configuration->probes->at(0).intervalSec, 15);
    }

    void effectiveProbes()
    {
        const ParseResult openai = parseText(service("model: {name: \"my-model\", format: openai, prefix: /api/v1}\n"));
        QVERIFY(openai.valid());
        const std::vector<ProbeSpec> probes = openai.configuration->effectiveProbes();
        QCOMPARE(probes.size(), size_t(1));
        QCOMPARE(probes[0].url, QStringLiteral("/api/v1/chat/completions"));
        QCOMPARE(probes[0].method, QStringLiteral("post"));
        QCOMPARE(probes[0].body,
                 std::optional<QString>(QStringLiteral(
                     R"({"model": "my-model", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 1})")));
        QCOMPARE(probes[0].headers.size(), size_t(1));
        QCOMPARE(probes[0].headers[0].first, QStringLiteral("Content-Type"));
        QCOMPARE(probes[0].headers[0].second, QStringLiteral("application/json"));
        QCOMPARE(probes[0].timeoutSec, 30);
        QCOMPARE(probes[0].intervalSec, 15);
        QCOMPARE(probes[0].readyAfter, 1);
        QCOMPARE_JSON(openai.configuration->canonical["probes"], json(nullptr)); // a server default, not configuration

        const ParseResult disabled = parseText(service("model: m\nprobes: []\n"));
        QVERIFY(disabled.valid());
        QVERIFY(disabled.configuration->effectiveProbes().empty());
        QCOMPARE_JSON(disabled.configuration->canonical["probes"], json::array());

        const ParseResult tgi = parseText(service("model: {name: m, format: tgi}\n"));
        QVERIFY(tgi.configuration->effectiveProbes().empty());
        const ParseResult none = parseText(service(""));
        QVERIFY(none.configuration->effectiveProbes().empty());

        const ParseResult own = parseText(service("model: m\nprobes:\n  - {type: http, url: /health}\n"));
        QCOMPARE(own.configuration->effectiveProbes().size(), size_t(1));
        QCOMPARE(own.configuration->effectiveProbes()[0].url, QStringLiteral("/health"));
        QCOMPARE(own.configuration->effectiveProbes()[0].method, QStringLiteral("get"));
    }

    void yaml11Scalars()
    {
        // PyYAML (YAML 1.1) reads these as booleans; dstack follows, so do we.
        const ParseResult r = parseText(service("privileged: yes\nauth: off\nmax_duration: no\nstrip_prefix: On\n"));
        QVERIFY2(r.valid() && r.diagnostics.isEmpty(), qPrintable(describe(r.diagnostics)));
        QCOMPARE_JSON(r.configuration->canonical["privileged"], json(true));
        QCOMPARE_JSON(r.configuration->canonical["auth"], json(false));
        QCOMPARE_JSON(r.configuration->canonical["max_duration"], json("off"));
        QCOMPARE_JSON(r.configuration->canonical["strip_prefix"], json(true));
        // A quoted "yes" is a string, not a boolean.
        const ParseResult quoted = parseText(service("privileged: \"yes\"\n"));
        QCOMPARE(quoted.diagnostics.size(), 1);
        QVERIFY(quoted.diagnostics[0].message.contains(QLatin1String("true or false")));
    }

    void anchorsAndAliases()
    {
        const ParseResult r =
            parseText(service("env: &e\n  A: \"1\"\nresources:\n  gpu: &g 24GB\n  memory: 16GB\nname: svc\n"));
        QVERIFY2(r.valid(), qPrintable(describe(r.diagnostics)));
        const ParseResult alias = parseText("type: task\ncommands: &c [echo a]\ninit: *c\n");
        QCOMPARE(alias.diagnostics.size(), 1); // init is dev-environment only; the alias itself is fine
        QVERIFY(alias.diagnostics[0].message.contains(QLatin1String("'init' is not allowed in a task")));
    }

    void runNameWarning()
    {
        const ParseResult r = parseText(service("name: My_Service\n"));
        QCOMPARE(r.diagnostics.size(), 1);
        QCOMPARE(r.diagnostics[0].severity, Severity::Warning);
        QVERIFY(r.diagnostics[0].message.contains(QLatin1String("refused by the dstack server")));
        QVERIFY(r.valid());
    }

    void diagnosticsAreSortedByPosition()
    {
        const ParseResult r = parseText("type: service\nzzz: 1\nport: 0\ncommands: [x]\naaa: 2\n");
        QCOMPARE(r.diagnostics.size(), 3);
        QCOMPARE(r.diagnostics[0].line, 2);
        QCOMPARE(r.diagnostics[1].line, 3);
        QCOMPARE(r.diagnostics[2].line, 5);
    }

    void schema()
    {
        QCOMPARE(ConfigSchema::keysFor({}, RunType::Service).contains(QStringLiteral("port")), true);
        QCOMPARE(ConfigSchema::keysFor({}, RunType::Task).contains(QStringLiteral("port")), false);
        QVERIFY(ConfigSchema::keysFor({}, RunType::Task).contains(QStringLiteral("nodes")));
        QVERIFY(!ConfigSchema::keysFor({}, RunType::DevEnvironment).contains(QStringLiteral("entrypoint")));
        QVERIFY(ConfigSchema::keysFor({}, RunType::DevEnvironment).contains(QStringLiteral("spot_policy")));
        QCOMPARE(ConfigSchema::keysFor({QStringLiteral("resources")}, RunType::Service),
                 QStringList({QStringLiteral("cpu"), QStringLiteral("memory"), QStringLiteral("gpu"),
                              QStringLiteral("disk"), QStringLiteral("shm_size")}));
        QVERIFY(ConfigSchema::keysFor({QStringLiteral("resources"), QStringLiteral("gpu")}, RunType::Task)
                    .contains(QStringLiteral("compute_capability")));
        QVERIFY(ConfigSchema::keysFor({QStringLiteral("model")}, RunType::Service).contains(QStringLiteral("prefix")));
        QVERIFY(ConfigSchema::keysFor({QStringLiteral("probes")}, RunType::Service)
                    .contains(QStringLiteral("ready_after")));
        QCOMPARE(ConfigSchema::keysFor({QStringLiteral("probes"), QStringLiteral("headers")}, RunType::Service),
                 QStringList({QStringLiteral("name"), QStringLiteral("value")}));
        QVERIFY(
            ConfigSchema::keysFor({QStringLiteral("retry")}, RunType::Service).contains(QStringLiteral("on_events")));
        QVERIFY(
            ConfigSchema::keysFor({QStringLiteral("scaling")}, RunType::Service).contains(QStringLiteral("target")));
        QVERIFY(ConfigSchema::keysFor({QStringLiteral("port")}, RunType::Service)
                    .contains(QStringLiteral("container_port")));
        QVERIFY(ConfigSchema::keysFor({QStringLiteral("env")}, RunType::Service).isEmpty()); // free-form
        QCOMPARE(ConfigSchema::valuesFor({QStringLiteral("type")}), ConfigSchema::runTypeNames());
        QCOMPARE(ConfigSchema::valuesFor({QStringLiteral("spot_policy")}),
                 QStringList({QStringLiteral("spot"), QStringLiteral("on-demand"), QStringLiteral("auto")}));
        QVERIFY(ConfigSchema::valuesFor({QStringLiteral("backends")}).contains(QStringLiteral("runpod")));
        QCOMPARE(ConfigSchema::valuesFor({QStringLiteral("backends")}).size(), 23);
        QCOMPARE(ConfigSchema::valuesFor({QStringLiteral("model"), QStringLiteral("format")}),
                 QStringList({QStringLiteral("openai"), QStringLiteral("tgi")}));
        QCOMPARE(ConfigSchema::valuesFor({QStringLiteral("shell")}),
                 QStringList({QStringLiteral("sh"), QStringLiteral("bash")}));
        QVERIFY(ConfigSchema::valuesFor({QStringLiteral("probes"), QStringLiteral("method")})
                    .contains(QStringLiteral("head")));
        QVERIFY(ConfigSchema::valuesFor({QStringLiteral("name")}).isEmpty());
        // The parser uses the same table: every schema key of resources is accepted.
        for (const QString &key : ConfigSchema::keysFor({QStringLiteral("resources")}, RunType::Service))
            QVERIFY(!describe(parseText(service("resources:\n  " + key.toUtf8() + ": 1\n")).diagnostics)
                         .contains(QLatin1String("unknown key")));
    }

    void findsConfigurations()
    {
        const QString dir = freshDir(QStringLiteral("find"));
        QCOMPARE(findConfiguration(dir), QString());
        auto touch = [&](const char *name) {
            QFile f(dir + QLatin1Char('/') + QLatin1String(name));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("type: task\ncommands: [x]\n");
        };
        touch("b.dstack.yml");
        touch("a.dstack.yml");
        touch("notes.yml");
        QCOMPARE(findConfiguration(dir), dir + QStringLiteral("/a.dstack.yml"));
        touch(".dstack.yaml");
        QCOMPARE(findConfiguration(dir), dir + QStringLiteral("/.dstack.yaml"));
        touch(".dstack.yml");
        QCOMPARE(findConfiguration(dir), dir + QStringLiteral("/.dstack.yml"));
        QCOMPARE(findConfiguration(dir + QStringLiteral("/missing")), QString());

        // The suffix in any case, as QDir's name filter matched it before.
        const QString upper = freshDir(QStringLiteral("find-upper"));
        QFile f(upper + QStringLiteral("/Serve.DSTACK.YML"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        QCOMPARE(findConfiguration(upper), upper + QStringLiteral("/Serve.DSTACK.YML"));
    }

    void loadsFiles()
    {
        const ParseResult missing =
            loadConfiguration(freshDir(QStringLiteral("load")) + QStringLiteral("/nope.dstack.yml"));
        QCOMPARE(missing.diagnostics.size(), 1);
        QVERIFY(missing.diagnostics[0].message.startsWith(QLatin1String("cannot read the configuration")));
        QVERIFY(!missing.configuration);
        const QString path = dataPath(QStringLiteral("config/seed/tgi.serve.dstack.yml"));
        const ParseResult seed = loadConfiguration(path);
        QVERIFY(seed.valid());
        QCOMPARE(seed.configuration->filePath, path);
        QCOMPARE(seed.diagnostics.first().file, path);
    }
};

QTEST_GUILESS_MAIN(TestConfigParser)
#include "test_config_parser.moc"
