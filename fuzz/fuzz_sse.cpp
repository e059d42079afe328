// The SSE parser (fed in pieces the first byte chooses) and the chat chunk decoder on each
// event, plus the error-body reader. Bounded memory, no crash, no throw.
#include "core/chat/ChatProtocol.h"
#include "core/chat/SseParser.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const size_t step = 1 + data[0] % 64;
    const QByteArrayView input(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1));
    gantry::SseParser parser(64 * 1024); // small limits, so the fuzzer reaches them
    QList<gantry::SseEvent> events;
    for (qsizetype at = 0; at < input.size(); at += qsizetype(step))
        events += parser.feed(input.sliced(at, std::min<qsizetype>(qsizetype(step), input.size() - at)));
    gantry::SseParser whole(64 * 1024);
    const QList<gantry::SseEvent> once = whole.feed(input);
    if (parser.error().isEmpty() && whole.error().isEmpty() && events != once)
        __builtin_trap(); // splitting must never change the events
    for (const gantry::SseEvent &event : events) {
        const gantry::ChatChunk chunk = gantry::parseChatChunk(event.data);
        (void)chunk;
        (void)gantry::errorMessageFromBody(event.data);
    }
    (void)gantry::errorMessageFromBody(input);
    QString error;
    (void)gantry::modelIdsFromBody(input, &error);
    return 0;
}
