// dstack's JSON → Gantry's models: any JSON a server may send (run, plan, metrics, error
// body). Bytes that are not JSON are skipped; JSON of any shape must not crash or throw.
#include "core/backends/dstack/DstackError.h"
#include "core/backends/dstack/DstackModels.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body(reinterpret_cast<const char *>(data), qsizetype(size));
    (void)gantry::dstackHttpError(
        400, body, {QStringLiteral("http://127.0.0.1:3000"), QStringLiteral("main"), QStringLiteral("/api/x")});
    (void)gantry::dstackHttpError(
        404, body, {QStringLiteral("http://127.0.0.1:3000"), QStringLiteral("main"), QStringLiteral("/api/x")});
    (void)gantry::dstackHttpError(
        500, body, {QStringLiteral("http://127.0.0.1:3000"), QStringLiteral("main"), QStringLiteral("/api/x")});
    const nlohmann::json j = nlohmann::json::parse(body.constData(), body.constData() + body.size(), nullptr, false);
    if (j.is_discarded())
        return 0;
    (void)gantry::dstackRunInfo(j, QStringLiteral("http://127.0.0.1:3000"));
    (void)gantry::dstackCurrentSubmissionId(j);
    (void)gantry::dstackPlan(j, 1);
    (void)gantry::dstackResourcesText(j);
    (void)gantry::dstackMetricSamples(j);
    (void)gantry::dstackDateTime(j);
    return 0;
}
