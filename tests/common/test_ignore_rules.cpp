// gitignore semantics as dstack's client applies them when it packs `files:` (IgnoreRules):
// one file's rules, and the precedence between nested files and kinds of file (IgnoreTree).

#include "core/common/IgnoreRules.h"

#include <QTest>

using namespace gantry;

class IgnoreRulesTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void oneFile_data()
    {
        QTest::addColumn<QByteArray>("rules");
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("isDir");
        QTest::addColumn<int>("expected"); // IgnoreMatch
        const int none = int(IgnoreMatch::None), ignore = int(IgnoreMatch::Ignore), keep = int(IgnoreMatch::Whitelist);
        QTest::newRow("name at any depth") << QByteArray("*.log\n") << "a/b/debug.log" << false << ignore;
        QTest::newRow("star stays in its component") << QByteArray("a*b\n") << "a/b" << false << none;
        QTest::newRow("question mark") << QByteArray("file?.txt\n") << "file1.txt" << false << ignore;
        QTest::newRow("class") << QByteArray("file[0-3].txt\n") << "file2.txt" << false << ignore;
        QTest::newRow("class outside") << QByteArray("file[0-3].txt\n") << "file7.txt" << false << none;
        QTest::newRow("negated class") << QByteArray("file[!0-3].txt\n") << "file7.txt" << false << ignore;
        QTest::newRow("negation: the last rule decides")
            << QByteArray("*.log\n!keep.log\n") << "keep.log" << false << keep;
        QTest::newRow("negation then ignore again")
            << QByteArray("!keep.log\n*.log\n") << "keep.log" << false << ignore;
        QTest::newRow("dir only: a folder") << QByteArray("build/\n") << "x/build" << true << ignore;
        QTest::newRow("dir only: not a file") << QByteArray("build/\n") << "x/build" << false << none;
        QTest::newRow("leading slash anchors") << QByteArray("/top.txt\n") << "top.txt" << false << ignore;
        QTest::newRow("anchored: not deeper") << QByteArray("/top.txt\n") << "sub/top.txt" << false << none;
        QTest::newRow("middle slash anchors") << QByteArray("doc/frotz\n") << "a/doc/frotz" << false << none;
        QTest::newRow("middle slash, at the top") << QByteArray("doc/frotz\n") << "doc/frotz" << false << ignore;
        QTest::newRow("leading **/") << QByteArray("**/foo\n") << "a/b/foo" << false << ignore;
        QTest::newRow("leading **/ at the top") << QByteArray("**/foo\n") << "foo" << false << ignore;
        QTest::newRow("trailing /** inside") << QByteArray("abc/**\n") << "abc/x/y" << false << ignore;
        QTest::newRow("trailing /** not the folder") << QByteArray("abc/**\n") << "abc" << true << none;
        QTest::newRow("middle /**/ zero folders") << QByteArray("a/**/b\n") << "a/b" << false << ignore;
        QTest::newRow("middle /**/ several folders") << QByteArray("a/**/b\n") << "a/x/y/b" << false << ignore;
        QTest::newRow("comment") << QByteArray("# *.txt\n") << "a.txt" << false << none;
        QTest::newRow("escaped hash") << QByteArray("\\#name\n") << "#name" << false << ignore;
        QTest::newRow("escaped bang") << QByteArray("\\!name\n") << "!name" << false << ignore;
        QTest::newRow("trailing spaces dropped") << QByteArray("a.txt   \n") << "a.txt" << false << ignore;
        QTest::newRow("escaped trailing space kept") << QByteArray("a\\ \n") << "a " << false << ignore;
        QTest::newRow("escaped star is literal") << QByteArray("a\\*\n") << "ab" << false << none;
        QTest::newRow("CRLF lines") << QByteArray("*.tmp\r\n") << "x.tmp" << false << ignore;
    }
    void oneFile()
    {
        QFETCH(QByteArray, rules);
        QFETCH(QString, path);
        QFETCH(bool, isDir);
        QFETCH(int, expected);
        QCOMPARE(int(IgnoreRules::parse(rules).match(path, isDir)), expected);
    }

    // Nested files: the deepest folder with a matching rule decides within a kind; a
    // .dstackignore rule beats a .gitignore one; the packed folder's .git is never packed.
    void tree()
    {
        IgnoreTree tree(QStringLiteral("/p/root"));
        tree.setRules(QStringLiteral("/p"), QStringLiteral(".gitignore"), "*.bak\n");
        tree.setRules(QStringLiteral("/p/root"), QStringLiteral(".gitignore"), "*.log\nsecret/\n");
        tree.setRules(QStringLiteral("/p/root/sub"), QStringLiteral(".gitignore"), "!keep.log\n");
        tree.setRules(QStringLiteral("/p/root/sub"), QStringLiteral(".dstackignore"), "big.bin\n");
        tree.setRules(QStringLiteral("/p/root"), QStringLiteral(".dstackignore"), "!x.log\n");
        QVERIFY(tree.isIgnored(QStringLiteral("/p/root/a.log"), false));
        QVERIFY(tree.isIgnored(QStringLiteral("/p/root/sub/b.log"), false));
        QVERIFY(!tree.isIgnored(QStringLiteral("/p/root/sub/keep.log"), false)); // deeper negation wins
        QVERIFY(!tree.isIgnored(QStringLiteral("/p/root/x.log"), false)); // .dstackignore beats .gitignore
        QVERIFY(tree.isIgnored(QStringLiteral("/p/root/sub/big.bin"), false));
        QVERIFY(!tree.isIgnored(QStringLiteral("/p/root/big.bin"), false)); // a rule holds below its folder only
        QVERIFY(tree.isIgnored(QStringLiteral("/p/root/old.bak"), false)); // an ancestor's rules apply
        QVERIFY(tree.isIgnored(QStringLiteral("/p/root/secret"), true));
        QVERIFY(!tree.isIgnored(QStringLiteral("/p/root/secret"), false));
        QVERIFY(tree.isIgnored(QStringLiteral("/p/root/.git"), true));
        QVERIFY(!tree.isIgnored(QStringLiteral("/p/root/sub/.git"), true)); // only the packed folder's own, as dstack
        QVERIFY(!tree.isIgnored(QStringLiteral("/p/root/.hidden"), false)); // dot-files are packed
    }
};

QTEST_GUILESS_MAIN(IgnoreRulesTest)
#include "test_ignore_rules.moc"
