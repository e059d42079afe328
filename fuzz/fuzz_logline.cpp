// The log-line format: whatever a process prints becomes valid UTF-8 lines of bounded length,
// and any line (written by us or not) decodes without a crash.
#include "core/runs/LogLineFormat.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    const gantry::LogLine line = gantry::parseLogLine(input);
    (void)line;
    // What the writer is given: the bytes between two newlines.
    const qsizetype newline = input.indexOf('\n');
    const QByteArrayView text = newline < 0 ? input : input.first(newline);
    QByteArray out;
    gantry::appendFormattedLine(out, "2026-01-01T00:00:00.000Z stdout ", text);
    if (!QByteArrayView(out).isValidUtf8())
        __builtin_trap();
    qsizetype start = 0;
    while (start < out.size()) {
        const qsizetype nl = out.indexOf('\n', start);
        if (nl < 0 || nl - start > gantry::kMaxLogLineBytes)
            __builtin_trap();
        (void)gantry::parseLogLine(QByteArrayView(out).sliced(start, nl - start));
        start = nl + 1;
    }
    const qsizetype cut = gantry::utf8CutBefore(input, 7);
    if (cut > input.size() || (input.size() > 7 && (cut <= 0 || cut > 7)))
        __builtin_trap();
    const gantry::LogTextMatcher matcher(QString::fromUtf8(input.first(std::min<qsizetype>(input.size(), 8))));
    (void)matcher.matches(input);
    return 0;
}
