#pragma once
// Process-wide counters for GET /metrics (docs/operations.md "## Metrics"), in the Prometheus
// text exposition format. Like a Prometheus client's default registry the counters are global:
// the hot paths (every HTTP response, every routed request, every durable append) only do
// relaxed atomic adds, and the exposition reads them.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace mltrack::server::metrics {

// A latency histogram with fixed bounds (seconds, Prometheus' convention): lock-free Observe.
class LatencyHistogram {
 public:
  // Upper bounds in seconds of the cumulative buckets; +Inf is implied.
  static constexpr std::array<double, 14> kBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                     0.1,    0.25,  0.5,    1,     2.5,   5,     10};
  void Observe(double seconds);
  // Bucket counts (not cumulative) with +Inf last, the sum in seconds and the count.
  struct Snapshot {
    std::array<uint64_t, kBounds.size() + 1> buckets{};
    double sum_seconds = 0;
    uint64_t count = 0;
  };
  Snapshot Read() const;

 private:
  std::array<std::atomic<uint64_t>, kBounds.size() + 1> buckets_{};
  std::atomic<uint64_t> sum_ns_{0};
  std::atomic<uint64_t> count_{0};
};

// What one route (method and path pattern, as added to the Router) has served.
struct RouteMetrics {
  RouteMetrics(std::string method_in, std::string route_in) : method(std::move(method_in)), route(std::move(route_in)) {}
  const std::string method;
  const std::string route;  // "/api/v1/events", "/api/v1/budgets/*" for a prefix route
  LatencyHistogram latency;
  std::atomic<uint64_t> body_bytes{0};  // request bodies (after Content-Encoding decoding)
};

// A value read at exposition time (queue depths, store size; or a total another component keeps,
// exposed as a counter). Unregistered when the returned handle goes away, so a server that stops
// no longer reports its queues.
struct Gauge {
  std::string name;  // "mltrack_worker_queue_depth"
  std::string help;
  std::function<double()> read;
  bool counter = false;  // only ever grows: TYPE counter (the name ends in _total)
};

class Registry {
 public:
  // The process-wide registry.
  static Registry& Global();

  // The metrics of a route, created on first use; the reference stays valid for the process.
  RouteMetrics& Route(std::string_view method, std::string_view route);
  void CountResponse(int status);
  void CountAppend(uint64_t events, uint64_t duplicates);
  void CountShed() { shed_.fetch_add(1, std::memory_order_relaxed); }

  using GaugeHandle = std::shared_ptr<void>;
  [[nodiscard]] GaugeHandle AddGauges(std::vector<Gauge> gauges);

  // The exposition of everything registered (text format 0.0.4).
  std::string Render() const;

 private:
  static constexpr int kMaxStatus = 600;
  std::array<std::atomic<uint64_t>, kMaxStatus> responses_{};
  std::atomic<uint64_t> events_{0};
  std::atomic<uint64_t> duplicates_{0};
  std::atomic<uint64_t> batches_{0};
  std::atomic<uint64_t> shed_{0};

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<RouteMetrics>> routes_;
  std::vector<std::pair<uint64_t, std::vector<Gauge>>> gauges_;
  uint64_t next_gauge_id_ = 1;
};

// Escapes a label value (backslash, double quote, newline).
std::string EscapeLabel(std::string_view value);

}  // namespace mltrack::server::metrics
