#include "core/runs/LogLevel.h"

#include <QRegularExpression>

namespace gantry {

namespace {

// Only the head of a line is looked at: a level is stated before the message, and a message
// that merely mentions "error" later on is not an error line.
constexpr qsizetype kHead = 96;

LogLevel fromWord(QStringView word)
{
    const QString w = word.toString().toUpper();
    if (w == QLatin1String("E") || w == QLatin1String("F") || w == QLatin1String("ERROR") ||
        w == QLatin1String("ERR") || w == QLatin1String("FATAL") || w == QLatin1String("CRITICAL") ||
        w == QLatin1String("PANIC"))
        return LogLevel::Error;
    if (w == QLatin1String("W") || w == QLatin1String("WARN") || w == QLatin1String("WARNING"))
        return LogLevel::Warning;
    if (w == QLatin1String("I") || w == QLatin1String("INFO") || w == QLatin1String("NOTICE"))
        return LogLevel::Info;
    if (w == QLatin1String("D") || w == QLatin1String("DEBUG") || w == QLatin1String("TRACE"))
        return LogLevel::Debug;
    return LogLevel::None;
}

} // namespace

LogLevel logLevelOf(QStringView text)
{
    const QStringView head = text.left(kHead);
    // One letter first: "E ..." / "0.00.012.345 W ..." (llama.cpp), "E1129 12:00:00.1 ..." (glog).
    static const QRegularExpression letter(QStringLiteral(R"(^\s*(?:[\d.:]+\s+)?([EWID])(?:\s|\d{4} \d\d:))"));
    if (const QRegularExpressionMatch m = letter.match(head); m.hasMatch())
        return fromWord(m.capturedView(1));
    // logfmt.
    static const QRegularExpression logfmt(QStringLiteral(R"(\blevel=\"?(\w+))"),
                                           QRegularExpression::CaseInsensitiveOption);
    if (const QRegularExpressionMatch m = logfmt.match(head); m.hasMatch())
        return fromWord(m.capturedView(1));
    // A level word: upper case as a word ("INFO 04-10", "  WARN text_generation", "ERROR:root:"),
    // or any case in brackets ("[error]", "[Warning]").
    static const QRegularExpression word(
        QStringLiteral(R"(\b(ERROR|ERR|FATAL|CRITICAL|PANIC|WARNING|WARN|INFO|NOTICE|DEBUG|TRACE)\b)"));
    static const QRegularExpression bracket(QStringLiteral(R"(\[(error|warn|warning|info|debug)\])"),
                                            QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch w = word.match(head);
    const QRegularExpressionMatch b = bracket.match(head);
    if (w.hasMatch() && (!b.hasMatch() || w.capturedStart() <= b.capturedStart()))
        return fromWord(w.capturedView(1));
    if (b.hasMatch())
        return fromWord(b.capturedView(1));
    return LogLevel::None;
}

} // namespace gantry
