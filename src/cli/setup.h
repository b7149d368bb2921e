#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "core/price_catalogue.h"
#include "core/status.h"
#include "demo/demo_traffic.h"
#include "analytics/annotation_store.h"
#include "analytics/report_store.h"
#include "backend/backend.h"

namespace mltrack::cli {

// The embedded price catalogue, extended or overridden by `prices_file` when given. Fails when
// the file cannot be read or parsed; warns (to stderr) when the embedded catalogue is empty.
Result<PriceCatalogue> LoadPrices(const std::optional<std::string>& prices_file);

// Writes demo traffic into `backend`, priced like ingested events. Returns the events stored.
Result<size_t> WriteDemoTraffic(backend::Backend& backend, const PriceCatalogue& prices,
                                const demo::DemoOptions& options);

// The annotations that explain the demo history of `timeline`: the gateway deploy shortly
// before the anthropic incident, the incident itself, its rollback, the prompt v3 rollout and
// the research batch job. Added to `annotations` only when it holds none.
Status WriteDemoAnnotations(analytics::AnnotationStore& annotations, const demo::DemoTimeline& timeline,
                            int64_t now_ms);

// Three saved reports of the report builder over the demo traffic (cost per model by day, p95
// latency per provider, error rate per team), so /explore opens with examples. Added to
// `reports` only when it holds none.
Status WriteDemoReports(analytics::ReportStore& reports, int64_t now_ms);

}  // namespace mltrack::cli
