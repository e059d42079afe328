#pragma once

// gitignore semantics, for packing a folder the way dstack's client packs `files:` (its walker
// respects .gitignore, .ignore and .dstackignore files, nested per directory and in the
// folder's ancestors). Pure: one file's rules are parsed from text; IgnoreTree reads the files.
//
// Syntax (gitignore(5)): blank lines and `#` comments are skipped; trailing spaces are dropped
// unless escaped; `!` negates (the last matching rule of a file decides); a trailing `/` matches
// directories only; a `/` at the start or in the middle anchors the pattern to the file's
// folder, otherwise it matches a name at any depth; `*`, `?`, `[a-z]`/`[!a-z]` match within
// one path component; `**/` matches any number of folders, a trailing `/**` everything inside;
// `\` escapes the next character.

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>

#include <vector>

namespace gantry {

enum class IgnoreMatch { None, Ignore, Whitelist };

// The rules of one ignore file, matched against paths relative to the folder holding it.
class IgnoreRules
{
public:
    static IgnoreRules parse(const QByteArray &text);

    // relativePath uses '/' and has no leading "./"; isDir says whether it names a folder.
    IgnoreMatch match(const QString &relativePath, bool isDir) const;
    bool isEmpty() const { return m_rules.empty(); }

private:
    struct Rule {
        QStringList segments; // pattern components; "**" alone is any number of components
        bool negated = false;
        bool dirOnly = false;
        bool anchored = false; // matched against the whole relative path, else its last component
    };
    std::vector<Rule> m_rules;
};

// Every ignore file that applies inside one folder: its ancestors' (read at construction) and
// its own subfolders' (read as the walk enters them, with enter()). The order of precedence is
// that of the walker dstack uses: a rule of a `.dstackignore` beats one of `.ignore`, which
// beats `.gitignore`, which beats `.git/info/exclude`; within a kind, the deepest folder's
// file with a matching rule decides.
class IgnoreTree
{
public:
    // root: an absolute, clean folder path (the folder being packed).
    explicit IgnoreTree(const QString &root);

    // Reads the ignore files of `folder` (absolute, inside root). Call before asking about
    // anything inside it.
    void enter(const QString &folder);
    bool isIgnored(const QString &absolutePath, bool isDir) const;

    // Test seam: give a folder's rules directly (kind: ".dstackignore", ".ignore", ".gitignore",
    // ".git/info/exclude").
    void setRules(const QString &folder, const QString &kind, const QByteArray &text);

private:
    struct FolderRules {
        IgnoreRules byKind[4]; // in order of precedence
    };
    void read(const QString &folder);

    QString m_root;
    QHash<QString, FolderRules> m_folders; // absolute folder → its rules
};

} // namespace gantry
