#pragma once

// Shared by the config suites: parse YAML text and look at the outcome.

#include "core/config/ConfigParser.h"

#include <QStringList>
#include <QTest>

// nlohmann::json does not go through QCOMPARE (ambiguous conversions); compare the text.
#define QCOMPARE_JSON(actual, expected)                                                                                \
    QCOMPARE(QString::fromStdString(nlohmann::json(actual).dump()),                                                    \
             QString::fromStdString(nlohmann::json(expected).dump()))

namespace gantry::test {

inline QString describe(const Diagnostics &diagnostics)
{
    QStringList lines;
    for (const Diagnostic &d : diagnostics)
        lines << d.toString();
    return lines.join(QLatin1Char('\n'));
}

// "line:col: severity: message" without the file, for compact expectations.
inline QStringList located(const Diagnostics &diagnostics)
{
    QStringList out;
    for (const Diagnostic &d : diagnostics)
        out << QStringLiteral("%1:%2: %3: %4").arg(d.line).arg(d.column).arg(d.severityName(), d.message);
    return out;
}

inline ParseResult parseText(const QByteArray &yaml)
{
    return parseConfiguration(yaml, QStringLiteral("test.dstack.yml"));
}

// A minimal valid service with `extra` appended (YAML lines).
inline QByteArray service(const QByteArray &extra)
{
    return QByteArray("type: service\nport: 8000\ncommands:\n  - python3 -m http.server 8000\n") + extra;
}

} // namespace gantry::test
