#pragma once

// What the offers table's filter bar asks for. Empty / zero fields mean "any".

#include <QString>

#include <optional>

namespace gantry {

enum class SpotFilter { Any, SpotOnly, OnDemandOnly };

struct OfferFilter {
    QString gpuName; // case-insensitive substring of the GPU name ("a100"); offers carry one GPU model
    double minGpuMemoryGb = 0; // per GPU
    int minGpuCount = 0;
    QString backend; // exact backend id, case-insensitive ("aws")
    QString region; // case-insensitive substring ("us-")
    SpotFilter spot = SpotFilter::Any;
    std::optional<double> maxPrice; // $/hour, inclusive
    double minTotalGpuMemoryGb = 0; // all the offer's GPUs together: hides those too small for the model

    bool isEmpty() const
    {
        return gpuName.isEmpty() && minGpuMemoryGb <= 0 && minGpuCount <= 0 && backend.isEmpty() && region.isEmpty() &&
               spot == SpotFilter::Any && !maxPrice && minTotalGpuMemoryGb <= 0;
    }
    friend bool operator==(const OfferFilter &, const OfferFilter &) = default;
};

} // namespace gantry
