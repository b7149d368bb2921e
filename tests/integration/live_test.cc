// WebSocket /api/analytics/live through the real binary (docs/api.md "Live"): snapshot, pushed
// updates and their delay, filters, bad subscriptions, a client that never reads, many sockets,
// and shutdown with sockets open.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>
#include <thread>

#include "test_support.h"
#include "ws_client.h"

namespace mltrack::integration {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSubscribeAll = R"({"type":"subscribe","filters":{"from":"now-2h"},"events":10})";

std::string SubscribeModel(const std::string& model) {
  return R"({"type":"subscribe","filters":{"from":"now-2h","model":")" + model + R"("},"events":10})";
}

// The resident memory of a process in KiB (VmRSS), -1 when unknown.
int64_t RssKib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  }
  return -1;
}

class LiveTest : public IntegrationTest {
 protected:
  // Reads messages until one of `type` arrives (or `timeout`); returns it parsed into `doc_`.
  std::optional<simdjson::dom::element> Next(WsClient& client, std::string_view type,
                                              std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      std::optional<std::string> message =
          client.Read(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
      if (!message) return std::nullopt;
      text_ = *message;
      simdjson::dom::element element;
      if (parser_.parse(text_).get(element) != simdjson::SUCCESS) {
        ADD_FAILURE() << "not JSON: " << text_;
        return std::nullopt;
      }
      if (std::string_view(element["type"]) == type) return element;
    }
    return std::nullopt;
  }

  simdjson::dom::parser parser_;
  std::string text_;
};

TEST_F(LiveTest, SnapshotThenAnIngestedEventArrivesWithinTheDeadline) {
  StartServer();
  ASSERT_EQ(Ingest(EventJson("before-1")).status, 200);
  WsClient ws(server_->port());
  ASSERT_EQ(ws.error(), "");
  ASSERT_TRUE(ws.Send(kSubscribeAll));
  auto snapshot = Next(ws, "snapshot");
  ASSERT_TRUE(snapshot) << text_;
  EXPECT_EQ(int64_t((*snapshot)["totals"]["events"]), 1);
  EXPECT_EQ(simdjson::dom::array((*snapshot)["events"]).size(), 1u);
  EXPECT_EQ(std::string_view((*snapshot)["events"].at(0)["id"]), "before-1");

  std::string live_event = EventJson("live-1", "gpt-4o");
  live_event.insert(live_event.size() - 1, R"(,"cost_usd":0.25)");
  ASSERT_EQ(Ingest(live_event).status, 200);
  const auto acknowledged = std::chrono::steady_clock::now();  // durable: the 200 comes after fdatasync
  auto update = Next(ws, "update", 5s);
  const double delay_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - acknowledged).count();
  ASSERT_TRUE(update) << "no update: " << text_;
  std::printf("[ live ] ingest acknowledged -> update received: %.1f ms (server lag_ms %.1f)\n", delay_ms,
              double((*update)["lag_ms"]));
  // The 100 ms target is measured by `make bench`; a loaded test machine gets slack.
  EXPECT_LT(delay_ms, 1000.0);
  EXPECT_EQ(int64_t((*update)["totals"]["events"]), 2);
  EXPECT_GE(double((*update)["totals"]["cost_usd"]), 0.25);  // the first event is priced when the catalogue knows it
  ASSERT_EQ(simdjson::dom::array((*update)["events"]).size(), 1u);
  EXPECT_EQ(std::string_view((*update)["events"].at(0)["id"]), "live-1");
  EXPECT_EQ(std::string_view((*update)["events"].at(0)["model"]), "gpt-4o");
  EXPECT_EQ(double((*update)["events"].at(0)["cost_usd"]), 0.25);
  EXPECT_GE(int64_t((*update)["bucket"]["events"]), 0);
  EXPECT_EQ(int64_t((*update)["bucket"]["bucket_ms"]), 3'600'000);
}

TEST_F(LiveTest, ASnapshotAfterARestartHasTheStoredEventsNewestFirst) {
  StartServer();
  for (int event_idx = 0; event_idx < 3; ++event_idx) {
    ASSERT_EQ(Ingest(EventJson("old-" + std::to_string(event_idx), event_idx == 1 ? "o3" : "gpt-4o")).status, 200);
    std::this_thread::sleep_for(5ms);  // distinct timestamps: the order is checked
  }
  ASSERT_EQ(server_->Terminate(), 0);
  ASSERT_TRUE(server_->Start());  // a fresh process: its ring of appended events is empty

  WsClient ws(server_->port());
  ASSERT_EQ(ws.error(), "");
  ASSERT_TRUE(ws.Send(SubscribeModel("gpt-4o")));
  auto snapshot = Next(ws, "snapshot");
  ASSERT_TRUE(snapshot) << text_;
  EXPECT_EQ(int64_t((*snapshot)["totals"]["events"]), 2);
  simdjson::dom::array events = (*snapshot)["events"];
  ASSERT_EQ(events.size(), 2u) << text_;
  // Newest first; the o3 one is filtered out. The embedded store keeps ids only as hashes.
  EXPECT_EQ(std::string_view(events.at(0)["model"]), "gpt-4o");
  EXPECT_EQ(std::string_view(events.at(1)["model"]), "gpt-4o");
  EXPECT_GT(std::string_view(events.at(0)["ts"]), std::string_view(events.at(1)["ts"]));
}

TEST_F(LiveTest, FiltersAreRespected) {
  StartServer();
  WsClient mini(server_->port()), big(server_->port());
  ASSERT_TRUE(mini.Send(SubscribeModel("gpt-4o-mini")));
  ASSERT_TRUE(big.Send(SubscribeModel("gpt-4o")));
  ASSERT_TRUE(Next(mini, "snapshot"));
  ASSERT_TRUE(Next(big, "snapshot"));

  ASSERT_EQ(Ingest(EventJson("m-1", "gpt-4o-mini")).status, 200);
  auto update = Next(mini, "update", 5s);
  ASSERT_TRUE(update) << text_;
  EXPECT_EQ(int64_t((*update)["totals"]["events"]), 1);
  EXPECT_FALSE(big.Read(500ms).has_value()) << "an event of another model reached the gpt-4o subscriber";

  ASSERT_EQ(Ingest(EventJson("b-1", "gpt-4o")).status, 200);
  update = Next(big, "update", 5s);
  ASSERT_TRUE(update) << text_;
  EXPECT_EQ(int64_t((*update)["totals"]["events"]), 1);
  EXPECT_EQ(std::string_view((*update)["events"].at(0)["id"]), "b-1");
}

TEST_F(LiveTest, BadSubscriptionIsAnErrorAndTheSocketStaysOpen) {
  StartServer();
  WsClient ws(server_->port());
  ASSERT_TRUE(ws.Send(R"({"type":"subscribe","filters":{"modle":"x"}})"));
  auto error = Next(ws, "error");
  ASSERT_TRUE(error) << text_;
  EXPECT_EQ(std::string_view((*error)["field"]), "filters.modle");
  EXPECT_NE(std::string_view((*error)["reason"]).find("unknown filter"), std::string_view::npos);

  ASSERT_TRUE(ws.Send(R"({"type":"subscribe","filters":{"from":"yesterday"}})"));
  error = Next(ws, "error");
  ASSERT_TRUE(error) << text_;
  EXPECT_EQ(std::string_view((*error)["field"]), "filters.from");

  ASSERT_TRUE(ws.Send(R"({"type":"subscribe","events":1000})"));
  error = Next(ws, "error");
  ASSERT_TRUE(error) << text_;
  EXPECT_EQ(std::string_view((*error)["field"]), "events");

  ASSERT_TRUE(ws.Send(kSubscribeAll));  // corrected: served on the same socket
  ASSERT_TRUE(Next(ws, "snapshot")) << text_;
}

TEST_F(LiveTest, PlainGetAndForeignOriginAreRefused) {
  StartServer();
  HttpResult plain = client().Get("/api/analytics/live");
  EXPECT_EQ(plain.status, 426) << plain.Describe();
  auto body = ParseErrorBody(plain.body);
  ASSERT_TRUE(body);
  EXPECT_TRUE(body->NamesField("Upgrade"));
  HttpResult foreign = client().Request("GET", "/api/analytics/live", "", "",
                                        {{"Upgrade", "websocket"}, {"Connection", "Upgrade"},
                                         {"Sec-WebSocket-Version", "13"},
                                         {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
                                         {"Origin", "https://evil.example"}});
  EXPECT_EQ(foreign.status, 403) << foreign.Describe();
}

// A client that never reads: its queue fills and the server drops it with a close reason, and
// the server's memory stays bounded while events keep coming.
TEST_F(LiveTest, AClientThatNeverReadsIsDroppedAndMemoryStaysBounded) {
  StartServer();
  WsClient reader(server_->port());
  WsClient stuck(server_->port(), "/api/analytics/live", 4096);
  ASSERT_EQ(stuck.error(), "");
  const std::string subscribe = R"({"type":"subscribe","filters":{"from":"now-2h"},"events":500})";
  ASSERT_TRUE(stuck.Send(subscribe));
  ASSERT_TRUE(reader.Send(subscribe));
  ASSERT_TRUE(Next(reader, "snapshot"));
  const int64_t rss_start = RssKib(server_->pid());

  // 500 events a batch, each with a long tag, so every update is large (~300 KB).
  const std::string padding(300, 'x');
  int64_t rss_peak = rss_start;
  bool reader_kept_up = true;
  for (int batch_idx = 0; batch_idx < 60; ++batch_idx) {
    std::vector<std::string> lines;
    for (int event_idx = 0; event_idx < 500; ++event_idx) {
      std::string event = EventJson("slow-" + std::to_string(batch_idx) + "-" + std::to_string(event_idx));
      event.insert(event.size() - 1, R"(,"prompt_name":")" + padding + "\"");
      lines.push_back(event);
    }
    ASSERT_EQ(Ingest(Ndjson(lines), "application/x-ndjson").status, 200);
    while (reader.Read(1ms)) {
    }  // the healthy client keeps reading
    rss_peak = std::max(rss_peak, RssKib(server_->pid()));
    std::this_thread::sleep_for(150ms);
  }
  reader_kept_up = !reader.closed();
  // The stuck client now reads what was sent before the drop, then the close frame.
  while (stuck.Read(2s)) {
  }
  EXPECT_TRUE(stuck.closed());
  // The close frame (1008 "send queue full") queues behind a write the client never takes, so a
  // client that never reads sees the connection end; the server says why in its log.
  if (stuck.close_code() != 0) {
    EXPECT_EQ(stuck.close_code(), 1008) << stuck.close_reason();
  }
  EXPECT_NE(server_->LogTail(100000).find("dropping a client (1008 send queue full"), std::string::npos)
      << server_->LogTail();
  EXPECT_TRUE(reader_kept_up);
  std::printf("[ live ] server RSS %lld KiB before, %lld KiB peak while a client did not read\n",
              static_cast<long long>(rss_start), static_cast<long long>(rss_peak));
  // 30,000 events are stored meanwhile (the memtable grows); the send queue is at most 2 MiB.
  // Not under ASan: its shadow memory and quarantine of freed blocks grew the RSS by 272 MiB here
  // (tests/sanitize/README.md, "Memory bounds"); the drop itself is checked above.
  if (!kSanitized) EXPECT_LT(rss_peak - rss_start, 96 * 1024);
}

TEST_F(LiveTest, FiveHundredSocketsAllGetTheUpdate) {
  StartServer();
  std::vector<std::unique_ptr<WsClient>> clients;
  for (int client_idx = 0; client_idx < 500; ++client_idx) {
    clients.push_back(std::make_unique<WsClient>(server_->port()));
    ASSERT_EQ(clients.back()->error(), "") << "client " << client_idx;
    ASSERT_TRUE(clients.back()->Send(client_idx % 2 == 0 ? kSubscribeAll : SubscribeModel("gpt-4o")));
  }
  for (auto& ws : clients) ASSERT_TRUE(Next(*ws, "snapshot")) << text_;
  ASSERT_EQ(Ingest(EventJson("many-1", "gpt-4o")).status, 200);
  const auto acknowledged = std::chrono::steady_clock::now();
  for (auto& ws : clients) {
    auto update = Next(*ws, "update", 10s);
    ASSERT_TRUE(update) << text_;
    EXPECT_EQ(int64_t((*update)["totals"]["events"]), 1);
  }
  std::printf("[ live ] 500 sockets: all updates read %.1f ms after the ingest ack\n",
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - acknowledged).count());
}

TEST_F(LiveTest, ShutdownWithSocketsOpenClosesThemAndExitsCleanly) {
  StartServer();
  std::vector<std::unique_ptr<WsClient>> clients;
  for (int client_idx = 0; client_idx < 5; ++client_idx) {
    clients.push_back(std::make_unique<WsClient>(server_->port()));
    ASSERT_TRUE(clients.back()->Send(kSubscribeAll));
    ASSERT_TRUE(Next(*clients.back(), "snapshot"));
  }
  // Half the clients read (and answer the close handshake), half do not (dropped after a grace).
  const auto start = std::chrono::steady_clock::now();
  int exit_code = -1;
  std::thread stopper([&] { exit_code = server_->Terminate(std::chrono::seconds(30)); });
  for (size_t client_idx = 0; client_idx < clients.size(); client_idx += 2) {
    while (clients[client_idx]->Read(5s)) {
    }
  }
  stopper.join();
  EXPECT_EQ(exit_code, 0) << server_->LogTail();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 8s) << "shutdown waited for the sockets";
  for (size_t client_idx = 0; client_idx < clients.size(); ++client_idx) {
    WsClient& ws = *clients[client_idx];
    while (ws.Read(2s)) {
    }
    EXPECT_TRUE(ws.closed());
    if (client_idx % 2 == 0) {
      EXPECT_EQ(ws.close_code(), 1001) << ws.error();
    }
  }
}

}  // namespace
}  // namespace mltrack::integration
