// An event appended while a snapshot's store search runs is in the snapshot and must not come
// again in the subscriber's first update (docs/api.md "Live").
#include <unistd.h>

#include <gtest/gtest.h>
#include <simdjson.h>

#include <condition_variable>
#include <filesystem>
#include <random>

#include "backend/embedded/embedded_backend.h"
#include "core/time.h"
#include "server/live/live_hub.h"
#include "store/embedded_store.h"
#include "live_inbox.h"

namespace mltrack::server::live {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// The real embedded backend, except that its first event search first appends `late` (through
// the real append path, so the hub's listener sees it): the event lands between the hub's reading
// of its ring and the store's search, the window where it used to show twice.
class AppendsDuringFirstSearch : public backend::Backend {
 public:
  AppendsDuringFirstSearch(backend::Backend& real, Event late) : real_(real), late_(std::move(late)) {}
  Result<backend::AppendResult> Append(EventBatch batch) override { return real_.Append(std::move(batch)); }
  query::QueryRunner Reader() override { return real_.Reader(); }
  Result<query::EventPage> SearchEvents(const query::EventSearch& search) override {
    if (!appended_) {
      appended_ = true;
      EXPECT_TRUE(real_.Append(EventBatch{late_}).ok());
    }
    return real_.SearchEvents(search);
  }
  backend::FieldCatalog Fields() override { return real_.Fields(); }
  backend::Stats GetStats() override { return real_.GetStats(); }
  void AddAppendListener(backend::AppendListener listener) override { real_.AddAppendListener(std::move(listener)); }
  void Close() override { real_.Close(); }

 private:
  backend::Backend& real_;
  Event late_;
  bool appended_ = false;  // only the hub's thread searches
};

Event MakeEvent(std::string name, int64_t age_ms) {
  Event event;
  event.id = name + "-id";
  event.ts_ms = NowMs() - age_ms;
  event.model = std::move(name);
  event.cost_nano_usd = 1'000'000;
  return event;
}

// The events' models (each test event has its own), newest first.
std::vector<std::string> Models(simdjson::dom::element message) {
  std::vector<std::string> models;
  for (simdjson::dom::element event : simdjson::dom::array(message["events"])) {
    models.emplace_back(std::string_view(event["model"]));
  }
  return models;
}

TEST(LiveHubSnapshotTest, AnEventAppendedDuringTheSnapshotSearchIsNotSentAgain) {
  const fs::path dir = fs::temp_directory_path() / ("mltrack-live-snap-" + std::to_string(::getpid()) + "-" +
                                                    std::to_string(std::random_device{}()));
  store::StoreOptions options;
  options.dir = dir;
  auto opened = store::EmbeddedStore::Open(std::move(options));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  backend::EmbeddedBackend real(std::move(*opened), 0);
  AppendsDuringFirstSearch backend(real, MakeEvent("late", 1000));
  ASSERT_TRUE(real.Append(EventBatch{MakeEvent("old", 2000)}).ok());
  LiveHubOptions hub_options;
  hub_options.min_interval = 10ms;
  std::shared_ptr<LiveHub> hub = LiveHub::Start(backend, hub_options);

  Inbox inbox;
  Result<LiveSubscription> parsed = ParseSubscribe(R"({"type":"subscribe","events":5,"filters":{"from":"now-1h"}})", NowMs());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  hub->Subscribe(std::move(*parsed), inbox.Sink());
  simdjson::dom::parser parser;
  std::vector<std::string> got = inbox.WaitFor(1);
  ASSERT_GE(got.size(), 1u);
  simdjson::dom::element snapshot = parser.parse(got[0]);
  ASSERT_EQ(std::string_view(snapshot["type"]), "snapshot");
  EXPECT_EQ(Models(snapshot), (std::vector<std::string>{"late", "old"}));
  // The store keeps only a hash of the id: the late one's comes from the hub's ring.
  EXPECT_EQ(std::string_view(snapshot["events"].at(0)["id"]), "late-id");

  // The late event made the group dirty: its update may come, but without the late event; the
  // next event comes once.
  ASSERT_TRUE(real.Append(EventBatch{MakeEvent("next", 500)}).ok());
  std::vector<std::string> shown;
  for (size_t count = 2; count <= 3; ++count) {
    got = inbox.WaitFor(count);
    if (got.size() < count) break;
    simdjson::dom::element update = parser.parse(got[count - 1]);
    EXPECT_EQ(std::string_view(update["type"]), "update");
    for (std::string& model : Models(update)) shown.push_back(std::move(model));
    if (std::find(shown.begin(), shown.end(), "next") != shown.end()) break;
  }
  EXPECT_EQ(shown, (std::vector<std::string>{"next"}));
  hub->Stop();
  real.Close();
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace
}  // namespace mltrack::server::live
