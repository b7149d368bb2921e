#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "core/price_catalogue.h"
#include "core/status.h"
#include "ingest/demo_traffic.h"
#include "backend/backend.h"

namespace mltrack::cli {

// The embedded price catalogue, extended or overridden by `prices_file` when given. Fails when
// the file cannot be read or parsed; warns (to stderr) when the embedded catalogue is empty.
Result<PriceCatalogue> LoadPrices(const std::optional<std::string>& prices_file);

// Writes demo traffic into `backend`, priced like ingested events. Returns the events stored.
Result<size_t> WriteDemoTraffic(backend::Backend& backend, const PriceCatalogue& prices,
                                const ingest::DemoOptions& options);

}  // namespace mltrack::cli
