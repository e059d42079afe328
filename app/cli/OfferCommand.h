#pragma once

#include <QStringList>

namespace gantry::cli {

// gantry-cli offer: see OfferCommand.cpp for its options.
int runOffer(const QStringList &args);

} // namespace gantry::cli
