#pragma once

// A YAML document as a small tree that remembers where every node came from.
//
// Built from yaml-cpp's event parser rather than YAML::Node: one arena, no shared pointers,
// keys kept as nodes (with their own line and column), and duplicate keys detected — yaml-cpp
// itself accepts them silently. Input that is not YAML (NUL bytes, invalid UTF-8, tabs used
// for indentation, several documents) is refused up front with one diagnostic that says where.

#include <QByteArray>
#include <QString>

#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace gantry::yaml {

enum class Kind { Null, Scalar, Sequence, Map };

struct Node {
    Kind kind = Kind::Null;
    bool plain = true; // an unquoted scalar: typed by YAML 1.1 rules (yes/off → bool, 3.10 → float)
    int line = 0; // 1-based
    int column = 0; // 1-based
    std::string text; // scalars only
    // Sequence: the items. Map: key, value, key, value… (keys are nodes too).
    std::vector<const Node *> children;

    bool isNull() const { return kind == Kind::Null || (kind == Kind::Scalar && plain && isNullWord(text)); }
    bool isScalar() const { return kind == Kind::Scalar; }
    bool isMap() const { return kind == Kind::Map; }
    bool isSequence() const { return kind == Kind::Sequence; }
    QString string() const { return QString::fromStdString(text); }

    size_t mapSize() const { return children.size() / 2; }
    const Node &key(size_t i) const { return *children[2 * i]; }
    const Node &value(size_t i) const { return *children[2 * i + 1]; }
    const Node *find(std::string_view key) const; // map value by key, nullptr if absent

    static bool isNullWord(std::string_view s)
    {
        return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
    }
};

struct Problem {
    int line = 0;
    int column = 0;
    QString message;
    bool warning = false; // the text still reads as dstack reads it (duplicate keys)
};

struct Document {
    const Node *root = nullptr; // nullptr when the input is empty or unusable
    std::vector<Problem> problems; // fatal syntax problem (at most one), then duplicate keys (warnings)
    bool fatal = false; // the input could not be parsed at all

    std::deque<Node> arena; // owns every node (deque: stable addresses)
};

// Parses `data`: the fast reader for the common subset when it applies, else yaml-cpp.
// Never throws.
void parse(const QByteArray &data, Document &out);

// The two readers behind parse(), for tests that compare them. parseCommonSubset() returns
// false (leaving `out` empty) for anything outside its subset; parseWithYamlCpp() takes all
// input but assumes checkInput() passed.
bool parseCommonSubset(const QByteArray &data, Document &out);
void parseWithYamlCpp(const QByteArray &data, Document &out);

// "\r\n" → "\n" (no line or column moves); both readers see Unix line ends.
QByteArray withUnixLineEnds(const QByteArray &data);

// Refuses what is not YAML text (NUL, control characters, invalid UTF-8, tab indentation)
// with one problem in `out`; true when the input may be parsed.
bool checkInput(const QByteArray &data, Document &out);

// Drops the second and later occurrences of a key from a mapping, with a problem each.
void removeDuplicateKeys(Node &map, Document &doc);

// YAML 1.1 scalar typing, as the PyYAML loader of the dstack CLI does it.
bool isBoolWord(std::string_view s, bool *value);
bool isIntWord(std::string_view s, long long *value);
bool isFloatWord(std::string_view s, double *value);

} // namespace gantry::yaml
