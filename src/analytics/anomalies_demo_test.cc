// The `--demo` data's planted events are anomalies where the pages look for them, for a demo
// started at any minute of the day: its provider incident (two hours of anthropic overload errors,
// 14:00–16:00 UTC five days before the last midnight) is an error-rate anomaly of the total at the
// buckets the Performance page asks for — the 7-day range's 1h and the 30-day range's 6h — and its
// research batch job (three hours of long-context calls, 09:00–12:00 UTC ten days before the last
// midnight) a cost anomaly at the Cost page's daily bucket. The demo is made with a fixed clock (DemoOptions::end_ms) at each of
// the 24 hours of one day, so the test is the same at every hour it runs.
//
// Before the detector learnt a rate's spread in units of each bucket's binomial error, quiet night
// hours (a few dozen calls, error rates jumping by whole percents) widened the one spread of the
// series, and the incident's hour (8 % of ~900 calls against the usual 1.6 %) sat just under the
// threshold — for demos started at about 21:00–24:00 UTC (commit fece69c). With that detector 12
// of the 48 checks here fail (1h for the demo made at 10:17, 6h for eleven other hours).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "analytics/anomalies.h"
#include "core/price_catalogue.h"
#include "demo/demo_traffic.h"
#include "ingest/pricing.h"
#include "query/query_executor.h"
#include "store/memtable.h"

namespace mltrack::analytics {
namespace {

constexpr int64_t kHourMs = 3'600'000;
constexpr int64_t kDay = 1'796'515'200'000;  // 2026-12-06T00:00:00Z, a Sunday

// The demo `serve --demo` would make if started at `end_ms`, in `days` days of `events` calls,
// priced by the embedded catalogue as `serve` prices it (`prices` null: unpriced).
std::shared_ptr<const store::TableSnapshot> MakeDemo(int days, size_t events, int64_t end_ms,
                                                     const PriceCatalogue* prices = nullptr) {
  demo::DemoOptions options;
  options.days = days;
  options.events = events;
  options.end_ms = end_ms;
  store::Memtable memtable;
  demo::DemoTraffic traffic(options.seed);
  Status status = traffic.Generate(options, [&](EventBatch&& batch) {
    if (prices) ingest::PriceEvents(*prices, batch);
    memtable.Append(batch);
    return Status::OK();
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  return memtable.Snapshot();
}

// The anomalies of `keep` among those of the total for `metrics` over `from` at `bucket`, as a
// page asks (series=none).
std::vector<Anomaly> AnomaliesOf(const store::TableSnapshot& snapshot, int64_t now_ms,
                                 const std::vector<std::string>& metrics, const std::string& keep,
                                 const std::string& from, const std::string& bucket) {
  std::vector<std::pair<std::string, std::string>> params;
  for (const std::string& metric : metrics) params.emplace_back("metric", metric);
  params.insert(params.end(), {{"from", from}, {"bucket", bucket}, {"series", "none"}});
  Result<AnomalyRequest> request = ParseAnomalyRequest(params, now_ms);
  EXPECT_TRUE(request.ok()) << request.status().ToString();
  if (!request.ok()) return {};
  QueryRunner run = [&snapshot](const query::QuerySpec& spec) { return query::ExecuteQuery(spec, snapshot); };
  Result<AnomalyReport> report = DetectAnomalies(*request, run);
  EXPECT_TRUE(report.ok()) << report.status().ToString();
  std::vector<Anomaly> found;
  if (report.ok()) {
    for (const Anomaly& anomaly : report->anomalies) {
      if (anomaly.metric == keep) found.push_back(anomaly);
    }
  }
  return found;
}

bool Covers(const std::vector<Anomaly>& anomalies, int64_t start_ms, int64_t end_ms, int64_t bucket_ms) {
  for (const Anomaly& anomaly : anomalies) {
    if (anomaly.t < end_ms && anomaly.t + bucket_ms > start_ms) return true;
  }
  return false;
}

TEST(AnomaliesDemoTest, TheIncidentIsAnErrorRateAnomalyForADemoStartedAtAnyHour) {
  for (int hour = 0; hour < 24; ++hour) {
    SCOPED_TRACE("demo started at " + std::to_string(hour) + ":17 UTC");
    // `serve --demo` makes 60 days of 400,000 calls; 36 days of 275,000 have the same traffic an
    // hour at the end (1.2 % growth a day) and the range's 28 days of history, in a third less time.
    const int64_t end_ms = kDay + hour * kHourMs + 17 * 60'000;
    std::shared_ptr<const store::TableSnapshot> snapshot = MakeDemo(36, 275'000, end_ms);
    demo::DemoOptions options;
    options.days = 36;
    const demo::DemoTimeline timeline = demo::DemoTimelineFor(options, end_ms);
    for (const auto& [from, bucket, bucket_ms] :
         {std::tuple{"now-7d", "60m", kHourMs}, std::tuple{"now-30d", "360m", 6 * kHourMs}}) {
      const std::vector<Anomaly> found =
          AnomaliesOf(*snapshot, end_ms, {"p95:latency_ms", "rate:error"}, "rate:error", from, bucket);
      EXPECT_TRUE(Covers(found, timeline.incident_start_ms, timeline.incident_end_ms, bucket_ms))
          << "no error-rate anomaly at the incident, from=" << from << " bucket=" << bucket << " ("
          << found.size() << " others)";
    }
  }
}

// The Cost page asks for the total cost over its 30-day range at its daily bucket. The batch job
// sits at a fixed UTC hour, but the range's first and last days are partial and move with the
// clock: checked for demos started at six hours spread over the day (the whole 60-day demo,
// priced as `serve` prices it: unpriced, the job's calls cost nothing and nothing is found).
TEST(AnomaliesDemoTest, TheResearchJobIsACostAnomalyForADemoStartedAtAnyHour) {
  if (EmbeddedPriceCatalogue().empty()) GTEST_SKIP() << "no price catalogue embedded (make prices)";
  Result<PriceCatalogue> prices = PriceCatalogue::Parse(EmbeddedPriceCatalogue());
  ASSERT_TRUE(prices.ok()) << prices.status().ToString();
  for (int hour : {1, 5, 9, 14, 19, 22}) {
    SCOPED_TRACE("demo started at " + std::to_string(hour) + ":43 UTC");
    const int64_t end_ms = kDay + hour * kHourMs + 43 * 60'000;
    std::shared_ptr<const store::TableSnapshot> snapshot = MakeDemo(60, 400'000, end_ms, &*prices);
    const demo::DemoTimeline timeline = demo::DemoTimelineFor(demo::DemoOptions{}, end_ms);
    const int64_t day_ms = 24 * kHourMs;
    const std::vector<Anomaly> found = AnomaliesOf(*snapshot, end_ms, {"sum:cost_usd"}, "sum:cost_usd", "now-30d", "1440m");
    EXPECT_TRUE(Covers(found, timeline.spike_start_ms, timeline.spike_end_ms, day_ms))
        << "no cost anomaly on the batch job's day (" << found.size() << " others)";
  }
}

}  // namespace
}  // namespace mltrack::analytics
