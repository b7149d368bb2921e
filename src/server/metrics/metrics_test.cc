#include "server/metrics/metrics.h"

#include <gtest/gtest.h>

#include <string>

namespace mltrack::server::metrics {
namespace {

// The value of the exposition line that starts with `series` ("name{labels}"); -1 when absent.
double ValueOf(const std::string& text, const std::string& series) {
  // Searched with a newline before both, so that the series starts where `at` points in `text`.
  const size_t at = ("\n" + text).find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 1));
}

TEST(LatencyHistogramTest, ObservationsLandInTheirBucketWithSumAndCount) {
  LatencyHistogram histogram;
  histogram.Observe(0.0007);  // (0.0005, 0.001]
  histogram.Observe(0.001);   // the bound itself belongs to its bucket: le="0.001"
  histogram.Observe(0.3);     // (0.25, 0.5]
  histogram.Observe(60);      // past 10 s: +Inf
  histogram.Observe(-1);      // a clock step back counts as 0 (the first bucket)
  const LatencyHistogram::Snapshot snapshot = histogram.Read();
  EXPECT_EQ(snapshot.buckets[0], 1u);
  EXPECT_EQ(snapshot.buckets[1], 2u);
  EXPECT_EQ(snapshot.buckets[9], 1u);
  EXPECT_EQ(snapshot.buckets[14], 1u);
  EXPECT_EQ(snapshot.count, 5u);
  EXPECT_NEAR(snapshot.sum_seconds, 0.0007 + 0.001 + 0.3 + 60, 1e-9);
}

TEST(RegistryTest, RendersCumulativeBucketsPerRoute) {
  Registry registry;
  RouteMetrics& route = registry.Route("POST", "/api/v1/events");
  EXPECT_EQ(&route, &registry.Route("POST", "/api/v1/events"));  // one per method and route
  route.latency.Observe(0.002);
  route.latency.Observe(0.02);
  route.body_bytes += 300;
  registry.Route("GET", "/never/called");  // no observation: no series
  const std::string text = registry.Render();
  const std::string labels = "method=\"POST\",route=\"/api/v1/events\"";
  EXPECT_EQ(ValueOf(text, "mltrack_http_request_duration_seconds_bucket{" + labels + ",le=\"0.001\"}"), 0);
  EXPECT_EQ(ValueOf(text, "mltrack_http_request_duration_seconds_bucket{" + labels + ",le=\"0.0025\"}"), 1);
  EXPECT_EQ(ValueOf(text, "mltrack_http_request_duration_seconds_bucket{" + labels + ",le=\"0.025\"}"), 2);
  EXPECT_EQ(ValueOf(text, "mltrack_http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"}"), 2);
  EXPECT_EQ(ValueOf(text, "mltrack_http_request_duration_seconds_count{" + labels + "}"), 2);
  EXPECT_NEAR(ValueOf(text, "mltrack_http_request_duration_seconds_sum{" + labels + "}"), 0.022, 1e-9);
  EXPECT_EQ(ValueOf(text, "mltrack_http_request_body_bytes_total{" + labels + "}"), 300);
  EXPECT_EQ(text.find("/never/called"), std::string::npos);
  EXPECT_NE(text.find("# TYPE mltrack_http_request_duration_seconds histogram\n"), std::string::npos);
}

TEST(RegistryTest, CountsResponsesByCodeAndAppends) {
  Registry registry;
  registry.CountResponse(200);
  registry.CountResponse(200);
  registry.CountResponse(429);
  registry.CountResponse(1000);  // out of range: code "0"
  registry.CountAppend(5, 2);
  registry.CountAppend(1, 0);
  registry.CountShed();
  const std::string text = registry.Render();
  EXPECT_EQ(ValueOf(text, "mltrack_http_responses_total{code=\"200\"}"), 2);
  EXPECT_EQ(ValueOf(text, "mltrack_http_responses_total{code=\"429\"}"), 1);
  EXPECT_EQ(ValueOf(text, "mltrack_http_responses_total{code=\"0\"}"), 1);
  EXPECT_EQ(ValueOf(text, "mltrack_http_responses_total{code=\"404\"}"), -1);  // never sent: no series
  EXPECT_EQ(ValueOf(text, "mltrack_ingest_events_total"), 6);
  EXPECT_EQ(ValueOf(text, "mltrack_ingest_duplicates_total"), 2);
  EXPECT_EQ(ValueOf(text, "mltrack_ingest_batches_total"), 2);
  EXPECT_EQ(ValueOf(text, "mltrack_http_shed_total"), 1);
}

TEST(RegistryTest, GaugesAddUpAndGoAwayWithTheirHandle) {
  Registry registry;
  double depth = 3;
  Registry::GaugeHandle first = registry.AddGauges({{"mltrack_test_depth", "A test gauge.", [&] { return depth; }}});
  Registry::GaugeHandle second = registry.AddGauges({{"mltrack_test_depth", "A test gauge.", [] { return 4.0; }}});
  EXPECT_EQ(ValueOf(registry.Render(), "mltrack_test_depth"), 7);
  depth = 10;  // read at exposition time
  EXPECT_EQ(ValueOf(registry.Render(), "mltrack_test_depth"), 14);
  first.reset();
  EXPECT_EQ(ValueOf(registry.Render(), "mltrack_test_depth"), 4);
  second.reset();
  EXPECT_EQ(registry.Render().find("mltrack_test_depth"), std::string::npos);
}

TEST(RegistryTest, ATotalKeptElsewhereIsACounter) {
  Registry registry;
  Registry::GaugeHandle handle = registry.AddGauges({
      {"mltrack_test_depth", "A test gauge.", [] { return 2.0; }},
      {"mltrack_test_things_total", "A total kept by another component.", [] { return 5.0; }, true},
  });
  const std::string text = registry.Render();
  EXPECT_NE(text.find("# TYPE mltrack_test_depth gauge\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE mltrack_test_things_total counter\n"), std::string::npos);
  EXPECT_EQ(ValueOf(text, "mltrack_test_things_total"), 5);
}

TEST(RegistryTest, LabelValuesAreEscaped) {
  EXPECT_EQ(EscapeLabel("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  Registry registry;
  registry.Route("GET", "/x\"y").latency.Observe(0.1);
  EXPECT_NE(registry.Render().find("route=\"/x\\\"y\""), std::string::npos);
}

}  // namespace
}  // namespace mltrack::server::metrics
