// Opening a 2,000-message conversation (target ≤ 50 ms): open the database and load the
// shown thread, as the chat panel does when a conversation is picked. Also the cost of
// persisting a streamed reply token by token (batched appends + finish).

#include "core/chat/ConversationStore.h"

#include <QCoreApplication>
#include <QDir>
#include <QTemporaryDir>

#include "bench/common/BenchSupport.h"

#include <benchmark/benchmark.h>

using namespace gantry;

namespace {

struct Fixture {
    QTemporaryDir dir;
    QString path;
    qint64 conversation = 0;

    Fixture()
    {
        path = dir.path() + QStringLiteral("/chat.sqlite");
        ConversationStore store;
        store.open(path, nullptr);
        conversation = store
                           .createConversation(QStringLiteral("http://127.0.0.1:8000/v1"), QStringLiteral("tiny"),
                                               QStringLiteral("Long"))
                           .value_or(-1);
        ChatParameters params;
        params.maxTokens = 512;
        params.temperature = 0.7;
        ReplyMetrics metrics;
        metrics.timeToFirstTokenMs = 40;
        metrics.completionTokens = 180;
        metrics.promptTokens = 900;
        metrics.usageFromServer = true;
        metrics.tokensPerSecond = 42.5;
        const QString question =
            QStringLiteral("How would I deploy this model on two GPUs with spot instances? ").repeated(2);
        const QString answer =
            QStringLiteral("You would set resources.gpu to 2 and spot_policy to auto; then ").repeated(12);
        qint64 parent = 0;
        for (int i = 0; i < 1000; ++i) {
            parent = store.addMessage(conversation, parent, MessageRole::User, question).value_or(-1);
            parent =
                store.addMessage(conversation, parent, MessageRole::Assistant, answer, ReplyStatus::Complete, params)
                    .value_or(-1);
            store.finishMessage(parent, ReplyStatus::Complete, metrics);
        }
    }
};

Fixture &fixture()
{
    static Fixture f;
    return f;
}

void BM_OpenConversation2000(benchmark::State &state)
{
    Fixture &f = fixture();
    for (auto _ : state) {
        ConversationStore store;
        store.open(f.path, nullptr);
        const QList<StoredMessage> path = store.activePath(f.conversation);
        if (path.size() != 2000)
            state.SkipWithError("wrong message count");
        benchmark::DoNotOptimize(path);
    }
    state.SetLabel("open + activePath, 2000 messages");
}

void BM_ActivePath2000(benchmark::State &state)
{
    Fixture &f = fixture();
    ConversationStore store;
    store.open(f.path, nullptr);
    for (auto _ : state)
        benchmark::DoNotOptimize(store.activePath(f.conversation));
}

void BM_StreamReply500Tokens(benchmark::State &state)
{
    Fixture &f = fixture();
    ConversationStore store;
    store.open(f.path, nullptr);
    for (auto _ : state) {
        const qint64 id =
            store.addMessage(f.conversation, 0, MessageRole::Assistant, QString(), ReplyStatus::Streaming).value_or(-1);
        for (int i = 0; i < 500; ++i) {
            store.appendText(id, QStringLiteral(" token"));
            if (i % 50 == 49)
                store.flush(); // the 150 ms timer fires ~every 50 tokens at 300 tok/s
        }
        store.finishMessage(id, ReplyStatus::Complete, ReplyMetrics());
    }
}

} // namespace

BENCHMARK(BM_OpenConversation2000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ActivePath2000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_StreamReply500Tokens)->Unit(benchmark::kMillisecond);

int main(int argc, char **argv)
{
    return gantry::bench::runBenchmarks<QCoreApplication>(argc, argv); // QSqlDatabase wants one
}
