#pragma once

// Does an offer satisfy a configuration's `resources`? dstack's semantics
// (docs/reference/dstack-configuration.md#resources-grammar): ranges are inclusive, either side open; GPU names compare
// case-insensitively; `memory` is per GPU, `total_memory` over the GPUs taken; GPU `count` counts the offer's GPUs that
// match vendor, name and memory. Every failed requirement comes back as text a user can act
// on ("needs gpu 24GB:1..; this machine has no GPU"), for the plan and the GUI.

#include "core/config/Configuration.h"
#include "core/offers/Offer.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace gantry {

struct MatchOptions {
    // Who the offer is, in messages: "this machine", "the offer".
    QString subject = QStringLiteral("this machine");
    // A divisible offer (this machine) gives a run part of itself: only the minimum of the
    // CPU, memory and disk ranges must be met, and the run takes as many matching GPUs as
    // the count range allows. A whole instance (cloud offer) must fall inside every range.
    bool divisible = false;
};

struct OfferMatch {
    QStringList unmet; // one entry per failed requirement; empty = the offer fits
    QList<int> gpusTaken; // positions in offer.resources.gpus the run would get
    bool matches() const { return unmet.isEmpty(); }
};

OfferMatch matchOffer(const Offer &offer, const ResourcesSpec &spec, const MatchOptions &options = {});

// dstack's text for a requirement set, as in the plan header's "Resources" row:
// "cpu=2.. mem=8GB.. disk=100GB.. gpu=24GB..80GB:1..".
QString resourcesSpecText(const ResourcesSpec &spec);
QString gpuSpecText(const GpuSpec &gpu); // "A100,H100:80GB:2", "nvidia:24GB..:1.."

// "16GB", "0.5GB", "1TB" is not used: dstack prints GB.
QString gbRangeText(const Range<double> &range);

} // namespace gantry
