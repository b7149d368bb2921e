// The Performance dashboard on real measured requests: llmperf-leaderboard's 2,795 calls to 8
// hosted APIs (../shared/data/traces/llmperf-leaderboard, PROVENANCE.md). Latency and TTFT
// p50/p95/p99 and the error rate per provider, per model and per (provider, model) must be
// within 1 % of numpy's linear-interpolation percentiles computed here, independently, from the
// same JSON. Groups of more than 1,024 values go through the percentile sketch.
#include "analytics/performance.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <vector>

#include "query/query_executor.h"
#include "store/memtable.h"

namespace mltrack::analytics {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kStart = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

// numpy.percentile(values, level) with its default method="linear".
double NumpyPercentile(std::vector<double> values, double level) {
  std::sort(values.begin(), values.end());
  const double h = level / 100.0 * static_cast<double>(values.size() - 1);
  const size_t low = static_cast<size_t>(std::floor(h));
  const size_t high = std::min(low + 1, values.size() - 1);
  return values[low] + (h - static_cast<double>(low)) * (values[high] - values[low]);
}

// The requests of one group, as the test reads them from the JSON.
struct Group {
  std::vector<double> latency_ms, ttft_ms;
  int64_t calls = 0, errors = 0;
  void Add(const Group& other) {
    latency_ms.insert(latency_ms.end(), other.latency_ms.begin(), other.latency_ms.end());
    ttft_ms.insert(ttft_ms.end(), other.ttft_ms.begin(), other.ttft_ms.end());
    calls += other.calls;
    errors += other.errors;
  }
};

fs::path LlmperfDir() {
  const char* source = std::getenv("MLTRACK_SOURCE_DIR");
  return fs::path(source && *source ? source : MLTRACK_SOURCE_DIR) / ".." / "shared" / "data" / "traces" /
         "llmperf-leaderboard" / "individual";
}

class LlmperfPerformanceTest : public ::testing::Test {
 protected:
  // One event per measured request: provider = the file's framework, model = llama-2-<size>-chat.
  // A failed request is an error event; a 0 s latency (a request refused before it ran) is not
  // a measurement and is left absent, as is its TTFT.
  void SetUp() override {
    if (!fs::exists(LlmperfDir())) GTEST_SKIP() << "no llmperf data at " << LlmperfDir();
    simdjson::dom::parser parser;
    int64_t offset = 0;
    for (const auto& entry : fs::directory_iterator(LlmperfDir())) {
      const std::string run = entry.path().stem().string();  // "anyscale_70b"
      const std::string provider = run.substr(0, run.find('_'));
      const std::string model = "llama-2-" + run.substr(run.find('_') + 1) + "-chat";
      Group& group = groups_[{provider, model}];
      EventBatch events;
      for (simdjson::dom::element request : parser.load(entry.path().string()).get_array()) {
        Event event;
        event.ts_ms = kStart + offset++ * 1000;
        event.provider = provider;
        event.model = model;
        ++group.calls;
        if (!request["error_code"].is_null()) {
          event.status = EventStatus::kError;
          int64_t code = request["error_code"].get_int64().value();
          event.error_type = "code_" + std::to_string(code);
          if (code >= 100) event.http_status = static_cast<int32_t>(code);
          ++group.errors;
        }
        const double e2e_s = request["end_to_end_latency_s"].get_double().value();
        const double ttft_s = request["ttft_s"].get_double().value();
        if (e2e_s > 0) {
          event.latency_ms = e2e_s * 1000;
          group.latency_ms.push_back(e2e_s * 1000);
          if (ttft_s > 0) {
            event.ttft_ms = ttft_s * 1000;
            group.ttft_ms.push_back(ttft_s * 1000);
          }
        }
        event.input_tokens = request["number_input_tokens"].get_int64().value();
        event.output_tokens = request["number_output_tokens"].get_int64().value();
        events.push_back(std::move(event));
      }
      memtable_.Append(events);
    }
    end_ms_ = kStart + offset * 1000;
  }

  PerformanceReport Report(std::vector<query::Filter> filters = {}) {
    DashboardParams params;
    params.from_ms = kStart;
    params.to_ms = end_ms_;
    params.filters = std::move(filters);
    PerformanceOptions options;
    options.top_models = 50;
    auto snapshot = memtable_.Snapshot();
    QueryRunner run = [snapshot](const query::QuerySpec& spec) { return query::ExecuteQuery(spec, *snapshot); };
    Result<PerformanceReport> report = ComputePerformance(params, options, run, {});
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? std::move(*report) : PerformanceReport{};
  }

  static query::Filter Eq(FieldId field, const std::string& value) {
    query::Filter filter;
    filter.field = FieldRef{field, {}};
    filter.values.emplace_back(value);
    return filter;
  }

  // The dashboard's figures against the direct computation: within 1 % (and counts exactly).
  static void ExpectClose(const std::string& what, const Group& group, const Percentiles& latency,
                          const Percentiles& ttft, std::optional<double> error_rate) {
    SCOPED_TRACE(what);
    ASSERT_GT(group.latency_ms.size(), 0u);
    for (auto [level, value] : {std::pair{50.0, latency.p50}, {95.0, latency.p95}, {99.0, latency.p99}}) {
      const double exact = NumpyPercentile(group.latency_ms, level);
      ASSERT_TRUE(value) << "latency p" << level;
      EXPECT_NEAR(*value, exact, exact * 0.01) << "latency p" << level;
    }
    for (auto [level, value] : {std::pair{50.0, ttft.p50}, {95.0, ttft.p95}, {99.0, ttft.p99}}) {
      const double exact = NumpyPercentile(group.ttft_ms, level);
      ASSERT_TRUE(value) << "ttft p" << level;
      EXPECT_NEAR(*value, exact, exact * 0.01) << "ttft p" << level;
    }
    const double exact_rate = static_cast<double>(group.errors) / static_cast<double>(group.calls);
    ASSERT_TRUE(error_rate);
    EXPECT_NEAR(*error_rate, exact_rate, exact_rate * 0.01 + 1e-12);
  }

  store::Memtable memtable_;
  std::map<std::pair<std::string, std::string>, Group> groups_;  // (provider, model)
  int64_t end_ms_ = 0;
};

TEST_F(LlmperfPerformanceTest, PerProviderAndModelWithinOnePercentOfNumpy) {
  ASSERT_EQ(groups_.size(), 19u);
  PerformanceReport report = Report();
  ASSERT_EQ(report.models.size(), 19u);
  for (const ModelPerformance& model : report.models) {
    auto found = groups_.find({model.provider, model.model});
    ASSERT_NE(found, groups_.end()) << model.provider << " " << model.model;
    EXPECT_EQ(model.calls, found->second.calls);
    EXPECT_EQ(model.errors, found->second.errors);
    ExpectClose(model.provider + " " + model.model, found->second, model.latency, model.ttft, model.error_rate);
  }
}

TEST_F(LlmperfPerformanceTest, PerProviderWithinOnePercentOfNumpy) {
  std::map<std::string, Group> providers;
  for (const auto& [key, group] : groups_) providers[key.first].Add(group);
  ASSERT_EQ(providers.size(), 8u);
  PerformanceReport all = Report();
  for (const auto& [provider, group] : providers) {
    PerformanceReport report = Report({Eq(FieldId::kProvider, provider)});
    EXPECT_EQ(report.now.calls, group.calls);
    ExpectClose("provider " + provider, group, report.now.latency, report.now.ttft, report.now.error_rate);
    auto slice = std::find_if(all.errors_by_provider.begin(), all.errors_by_provider.end(),
                              [&wanted = provider](const ErrorSlice& s) { return s.key == wanted; });
    ASSERT_NE(slice, all.errors_by_provider.end()) << provider;
    EXPECT_EQ(slice->calls, group.calls);
    EXPECT_EQ(slice->errors, group.errors);
  }
}

// Across providers a model has up to 1,200 requests and the whole set 2,795: past the exact
// limit of 1,024 values, so these go through the percentile sketch.
TEST_F(LlmperfPerformanceTest, PerModelAndOverallThroughTheSketchWithinOnePercent) {
  std::map<std::string, Group> models;
  Group everything;
  for (const auto& [key, group] : groups_) {
    models[key.second].Add(group);
    everything.Add(group);
  }
  ASSERT_EQ(models.size(), 3u);
  ASSERT_GT(models["llama-2-70b-chat"].latency_ms.size(), 1024u);
  for (const auto& [model, group] : models) {
    PerformanceReport report = Report({Eq(FieldId::kModel, model)});
    ExpectClose("model " + model, group, report.now.latency, report.now.ttft, report.now.error_rate);
  }
  PerformanceReport report = Report();
  EXPECT_EQ(report.now.calls, everything.calls);
  ExpectClose("all requests", everything, report.now.latency, report.now.ttft, report.now.error_rate);
}

}  // namespace
}  // namespace mltrack::analytics
