#pragma once

// Lets QCOMPARE print chat enums by name when a comparison fails.

#include "core/chat/ChatTypes.h"

#include <QTest>

namespace QTest {
template <>
inline char *toString(const gantry::ReplyStatus &status)
{
    return qstrdup(qPrintable(gantry::replyStatusToString(status)));
}
} // namespace QTest
