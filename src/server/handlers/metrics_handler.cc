#include "server/handlers/handlers.h"

#include <chrono>

#include <fmt/format.h>

#include "core/version.h"
#include "server/live/live_hub.h"
#include "server/metrics/metrics.h"

namespace mltrack::server {
namespace {

void Gauge(std::string& out, std::string_view name, std::string_view help, double value) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} gauge\n{} {}\n", name, help, name, name, value);
}

}  // namespace

// GET /metrics: the process-wide counters (metrics.h) and, read now, the store's and the live
// hub's state. Prometheus text format 0.0.4 (docs/operations.md "## Metrics").
HttpResponse HandleMetrics(AppContext& context, const HttpRequest& request) {
  std::string out = metrics::Registry::Global().Render();
  const backend::Stats stats = context.backend->GetStats();
  Gauge(out, "mltrack_store_events", "Events in the store.", double(stats.rows));
  Gauge(out, "mltrack_store_memory_bytes", "Bytes the store holds in memory (memtable, decoded segments).",
        double(stats.memory_bytes));
  if (!stats.memory_parts.empty()) {
    out += "# HELP mltrack_store_memory_part_bytes mltrack_store_memory_bytes by structure.\n"
           "# TYPE mltrack_store_memory_part_bytes gauge\n";
    for (const auto& [part, bytes] : stats.memory_parts) {
      fmt::format_to(std::back_inserter(out), "mltrack_store_memory_part_bytes{{part=\"{}\"}} {}\n",
                     metrics::EscapeLabel(part), bytes);
    }
  }
  Gauge(out, "mltrack_store_disk_bytes", "Bytes of the store on disk (segments, WAL, dictionaries).", double(stats.disk_bytes));
  Gauge(out, "mltrack_wal_files", "WAL files not yet covered by sealed segments (the replay a restart would do).",
        double(stats.wal_files));
  Gauge(out, "mltrack_store_problems", "Problems the store lives with (see /api/health).", double(stats.problems.size()));
  if (context.live != nullptr) {
    const live::LiveHubStats live = context.live->stats();
    Gauge(out, "mltrack_live_subscribers", "WebSocket clients subscribed to /api/analytics/live.", double(live.subscribers));
  }
  const auto uptime = std::chrono::steady_clock::now() - context.started;
  Gauge(out, "mltrack_uptime_seconds", "Seconds since the server started.",
        std::chrono::duration<double>(uptime).count());
  fmt::format_to(std::back_inserter(out), "# HELP mltrack_build_info The running version.\n# TYPE mltrack_build_info gauge\n"
                 "mltrack_build_info{{version=\"{}\"}} 1\n", metrics::EscapeLabel(kVersion));
  HttpResponse response;
  response.status = 200;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = std::move(out);
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

}  // namespace mltrack::server
