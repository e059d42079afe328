// The offers table at 100k offers: sort by price / region, and filter, as the GUI does them.
// Targets (issue 5): sort ≤ 20 ms, filter ≤ 10 ms.

#include "core/models/OffersModel.h"

#include <benchmark/benchmark.h>

#include <QCoreApplication>

#include <random>

using namespace gantry;

namespace {

QList<Offer> generateOffers(int count)
{
    const char *backends[] = {"aws", "gcp", "azure", "lambda", "runpod", "vastai", "oci", "remote"};
    const char *regions[] = {"us-east-1", "us-west-2",      "eu-west-1",   "europe-west4", "asia-east1",
                             "CA-MTL-1",  "ap-northeast-1", "us-central1", "eu-central-1", "sa-east-1"};
    struct Gpu {
        const char *name;
        int mib;
    };
    const Gpu gpus[] = {{"", 0},         {"T4", 16384},   {"L4", 24576},   {"A10G", 24576},
                        {"A100", 40960}, {"A100", 81920}, {"H100", 81920}, {"RTX4090", 24576}};
    std::mt19937 rng(42);
    QList<Offer> offers;
    offers.reserve(count);
    for (int i = 0; i < count; ++i) {
        Offer o;
        o.backend = QString::fromLatin1(backends[rng() % 8]);
        o.region = QString::fromLatin1(regions[rng() % 10]);
        o.instanceName = QStringLiteral("type-%1").arg(rng() % 500);
        const Gpu &g = gpus[rng() % 8];
        const int n = g.mib ? 1 << (rng() % 4) : 0;
        for (int k = 0; k < n; ++k)
            o.resources.gpus.append({QString::fromLatin1(g.name), g.mib, QStringLiteral("nvidia")});
        o.resources.cpus = 2 << (rng() % 6);
        o.resources.memoryMib = 4096LL << (rng() % 7);
        o.resources.spot = rng() % 3 == 0;
        o.price = double(rng() % 400000) / 10000.0;
        o.availability = rng() % 10 == 0 ? QStringLiteral("not_available") : QStringLiteral("available");
        offers.append(o);
    }
    return offers;
}

OffersModel &model100k()
{
    static OffersModel model;
    static bool ready = false;
    if (!ready) {
        model.setOffers(generateOffers(100000));
        ready = true;
    }
    return model;
}

void sortColumn(benchmark::State &state, int column)
{
    OffersModel &m = model100k();
    m.setFilter({});
    bool ascending = false;
    for (auto _ : state) {
        m.sort(column, ascending ? Qt::AscendingOrder : Qt::DescendingOrder);
        ascending = !ascending;
        benchmark::DoNotOptimize(m.offerIndexAt(0));
    }
    state.SetLabel("100k offers");
}

void BM_SortByPrice(benchmark::State &state)
{
    sortColumn(state, OffersModel::Price);
}
void BM_SortByRegion(benchmark::State &state)
{
    sortColumn(state, OffersModel::Region);
}
void BM_SortByResources(benchmark::State &state)
{
    sortColumn(state, OffersModel::Resources);
}

void BM_FilterGpuAndPrice(benchmark::State &state)
{
    OffersModel &m = model100k();
    m.sort(OffersModel::Price, Qt::AscendingOrder);
    OfferFilter a;
    a.gpuName = QStringLiteral("a100");
    a.maxPrice = 20.0;
    OfferFilter b;
    b.region = QStringLiteral("us-");
    b.spot = SpotFilter::OnDemandOnly;
    b.minGpuMemoryGb = 24;
    bool flip = false;
    for (auto _ : state) {
        m.setFilter(flip ? a : b);
        flip = !flip;
        benchmark::DoNotOptimize(m.shownCount());
    }
    state.SetLabel("100k offers");
}

void BM_LoadPlan(benchmark::State &state)
{
    const QList<Offer> offers = generateOffers(100000);
    for (auto _ : state) {
        OffersModel m;
        m.setOffers(offers);
        benchmark::DoNotOptimize(m.rowCount());
    }
    state.SetLabel("100k offers: pack + intern + first sort");
}

} // namespace

BENCHMARK(BM_SortByPrice)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SortByRegion)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SortByResources)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FilterGpuAndPrice)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LoadPlan)->Unit(benchmark::kMillisecond);

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
