// SSE parsing throughput on a stream shaped like llama-server's: one ~250-byte
// chat.completion.chunk per token. Measured alone (framing) and with each chunk's JSON
// decoded (what a reply really costs per byte), fed in network-sized pieces.

#include "core/chat/ChatProtocol.h"
#include "core/chat/SseParser.h"

#include <benchmark/benchmark.h>

using namespace gantry;

namespace {

QByteArray llamaLikeStream(int tokens)
{
    QByteArray stream;
    for (int i = 0; i < tokens; ++i) {
        stream +=
            R"(data: {"choices":[{"finish_reason":null,"index":0,"delta":{"content":" word)" +
            QByteArray::number(i % 97) +
            R"("}}],"created":1764225000,"id":"chatcmpl-abcdefghijklmnop","model":"tiny.gguf","system_fingerprint":"b1-80fb11a","object":"chat.completion.chunk"})" +
            "\n\n";
    }
    stream += "data: [DONE]\n\n";
    return stream;
}

void feedInPieces(benchmark::State &state, bool decode)
{
    const QByteArray stream = llamaLikeStream(4096);
    const qsizetype piece = state.range(0);
    for (auto _ : state) {
        SseParser parser;
        qsizetype events = 0;
        for (qsizetype pos = 0; pos < stream.size(); pos += piece) {
            const QList<SseEvent> batch =
                parser.feed(QByteArrayView(stream).sliced(pos, std::min(piece, stream.size() - pos)));
            events += batch.size();
            if (decode) {
                for (const SseEvent &event : batch)
                    benchmark::DoNotOptimize(parseChatChunk(event.data));
            }
        }
        if (events != 4097)
            state.SkipWithError("wrong event count");
    }
    state.SetBytesProcessed(qint64(state.iterations()) * stream.size());
}

void BM_SseParse(benchmark::State &state)
{
    feedInPieces(state, false);
}

void BM_SseParseAndDecodeChunks(benchmark::State &state)
{
    feedInPieces(state, true);
}

} // namespace

BENCHMARK(BM_SseParse)->Arg(1)->Arg(64)->Arg(1460)->Arg(16384);
BENCHMARK(BM_SseParseAndDecodeChunks)->Arg(1460)->Arg(16384);
BENCHMARK_MAIN();
