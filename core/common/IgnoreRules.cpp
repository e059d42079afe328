#include "core/common/IgnoreRules.h"

#include <QDir>
#include <QFile>

namespace gantry {

namespace {

const char *const kKinds[4] = {".dstackignore", ".ignore", ".gitignore", ".git/info/exclude"};

// A `[...]` class at pattern[i] (i at '['): whether c is in it; *end is past the ']'. A class
// without its closing bracket is a literal '['.
bool classMatches(const QString &pattern, qsizetype i, QChar c, qsizetype *end)
{
    qsizetype j = i + 1;
    bool negated = false;
    if (j < pattern.size() && (pattern[j] == QLatin1Char('!') || pattern[j] == QLatin1Char('^'))) {
        negated = true;
        ++j;
    }
    bool matched = false;
    bool first = true;
    while (j < pattern.size() && (first || pattern[j] != QLatin1Char(']'))) {
        first = false;
        QChar lo = pattern[j];
        if (lo == QLatin1Char('\\') && j + 1 < pattern.size())
            lo = pattern[++j];
        QChar hi = lo;
        if (j + 2 < pattern.size() && pattern[j + 1] == QLatin1Char('-') && pattern[j + 2] != QLatin1Char(']')) {
            hi = pattern[j + 2];
            if (hi == QLatin1Char('\\') && j + 3 < pattern.size()) {
                hi = pattern[j + 3];
                ++j;
            }
            j += 2;
        }
        if (c >= lo && c <= hi)
            matched = true;
        ++j;
    }
    if (j >= pattern.size()) { // unterminated: '[' is itself
        *end = i + 1;
        return c == QLatin1Char('[');
    }
    *end = j + 1;
    return matched != negated;
}

// One path component against one pattern component (no '/' in either).
bool componentMatches(const QString &pattern, const QString &name)
{
    qsizetype p = 0, n = 0;
    qsizetype starP = -1, starN = -1; // where to resume after the last '*'
    while (n < name.size()) {
        if (p < pattern.size()) {
            const QChar pc = pattern[p];
            if (pc == QLatin1Char('*')) {
                while (p < pattern.size() && pattern[p] == QLatin1Char('*'))
                    ++p; // `a**b` within a component is one star
                starP = p;
                starN = n;
                continue;
            }
            if (pc == QLatin1Char('?')) {
                ++p;
                ++n;
                continue;
            }
            if (pc == QLatin1Char('[')) {
                qsizetype end = p + 1;
                if (classMatches(pattern, p, name[n], &end)) {
                    p = end;
                    ++n;
                    continue;
                }
            } else {
                QChar literal = pc;
                qsizetype next = p + 1;
                if (pc == QLatin1Char('\\') && p + 1 < pattern.size()) {
                    literal = pattern[p + 1];
                    next = p + 2;
                }
                if (literal == name[n]) {
                    p = next;
                    ++n;
                    continue;
                }
            }
        }
        if (starP < 0)
            return false;
        p = starP;
        n = ++starN;
    }
    while (p < pattern.size() && pattern[p] == QLatin1Char('*'))
        ++p;
    return p == pattern.size();
}

bool segmentsMatch(const QStringList &pattern, qsizetype i, const QStringList &path, qsizetype j)
{
    if (i == pattern.size())
        return j == path.size();
    if (pattern[i] == QLatin1String("**")) {
        if (i + 1 == pattern.size())
            return path.size() - j >= 1; // `dir/**`: everything inside, not dir itself
        for (qsizetype k = j; k <= path.size(); ++k)
            if (segmentsMatch(pattern, i + 1, path, k))
                return true;
        return false;
    }
    if (j == path.size())
        return false;
    return componentMatches(pattern[i], path[j]) && segmentsMatch(pattern, i + 1, path, j + 1);
}

// Trailing whitespace goes unless a backslash escapes it.
QString withoutTrailingSpace(QString line)
{
    qsizetype end = line.size();
    while (end > 0 && line[end - 1].isSpace()) {
        if (end > 1 && line[end - 2] == QLatin1Char('\\'))
            break;
        --end;
    }
    line.truncate(end);
    return line;
}

} // namespace

IgnoreRules IgnoreRules::parse(const QByteArray &text)
{
    IgnoreRules rules;
    for (const QByteArray &raw : text.split('\n')) {
        QString line = withoutTrailingSpace(QString::fromUtf8(raw.endsWith('\r') ? raw.chopped(1) : raw));
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        Rule rule;
        if (line.startsWith(QLatin1Char('!'))) {
            rule.negated = true;
            line.remove(0, 1);
        } else if (line.startsWith(QLatin1String("\\!")) || line.startsWith(QLatin1String("\\#"))) {
            line.remove(0, 1);
        }
        if (line.endsWith(QLatin1Char('/'))) {
            rule.dirOnly = true;
            while (line.endsWith(QLatin1Char('/')))
                line.chop(1);
        }
        rule.anchored = line.contains(QLatin1Char('/'));
        while (line.startsWith(QLatin1Char('/')))
            line.remove(0, 1);
        if (line.isEmpty())
            continue;
        rule.segments = line.split(QLatin1Char('/'), Qt::SkipEmptyParts);
        rules.m_rules.push_back(std::move(rule));
    }
    return rules;
}

IgnoreMatch IgnoreRules::match(const QString &relativePath, bool isDir) const
{
    const QStringList path = relativePath.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    if (path.isEmpty())
        return IgnoreMatch::None;
    for (auto rule = m_rules.rbegin(); rule != m_rules.rend(); ++rule) { // the last matching rule decides
        if (rule->dirOnly && !isDir)
            continue;
        const bool hit = rule->anchored
                             ? segmentsMatch(rule->segments, 0, path, 0)
                             : rule->segments.size() == 1 && componentMatches(rule->segments.first(), path.last());
        if (hit)
            return rule->negated ? IgnoreMatch::Whitelist : IgnoreMatch::Ignore;
    }
    return IgnoreMatch::None;
}

IgnoreTree::IgnoreTree(const QString &root)
    : m_root(QDir::cleanPath(root))
{
    // The ancestors' files apply too (dstack's walker reads parents, with or without git).
    QString folder = m_root;
    while (folder.size() > 1) {
        const qsizetype cut = folder.lastIndexOf(QLatin1Char('/'));
        if (cut < 0)
            break; // not absolute: no ancestors to read
        folder = cut == 0 ? QStringLiteral("/") : folder.left(cut);
        read(folder);
    }
}

void IgnoreTree::enter(const QString &folder)
{
    read(QDir::cleanPath(folder));
}

void IgnoreTree::read(const QString &folder)
{
    FolderRules rules;
    bool any = false;
    for (int k = 0; k < 4; ++k) {
        QFile file(folder + QLatin1Char('/') + QLatin1String(kKinds[k]));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        rules.byKind[k] = IgnoreRules::parse(file.read(1024 * 1024));
        any = any || !rules.byKind[k].isEmpty();
    }
    if (any)
        m_folders.insert(folder, rules);
}

void IgnoreTree::setRules(const QString &folder, const QString &kind, const QByteArray &text)
{
    for (int k = 0; k < 4; ++k)
        if (kind == QLatin1String(kKinds[k]))
            m_folders[QDir::cleanPath(folder)].byKind[k] = IgnoreRules::parse(text);
}

bool IgnoreTree::isIgnored(const QString &absolutePath, bool isDir) const
{
    const QString path = QDir::cleanPath(absolutePath);
    // dstack's one override: the packed folder's own .git is never packed.
    if (isDir && path == m_root + QStringLiteral("/.git"))
        return true;
    for (int kind = 0; kind < 4; ++kind) {
        qsizetype cut = path.lastIndexOf(QLatin1Char('/'));
        while (cut >= 0) {
            const QString folder = cut == 0 ? QStringLiteral("/") : path.left(cut);
            const auto it = m_folders.constFind(folder);
            if (it != m_folders.cend()) {
                const IgnoreMatch m = it->byKind[kind].match(path.mid(cut + 1), isDir);
                if (m != IgnoreMatch::None)
                    return m == IgnoreMatch::Ignore;
            }
            if (cut == 0)
                break;
            cut = path.lastIndexOf(QLatin1Char('/'), cut - 1);
        }
    }
    return false;
}

} // namespace gantry
