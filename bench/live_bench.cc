// mltrack_bench_live: durable → pushed latency of WebSocket /api/analytics/live (docs/api.md
// "Live"). Opens N subscribers (same filters: one computation serves them all, as dashboards
// open on the same range do), then POSTs one event at a time at RATE per second; for each, the
// time from the 200 (the event is durable) to each subscriber reading the update that carries
// it. Prints {"subscribers":N,"rate":R,"samples":S,"p50_ms":…,"p95_ms":…,"p99_ms":…,
// "server_lag_p50_ms":…,"server_lag_p99_ms":…} on stdout; the server lag is the updates' own
// `lag_ms` (durable → queued on the server, as the first subscriber got them), which leaves out
// the network, the client and this machine's scheduling of the reader.
//   mltrack_bench_live --port P [--subscribers 500] [--rate 4] [--events 100]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "http_client.h"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using Clock = std::chrono::steady_clock;

struct Subscriber {
  explicit Subscriber(asio::io_context& io) : ws(io) {}
  websocket::stream<asio::ip::tcp::socket> ws;
  beast::flat_buffer buffer;
};

// Each subscriber keeps one read pending; every update records when it arrived, by the marker
// event's id (bench-live-<run>-<n>) it carries.
void Read(Subscriber& subscriber, const std::string& prefix, std::vector<std::vector<Clock::time_point>>& arrivals,
          size_t index, std::vector<double>& server_lags) {
  subscriber.ws.async_read(subscriber.buffer, [&subscriber, &prefix, &arrivals, index, &server_lags](beast::error_code ec,
                                                                                                     size_t) {
    if (ec) return;
    const std::string text = beast::buffers_to_string(subscriber.buffer.data());
    subscriber.buffer.consume(subscriber.buffer.size());
    const Clock::time_point now = Clock::now();
    for (size_t pos = text.find(prefix); pos != std::string::npos; pos = text.find(prefix, pos + 1)) {
      const size_t marker = std::strtoull(text.c_str() + pos + prefix.size(), nullptr, 10);
      if (marker < arrivals.size() && arrivals[marker][index] == Clock::time_point{}) arrivals[marker][index] = now;
    }
    const size_t lag = text.find("\"lag_ms\":");
    if (index == 0 && lag != std::string::npos && text.find(prefix) != std::string::npos) {
      server_lags.push_back(std::strtod(text.c_str() + lag + 9, nullptr));
    }
    Read(subscriber, prefix, arrivals, index, server_lags);
  });
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double rank = p / 100.0 * static_cast<double>(values.size() - 1);
  const size_t low = static_cast<size_t>(rank);
  const size_t high = std::min(low + 1, values.size() - 1);
  return values[low] + (values[high] - values[low]) * (rank - static_cast<double>(low));
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0;
  size_t subscribers = 500, events = 100;
  double rate = 4;  // one event per push interval: the delay is not the coalescing wait
  for (int arg_idx = 1; arg_idx + 1 < argc; arg_idx += 2) {
    const std::string flag = argv[arg_idx];
    const char* value = argv[arg_idx + 1];
    if (flag == "--port") port = std::atoi(value);
    else if (flag == "--subscribers") subscribers = std::strtoull(value, nullptr, 10);
    else if (flag == "--rate") rate = std::atof(value);
    else if (flag == "--events") events = std::strtoull(value, nullptr, 10);
    else { std::fprintf(stderr, "unknown flag %s\n", flag.c_str()); return 2; }
  }
  if (port == 0 || subscribers == 0 || rate <= 0) {
    std::fprintf(stderr, "usage: mltrack_bench_live --port P [--subscribers N] [--rate R] [--events E]\n");
    return 2;
  }
  asio::io_context io;
  std::vector<std::unique_ptr<Subscriber>> clients;
  std::vector<std::vector<Clock::time_point>> arrivals(events, std::vector<Clock::time_point>(subscribers));
  std::vector<double> server_lags;  // written by the reader thread only, read after it stopped
  // The default range (the last 30 days), as the Executive Dashboard opens.
  const std::string subscribe = R"({"type":"subscribe","events":10})";
  for (size_t client_idx = 0; client_idx < subscribers; ++client_idx) {
    auto client = std::make_unique<Subscriber>(io);
    beast::error_code ec;
    client->ws.next_layer().connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)}, ec);
    if (!ec) client->ws.handshake("127.0.0.1:" + std::to_string(port), "/api/analytics/live", ec);
    if (!ec) client->ws.write(asio::buffer(subscribe), ec);
    if (ec) {
      std::fprintf(stderr, "subscriber %zu: %s\n", client_idx, ec.message().c_str());
      return 1;
    }
    clients.push_back(std::move(client));
  }
  // Ids unique to this run: events of an earlier run, still in the server's ring, do not count.
  const std::string prefix = "\"bench-live-" + std::to_string(::getpid()) + "-" +
                             std::to_string(std::chrono::system_clock::now().time_since_epoch().count() % 1000000) + "-";
  for (size_t client_idx = 0; client_idx < subscribers; ++client_idx) {
    Read(*clients[client_idx], prefix, arrivals, client_idx, server_lags);
  }
  auto guard = asio::make_work_guard(io);
  std::thread reader([&io] { io.run(); });

  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // snapshots
  mltrack::bench::HttpConnection http("127.0.0.1", port);
  std::vector<Clock::time_point> acked(events);
  const auto interval = std::chrono::duration<double>(1.0 / rate);
  const Clock::time_point start = Clock::now();
  for (size_t event_idx = 0; event_idx < events; ++event_idx) {
    std::this_thread::sleep_until(start + std::chrono::duration_cast<Clock::duration>(interval * event_idx));
    const long long now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    const std::string body = "{\"id\":" + prefix + std::to_string(event_idx) + "\",\"ts\":" + std::to_string(now_ms) +
                             ",\"model\":\"gpt-4o-mini\",\"experiment\":\"bench-live\",\"input_tokens\":10,\"output_tokens\":5}";
    mltrack::bench::HttpResponse response;
    std::string error;
    if (!http.Send("POST", "/api/v1/events", "application/json", body, response, error)) {
      std::fprintf(stderr, "ingest: %s\n", error.c_str());
      return 1;
    }
    acked[event_idx] = Clock::now();
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));
  io.stop();
  reader.join();

  std::vector<double> delays;
  size_t missing = 0;
  for (size_t event_idx = 0; event_idx < events; ++event_idx) {
    for (size_t client_idx = 0; client_idx < subscribers; ++client_idx) {
      const Clock::time_point at = arrivals[event_idx][client_idx];
      if (at == Clock::time_point{}) {
        ++missing;
        continue;
      }
      delays.push_back(std::max(0.0, std::chrono::duration<double, std::milli>(at - acked[event_idx]).count()));
    }
  }
  std::printf("{\"subscribers\":%zu,\"rate\":%g,\"samples\":%zu,\"missing\":%zu,\"p50_ms\":%.1f,\"p95_ms\":%.1f,\"p99_ms\":%.1f,"
              "\"server_lag_p50_ms\":%.1f,\"server_lag_p99_ms\":%.1f}\n",
              subscribers, rate, delays.size(), missing, Percentile(delays, 50), Percentile(delays, 95),
              Percentile(delays, 99), Percentile(server_lags, 50), Percentile(server_lags, 99));
  return 0;
}
