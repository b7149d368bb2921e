#include "server/metrics/metrics.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

namespace mltrack::server::metrics {

void LatencyHistogram::Observe(double seconds) {
  if (!(seconds >= 0)) seconds = 0;  // NaN or a clock step back
  const auto bucket = std::lower_bound(kBounds.begin(), kBounds.end(), seconds) - kBounds.begin();
  buckets_[static_cast<size_t>(bucket)].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<uint64_t>(std::llround(seconds * 1e9)), std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

LatencyHistogram::Snapshot LatencyHistogram::Read() const {
  Snapshot snapshot;
  for (size_t i = 0; i < buckets_.size(); ++i) snapshot.buckets[i] = buckets_[i].load(std::memory_order_relaxed);
  snapshot.sum_seconds = static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
  // The count is the buckets' total, so that +Inf equals _count even while others observe.
  for (uint64_t bucket : snapshot.buckets) snapshot.count += bucket;
  return snapshot;
}

Registry& Registry::Global() {
  static Registry* registry = new Registry();  // never destroyed: threads may count at exit
  return *registry;
}

RouteMetrics& Registry::Route(std::string_view method, std::string_view route) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& existing : routes_) {
    if (existing->method == method && existing->route == route) return *existing;
  }
  routes_.push_back(std::make_unique<RouteMetrics>(std::string(method), std::string(route)));
  return *routes_.back();
}

void Registry::CountResponse(int status) {
  if (status < 100 || status >= kMaxStatus) status = 0;
  responses_[static_cast<size_t>(status)].fetch_add(1, std::memory_order_relaxed);
}

void Registry::CountAppend(uint64_t events, uint64_t duplicates) {
  events_.fetch_add(events, std::memory_order_relaxed);
  duplicates_.fetch_add(duplicates, std::memory_order_relaxed);
  batches_.fetch_add(1, std::memory_order_relaxed);
}

Registry::GaugeHandle Registry::AddGauges(std::vector<Gauge> gauges) {
  std::lock_guard<std::mutex> lock(mutex_);
  const uint64_t id = next_gauge_id_++;
  gauges_.emplace_back(id, std::move(gauges));
  return GaugeHandle(nullptr, [this, id](void*) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::erase_if(gauges_, [id](const auto& entry) { return entry.first == id; });
  });
}

std::string EscapeLabel(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

namespace {

void Header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

std::string Number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

}  // namespace

std::string Registry::Render() const {
  std::string out;
  Header(out, "mltrack_ingest_events_total", "counter", "Events stored durably since the server started (every ingest path: API, OTLP, proxy, the demo trickle).");
  fmt::format_to(std::back_inserter(out), "mltrack_ingest_events_total {}\n", events_.load(std::memory_order_relaxed));
  Header(out, "mltrack_ingest_duplicates_total", "counter", "Events skipped because their id was stored before.");
  fmt::format_to(std::back_inserter(out), "mltrack_ingest_duplicates_total {}\n", duplicates_.load(std::memory_order_relaxed));
  Header(out, "mltrack_ingest_batches_total", "counter", "Durable appends (batches).");
  fmt::format_to(std::back_inserter(out), "mltrack_ingest_batches_total {}\n", batches_.load(std::memory_order_relaxed));
  Header(out, "mltrack_http_shed_total", "counter", "Requests refused 503 because the body budget was full.");
  fmt::format_to(std::back_inserter(out), "mltrack_http_shed_total {}\n", shed_.load(std::memory_order_relaxed));

  Header(out, "mltrack_http_responses_total", "counter", "HTTP responses by status code (0: out of range).");
  for (size_t code = 0; code < responses_.size(); ++code) {
    const uint64_t count = responses_[code].load(std::memory_order_relaxed);
    if (count > 0) fmt::format_to(std::back_inserter(out), "mltrack_http_responses_total{{code=\"{}\"}} {}\n", code, count);
  }

  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<const RouteMetrics*> routes;
  for (const auto& route : routes_) routes.push_back(route.get());
  std::sort(routes.begin(), routes.end(), [](const RouteMetrics* a, const RouteMetrics* b) {
    return std::tie(a->route, a->method) < std::tie(b->route, b->method);
  });
  Header(out, "mltrack_http_request_duration_seconds", "histogram", "Handler time per route (the Server-Timing app duration).");
  for (const RouteMetrics* route : routes) {
    const LatencyHistogram::Snapshot snapshot = route->latency.Read();
    if (snapshot.count == 0) continue;
    const std::string labels = fmt::format("method=\"{}\",route=\"{}\"", EscapeLabel(route->method), EscapeLabel(route->route));
    uint64_t cumulative = 0;
    for (size_t i = 0; i < snapshot.buckets.size(); ++i) {
      cumulative += snapshot.buckets[i];
      const std::string le = i < LatencyHistogram::kBounds.size() ? Number(LatencyHistogram::kBounds[i]) : "+Inf";
      fmt::format_to(std::back_inserter(out), "mltrack_http_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", labels, le,
                     cumulative);
    }
    fmt::format_to(std::back_inserter(out), "mltrack_http_request_duration_seconds_sum{{{}}} {}\n", labels,
                   Number(snapshot.sum_seconds));
    fmt::format_to(std::back_inserter(out), "mltrack_http_request_duration_seconds_count{{{}}} {}\n", labels, snapshot.count);
  }
  Header(out, "mltrack_http_request_body_bytes_total", "counter", "Request body bytes per route (after Content-Encoding).");
  for (const RouteMetrics* route : routes) {
    const uint64_t bytes = route->body_bytes.load(std::memory_order_relaxed);
    if (bytes == 0) continue;
    fmt::format_to(std::back_inserter(out), "mltrack_http_request_body_bytes_total{{method=\"{}\",route=\"{}\"}} {}\n",
                   EscapeLabel(route->method), EscapeLabel(route->route), bytes);
  }

  // Gauges of the same name from several registrations (two servers in one process) add up.
  struct Read {
    std::string help;
    bool counter = false;
    double value = 0;
  };
  std::map<std::string, Read> gauges;
  for (const auto& [id, registered] : gauges_) {
    for (const Gauge& gauge : registered) {
      Read& read = gauges[gauge.name];
      read.help = gauge.help;
      read.counter = gauge.counter;
      read.value += gauge.read();
    }
  }
  for (const auto& [name, read] : gauges) {
    Header(out, name, read.counter ? "counter" : "gauge", read.help);
    fmt::format_to(std::back_inserter(out), "{} {}\n", name, Number(read.value));
  }
  return out;
}

}  // namespace mltrack::server::metrics
