#include "server/live/live_hub.h"

#include <unistd.h>

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cmath>
#include <condition_variable>
#include <filesystem>
#include <random>

#include "analytics/live_figures.h"
#include "backend/embedded/embedded_backend.h"
#include "core/time.h"
#include "store/embedded_store.h"
#include "live_inbox.h"

namespace mltrack::server::live {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class LiveHubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mltrack-live-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()));
    store::StoreOptions options;
    options.dir = dir_;
    auto opened = store::EmbeddedStore::Open(std::move(options));
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    backend_ = std::make_unique<backend::EmbeddedBackend>(std::move(*opened), 0);
  }
  void TearDown() override {
    if (hub_) hub_->Stop();
    if (backend_) backend_->Close();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  // burst 1: updates at least `interval` apart.
  void StartHub(std::chrono::milliseconds interval, std::chrono::milliseconds refresh = std::chrono::seconds(5),
                size_t burst = 1) {
    LiveHubOptions options;
    options.min_interval = interval;
    options.burst = burst;
    options.min_gap = std::min(options.min_gap, interval);
    options.refresh_every = refresh;
    hub_ = LiveHub::Start(*backend_, options);
  }
  uint64_t Subscribe(std::string_view filters, Inbox& inbox) {
    Result<LiveSubscription> parsed = ParseSubscribe(
        std::string(R"({"type":"subscribe","events":5,"filters":)") + std::string(filters) + "}", NowMs());
    EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
    return hub_->Subscribe(std::move(*parsed), inbox.Sink());
  }
  void Append(std::string model, int count = 1) {
    EventBatch batch;
    for (int event_idx = 0; event_idx < count; ++event_idx) {
      Event event;
      event.ts_ms = NowMs() - 1000;
      event.model = model;
      event.cost_nano_usd = 1'000'000;
      batch.push_back(event);
    }
    ASSERT_TRUE(backend_->Append(std::move(batch)).ok());
  }

  fs::path dir_;
  std::unique_ptr<backend::EmbeddedBackend> backend_;
  std::shared_ptr<LiveHub> hub_;
  simdjson::dom::parser parser_;
};

TEST_F(LiveHubTest, SnapshotThenUpdatesOnlyForMatchingEvents) {
  Append("gpt-4o");
  StartHub(10ms);
  Append("gpt-4o");  // appended since the hub started
  Append("o3");
  Inbox mine, other;
  Subscribe(R"({"from":"now-1h","model":"gpt-4o"})", mine);
  Subscribe(R"({"from":"now-1h","model":"o3"})", other);
  std::vector<std::string> got = mine.WaitFor(1);
  ASSERT_EQ(got.size(), 1u);
  simdjson::dom::element snapshot = parser_.parse(got[0]);
  EXPECT_EQ(std::string_view(snapshot["type"]), "snapshot");
  EXPECT_EQ(int64_t(snapshot["totals"]["events"]), 2);
  // From the store, not only since the hub started; only the matching ones.
  simdjson::dom::array events = snapshot["events"];
  EXPECT_EQ(events.size(), 2u);
  for (simdjson::dom::element event : events) EXPECT_EQ(std::string_view(event["model"]), "gpt-4o");
  ASSERT_EQ(other.WaitFor(1).size(), 1u);

  Append("gpt-4o", 3);
  got = mine.WaitFor(2);
  ASSERT_EQ(got.size(), 2u);
  simdjson::dom::element update = parser_.parse(got[1]);
  EXPECT_EQ(std::string_view(update["type"]), "update");
  EXPECT_EQ(int64_t(update["totals"]["events"]), 5);
  EXPECT_EQ(simdjson::dom::array(update["events"]).size(), 3u);
  EXPECT_EQ(double(update["totals"]["cost_usd"]), 0.005);
  EXPECT_GE(double(update["lag_ms"]), 0.0);
  EXPECT_EQ(int64_t(update["bucket"]["events"]), 5);  // all within the current hour bucket
  // The o3 subscriber matched nothing: no update for it.
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(other.size(), 1u);
}

TEST_F(LiveHubTest, UpdatesAreCoalescedToOnePerInterval) {
  StartHub(400ms);
  Inbox inbox;
  Subscribe("{}", inbox);
  ASSERT_EQ(inbox.WaitFor(1).size(), 1u);
  Append("a");  // pushed at once: nothing was pushed in the last interval
  ASSERT_EQ(inbox.WaitFor(2).size(), 2u);
  for (int batch_idx = 0; batch_idx < 5; ++batch_idx) Append("b");  // within the interval
  std::vector<std::string> got = inbox.WaitFor(3);
  ASSERT_EQ(got.size(), 3u);
  simdjson::dom::element update = parser_.parse(got[2]);
  EXPECT_EQ(int64_t(update["totals"]["events"]), 6);
  EXPECT_EQ(simdjson::dom::array(update["events"]).size(), 5u);  // every event since the last push
  std::this_thread::sleep_for(600ms);
  EXPECT_EQ(inbox.size(), 3u);  // nothing changed since: nothing sent
}

TEST_F(LiveHubTest, AnEventSoonAfterAPushGoesAtOnceWhileTheRateAllows) {
  StartHub(2000ms, 5s, 4);  // 4 updates per 8 s, 50 ms apart
  Inbox inbox;
  Subscribe("{}", inbox);
  ASSERT_EQ(inbox.WaitFor(1).size(), 1u);
  Append("a");
  ASSERT_EQ(inbox.WaitFor(2).size(), 2u);
  std::this_thread::sleep_for(100ms);
  Append("b");  // a fixed 2 s spacing would hold it back ~1.9 s
  std::vector<std::string> got = inbox.WaitFor(3);
  ASSERT_EQ(got.size(), 3u);
  simdjson::dom::element update = parser_.parse(got[2]);
  EXPECT_LT(double(update["lag_ms"]), 1000.0);
  EXPECT_EQ(int64_t(update["totals"]["events"]), 2);
}

TEST_F(LiveHubTest, ABurstOfEventsGetsNoMoreUpdatesThanTheRate) {
  StartHub(500ms, 5s, 2);  // at most 2 updates in any second
  Inbox inbox;
  Subscribe("{}", inbox);
  ASSERT_EQ(inbox.WaitFor(1).size(), 1u);
  const auto start = std::chrono::steady_clock::now();
  for (int event_idx = 0; event_idx < 100; ++event_idx) {
    Append("m");
    std::this_thread::sleep_for(20ms);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::this_thread::sleep_for(1500ms);  // the last coalesced update
  const size_t updates = inbox.size() - 1;
  EXPECT_LE(updates, 2 * static_cast<size_t>(std::ceil(seconds)) + 2) << "over " << seconds << " s";
  EXPECT_GE(updates, 2u);
  simdjson::dom::element last = parser_.parse(inbox.WaitFor(updates + 1).back());
  EXPECT_EQ(int64_t(last["totals"]["events"]), 100);
}

TEST_F(LiveHubTest, SameFiltersShareOneComputation) {
  StartHub(10ms);
  std::vector<std::unique_ptr<Inbox>> inboxes;
  for (int subscriber_idx = 0; subscriber_idx < 20; ++subscriber_idx) {
    inboxes.push_back(std::make_unique<Inbox>());
    Subscribe(R"({"model":"m"})", *inboxes.back());
  }
  EXPECT_EQ(hub_->stats().groups, 1u);
  for (auto& inbox : inboxes) ASSERT_EQ(inbox->WaitFor(1).size(), 1u);
  Append("m");
  for (auto& inbox : inboxes) ASSERT_EQ(inbox->WaitFor(2).size(), 2u);
  EXPECT_EQ(hub_->stats().updates, 1u);
}

TEST_F(LiveHubTest, UnsubscribedClientsGetNothingAndGroupsGo) {
  StartHub(10ms);
  Inbox inbox;
  const uint64_t id = Subscribe("{}", inbox);
  ASSERT_EQ(inbox.WaitFor(1).size(), 1u);
  hub_->Unsubscribe(id);
  EXPECT_EQ(hub_->stats().subscribers, 0u);
  EXPECT_EQ(hub_->stats().groups, 0u);
  Append("x");
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(inbox.size(), 1u);
}

TEST_F(LiveHubTest, UpdatesFoldNewEventsWithoutQueriesAndMatchAFullComputation) {
  Append("m", 3);
  StartHub(1ms);
  Inbox inbox;
  Subscribe(R"({"from":"now-1h","model":"m"})", inbox);
  ASSERT_EQ(inbox.WaitFor(1).size(), 1u);
  const uint64_t after_snapshot = hub_->stats().computations;
  EXPECT_EQ(after_snapshot, 1u);
  // A burst of varied events, each batch pushed before the next: folded, no query.
  for (int batch_idx = 0; batch_idx < 20; ++batch_idx) {
    EventBatch batch;
    for (int event_idx = 0; event_idx <= batch_idx % 4; ++event_idx) {
      Event event;
      event.ts_ms = NowMs() - 500;
      event.model = batch_idx % 5 == 0 ? "other" : "m";
      event.user = "u" + std::to_string(event_idx);
      event.cost_nano_usd = 1'000 * (batch_idx + 1);
      event.input_tokens = batch_idx;
      event.output_tokens = 3;
      if (event_idx % 2 == 0) event.latency_ms = 10.5 * (batch_idx + event_idx);
      if (batch_idx % 3 == 0) event.status = EventStatus::kError;
      batch.push_back(event);
    }
    const size_t before = inbox.size();
    ASSERT_TRUE(backend_->Append(std::move(batch)).ok());
    if (batch_idx % 5 != 0) ASSERT_GT(inbox.WaitFor(before + 1).size(), before);
  }
  EXPECT_EQ(hub_->stats().computations, after_snapshot);  // every update was folded

  std::vector<std::string> got = inbox.WaitFor(1);
  simdjson::dom::element last = parser_.parse(got.back());
  Result<LiveSubscription> parsed = ParseSubscribe(R"({"type":"subscribe","filters":{"from":"now-1h","model":"m"}})", NowMs());
  ASSERT_TRUE(parsed.ok());
  Result<analytics::DashboardParams> params = ParamsAt(*parsed, NowMs() + 1000);
  ASSERT_TRUE(params.ok());
  Result<analytics::LiveReport> full = analytics::ComputeLiveReport(*params, backend_->Reader(), NowMs());
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  for (const auto& [name, figures] :
       {std::pair{"totals", full->totals}, std::pair{"bucket", full->bucket}}) {
    simdjson::dom::element pushed = last[name];
    EXPECT_EQ(int64_t(pushed["events"]), figures.events) << name;
    EXPECT_EQ(int64_t(pushed["tokens"]), figures.tokens) << name;
    EXPECT_DOUBLE_EQ(double(pushed["cost_usd"]), double(figures.cost) / 1e9) << name;
    EXPECT_NEAR(double(pushed["avg_latency_ms"]), *figures.avg_latency_ms, 1e-9) << name;
    EXPECT_NEAR(double(pushed["success_rate"]), *figures.success_rate, 1e-12) << name;
  }
}

TEST_F(LiveHubTest, DistinctCountsAreRefreshedThroughTheQueriesAfterFolding) {
  StartHub(1ms, 50ms);
  Inbox inbox;
  Subscribe(R"({"from":"now-1h"})", inbox);
  ASSERT_EQ(inbox.WaitFor(1).size(), 1u);
  EventBatch batch(1);
  batch[0].ts_ms = NowMs() - 500;
  batch[0].user = "alice";
  ASSERT_TRUE(backend_->Append(EventBatch(batch)).ok());
  std::vector<std::string> got = inbox.WaitFor(2);
  ASSERT_EQ(got.size(), 2u);
  simdjson::dom::element folded = parser_.parse(got[1]);
  EXPECT_EQ(int64_t(folded["totals"]["events"]), 1);
  EXPECT_EQ(int64_t(folded["totals"]["active_users"]), 0);  // not additive: as of the snapshot
  // The refresher recomputes the figures soon after; the next update carries them.
  for (int attempt = 0; attempt < 100 && hub_->stats().computations < 2; ++attempt) std::this_thread::sleep_for(20ms);
  ASSERT_GE(hub_->stats().computations, 2u);
  ASSERT_TRUE(backend_->Append(EventBatch(batch)).ok());
  got = inbox.WaitFor(3);
  ASSERT_EQ(got.size(), 3u);
  simdjson::dom::element refreshed = parser_.parse(got[2]);
  EXPECT_EQ(int64_t(refreshed["totals"]["events"]), 2);
  EXPECT_EQ(int64_t(refreshed["totals"]["active_users"]), 1);
}

}  // namespace
}  // namespace mltrack::server::live
