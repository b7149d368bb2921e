// mltrack_bench_client: the load generator and query timer of `make bench` (bench/run.sh).
//
//   ingest --port P --file events.ndjson --batch 5000 --connections 4 --out ingest.json
//       POSTs the file in NDJSON batches over keep-alive connections, each waiting for its
//       durable acknowledgement before sending the next; 429/503 are retried after Retry-After.
//       `--file -` reads standard input as it goes (bench/ndjson_batches.h).
//   query --port P --requests FILE --runs 20 --warmup 2 --out times.json --bodies DIR
//       times each request (one per line: name, method, target, content type, body file or -,
//       where the server's own time is: a JSON key, `server-timing` (the Server-Timing
//       header) or -; then its scale to ms; tab-separated) and keeps the last response body of
//       each in DIR/<name>.json.
//   wait --port P --body query.json --expect-count N --since-ns T0 [--timeout-s 300]
//        [--then-get /api/analytics/overview]
//       polls POST /api/v1/query until it answers 200 with count N; prints the ms since T0
//       (CLOCK_REALTIME ns, taken before the server was started); with --then-get, GETs that
//       target right after and prints, on the same line, the ms since T0 to its 200 answer.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "http_client.h"
#include "ndjson_batches.h"

namespace {

using mltrack::bench::FindHeader;
using mltrack::bench::HttpConnection;
using mltrack::bench::HttpResponse;
using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::map<std::string, std::string> ParseFlags(int argc, char** argv) {
  std::map<std::string, std::string> flags;
  for (int arg_idx = 2; arg_idx + 1 < argc; arg_idx += 2) {
    std::string key = argv[arg_idx];
    if (key.rfind("--", 0) == 0) flags[key.substr(2)] = argv[arg_idx + 1];
  }
  return flags;
}

std::string Need(const std::map<std::string, std::string>& flags, const std::string& key) {
  auto it = flags.find(key);
  if (it == flags.end()) {
    std::fprintf(stderr, "mltrack_bench_client: --%s is required\n", key.c_str());
    std::exit(2);
  }
  return it->second;
}

std::string Get(const std::map<std::string, std::string>& flags, const std::string& key,
                const std::string& fallback) {
  auto it = flags.find(key);
  return it == flags.end() ? fallback : it->second;
}

// The number after `"key":` in a JSON text (first occurrence), or NaN.
double JsonNumber(std::string_view json, std::string_view key) {
  std::string needle(1, '"');
  needle.append(key).append("\":");
  size_t pos = json.find(needle);
  if (pos == std::string_view::npos) return std::nan("");
  return std::strtod(std::string(json.substr(pos + needle.size(), 32)).c_str(), nullptr);
}

// The `dur` of a `Server-Timing: app;dur=12.345` response header, in ms; NaN when absent.
double ServerTimingMs(std::string_view headers) {
  std::string_view timing = FindHeader(headers, "server-timing");
  size_t pos = timing.find("dur=");
  if (pos == std::string_view::npos) return std::nan("");
  return std::strtod(std::string(timing.substr(pos + 4, 32)).c_str(), nullptr);
}

double Quantile(std::vector<double> values, double q) {
  if (values.empty()) return std::nan("");
  std::sort(values.begin(), values.end());
  double h = q * (values.size() - 1);
  size_t lo = static_cast<size_t>(h);
  size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (h - lo) * (values[hi] - values[lo]);
}

std::string JsonArray(const std::vector<double>& values) {
  std::string out = "[";
  char buf[32];
  for (size_t idx = 0; idx < values.size(); ++idx) {
    std::snprintf(buf, sizeof(buf), "%s%.4f", idx ? "," : "", values[idx]);
    out += std::isnan(values[idx]) ? std::string(idx ? ",null" : "null") : std::string(buf);
  }
  return out + "]";
}

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  return static_cast<bool>(out);
}

// ---- ingest ----------------------------------------------------------------------------------

int RunIngest(const std::map<std::string, std::string>& flags) {
  const int port = std::stoi(Need(flags, "port"));
  const std::string path = Need(flags, "file");
  const size_t batch_events = std::stoul(Get(flags, "batch", "5000"));
  const int connections = std::stoi(Get(flags, "connections", "4"));
  const std::string out_path = Need(flags, "out");

  // `--file -` streams standard input (a generator's pipe): batches are read while they are sent.
  std::unique_ptr<mltrack::bench::NdjsonBatches> source;
  if (path == "-") {
    source = std::make_unique<mltrack::bench::StreamBatches>(stdin, batch_events);
  } else {
    auto file = std::make_unique<mltrack::bench::FileBatches>(path, batch_events);
    if (!file->error().empty()) {
      std::fprintf(stderr, "mltrack_bench_client: %s\n", file->error().c_str());
      return 1;
    }
    source = std::move(file);
  }

  std::atomic<bool> failed{false};
  std::mutex mutex;
  // Per batch, by its index: events, ack latency, ack time since the start.
  std::vector<size_t> batch_sizes;
  std::vector<double> latencies_ms, ack_at_ms;
  int64_t accepted = 0, duplicates = 0, retries = 0;
  std::string first_error;
  const Clock::time_point start = Clock::now();
  std::vector<std::thread> threads;
  for (int conn_idx = 0; conn_idx < connections; ++conn_idx) {
    threads.emplace_back([&] {
      HttpConnection conn("127.0.0.1", port);
      HttpResponse response;
      std::string error, storage;
      std::string_view body;
      size_t lines = 0, batch_idx = 0;
      while (!failed && source->Next(storage, body, lines, batch_idx)) {
        for (;;) {
          Clock::time_point sent = Clock::now();
          if (!conn.Send("POST", "/api/v1/events", "application/x-ndjson", body, response, error)) {
            std::lock_guard lock(mutex);
            if (first_error.empty()) first_error = error;
            failed = true;
            break;
          }
          if (response.status == 429 || response.status == 503) {
            double wait_s =
                std::atof(std::string(FindHeader(response.headers, "retry-after")).c_str());
            std::this_thread::sleep_for(
                std::chrono::milliseconds(wait_s > 0 ? int(wait_s * 1000) : 50));
            std::lock_guard lock(mutex);
            ++retries;
            continue;
          }
          std::lock_guard lock(mutex);
          if (response.status != 200) {
            if (first_error.empty()) {
              first_error =
                  "HTTP " + std::to_string(response.status) + ": " + response.body.substr(0, 500);
            }
            failed = true;
            break;
          }
          if (batch_idx >= batch_sizes.size()) {
            batch_sizes.resize(batch_idx + 1);
            latencies_ms.resize(batch_idx + 1);
            ack_at_ms.resize(batch_idx + 1);
          }
          batch_sizes[batch_idx] = lines;
          latencies_ms[batch_idx] = MsSince(sent);
          ack_at_ms[batch_idx] = MsSince(start);
          accepted += static_cast<int64_t>(JsonNumber(response.body, "accepted"));
          duplicates += static_cast<int64_t>(JsonNumber(response.body, "duplicates"));
          break;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const double wall_ms = MsSince(start);
  if (!failed && source->failed()) failed = true, first_error = "reading the input failed";
  if (failed) {
    std::fprintf(stderr, "mltrack_bench_client ingest: %s\n", first_error.c_str());
    return 1;
  }
  size_t events = 0;
  for (size_t size : batch_sizes) events += size;
  // Throughput per whole second of the run (the last, partial second left out).
  std::vector<double> per_second(static_cast<size_t>(wall_ms / 1000.0), 0.0);
  for (size_t batch_idx = 0; batch_idx < batch_sizes.size(); ++batch_idx) {
    size_t second = static_cast<size_t>(ack_at_ms[batch_idx] / 1000.0);
    if (second < per_second.size()) per_second[second] += batch_sizes[batch_idx];
  }
  // Runs shorter than one whole second have no full window: null, not NaN (invalid JSON).
  const std::string median_window =
      per_second.empty() ? "null" : std::to_string(std::llround(Quantile(per_second, 0.5)));
  char text[1024];
  std::snprintf(
      text, sizeof(text),
      "{\"events\": %zu, \"batches\": %zu, \"batch_events\": %zu, \"connections\": %d, "
      "\"wall_s\": %.3f, \"events_per_s\": %.0f, \"median_window_events_per_s\": %s, "
      "\"ack_p50_ms\": %.2f, \"ack_p95_ms\": %.2f, \"ack_p99_ms\": %.2f, \"ack_max_ms\": %.2f, "
      "\"accepted\": %lld, \"duplicates\": %lld, \"retries\": %lld, \"bytes\": %lld}\n",
      events, batch_sizes.size(), batch_events, connections, wall_ms / 1000.0,
      events / (wall_ms / 1000.0), median_window.c_str(), Quantile(latencies_ms, 0.5),
      Quantile(latencies_ms, 0.95), Quantile(latencies_ms, 0.99), Quantile(latencies_ms, 1.0),
      static_cast<long long>(accepted), static_cast<long long>(duplicates),
      static_cast<long long>(retries), static_cast<long long>(source->bytes()));
  std::fputs(text, stdout);
  return WriteFile(out_path, text) ? 0 : 1;
}

// ---- query -----------------------------------------------------------------------------------

struct TimedRequest {
  std::string name, method, target, content_type, body, time_key;
  double time_scale = 1.0;
};

int RunQueries(const std::map<std::string, std::string>& flags) {
  const int port = std::stoi(Need(flags, "port"));
  const int runs = std::stoi(Get(flags, "runs", "20"));
  const int warmup = std::stoi(Get(flags, "warmup", "2"));
  const std::string bodies_dir = Need(flags, "bodies");
  std::ifstream list(Need(flags, "requests"));
  std::vector<TimedRequest> requests;
  for (std::string line; std::getline(list, line);) {
    if (line.empty()) continue;
    std::vector<std::string> parts;
    std::stringstream fields(line);
    for (std::string part; std::getline(fields, part, '\t');) parts.push_back(part);
    if (parts.size() != 7) {
      std::fprintf(stderr, "mltrack_bench_client: bad request line: %s\n", line.c_str());
      return 2;
    }
    TimedRequest request{parts[0],
                         parts[1],
                         parts[2],
                         parts[3] == "-" ? "" : parts[3],
                         "",
                         parts[5],
                         std::atof(parts[6].c_str())};
    if (parts[4] != "-") {
      std::ifstream body_file(parts[4], std::ios::binary);
      request.body.assign(std::istreambuf_iterator<char>(body_file), {});
    }
    requests.push_back(std::move(request));
  }
  HttpConnection conn("127.0.0.1", port);
  HttpResponse response;
  std::string error, out = "{";
  for (size_t req_idx = 0; req_idx < requests.size(); ++req_idx) {
    const TimedRequest& request = requests[req_idx];
    std::vector<double> wall_ms, server_ms;
    int bad_status = 0;
    for (int run_idx = 0; run_idx < warmup + runs; ++run_idx) {
      Clock::time_point sent = Clock::now();
      if (!conn.Send(request.method, request.target, request.content_type, request.body, response,
                     error)) {
        std::fprintf(stderr, "mltrack_bench_client query %s: %s\n", request.name.c_str(),
                     error.c_str());
        return 1;
      }
      double elapsed = MsSince(sent);
      if (response.status != 200) bad_status = response.status;
      if (run_idx < warmup) continue;
      wall_ms.push_back(elapsed);
      if (request.time_key == "server-timing") {
        server_ms.push_back(ServerTimingMs(response.headers) * request.time_scale);
      } else if (request.time_key != "-") {
        server_ms.push_back(JsonNumber(response.body, request.time_key) * request.time_scale);
      }
    }
    WriteFile(bodies_dir + "/" + request.name + ".json", response.body);
    char summary[256];
    std::snprintf(summary, sizeof(summary), "%-28s wall p50 %9.2f ms  p95 %9.2f ms  status %d\n",
                  request.name.c_str(), Quantile(wall_ms, 0.5), Quantile(wall_ms, 0.95),
                  bad_status ? bad_status : 200);
    std::fputs(summary, stderr);
    out += std::string(req_idx ? ",\n" : "\n") + " \"" + request.name +
           "\": {\"status\": " + std::to_string(bad_status ? bad_status : 200) +
           ", \"wall_ms\": " + JsonArray(wall_ms) + ", \"server_ms\": " + JsonArray(server_ms) +
           "}";
  }
  out += "\n}\n";
  return WriteFile(Need(flags, "out"), out) ? 0 : 1;
}

// ---- wait ------------------------------------------------------------------------------------

double MsSinceRealtime(long long since_ns) {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return (now.tv_sec * 1'000'000'000LL + now.tv_nsec - since_ns) / 1e6;
}

int RunWait(const std::map<std::string, std::string>& flags) {
  const int port = std::stoi(Need(flags, "port"));
  const long long expect = std::stoll(Need(flags, "expect-count"));
  const long long since_ns = std::stoll(Need(flags, "since-ns"));
  const double timeout_s = std::atof(Get(flags, "timeout-s", "300").c_str());
  std::ifstream body_file(Need(flags, "body"), std::ios::binary);
  std::string body((std::istreambuf_iterator<char>(body_file)), {});
  const Clock::time_point start = Clock::now();
  std::string last = "no answer";
  while (MsSince(start) < timeout_s * 1000) {
    HttpConnection conn("127.0.0.1", port);
    HttpResponse response;
    std::string error;
    if (conn.Send("POST", "/api/v1/query", "application/json", body, response, error)) {
      size_t rows = response.body.find("\"rows\":[[");
      long long count =
          rows == std::string::npos ? -1 : std::atoll(response.body.c_str() + rows + 9);
      if (response.status == 200 && count == expect) {
        std::printf("%.1f", MsSinceRealtime(since_ns));
        const std::string then_get = Get(flags, "then-get", "");
        if (!then_get.empty()) {
          if (!conn.Send("GET", then_get, "", "", response, error) || response.status != 200) {
            std::fprintf(stderr, "\nmltrack_bench_client wait: GET %s failed: %s\n", then_get.c_str(),
                         error.empty() ? response.body.substr(0, 300).c_str() : error.c_str());
            return 1;
          }
          std::printf(" %.1f", MsSinceRealtime(since_ns));
        }
        std::printf("\n");
        return 0;
      }
      last = "HTTP " + std::to_string(response.status) + ": " + response.body.substr(0, 300);
    } else {
      last = error;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  std::fprintf(stderr, "mltrack_bench_client wait: no full answer within %.0f s (last: %s)\n",
               timeout_s, last.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string command = argc > 1 ? argv[1] : "";
  auto flags = ParseFlags(argc, argv);
  if (command == "ingest") return RunIngest(flags);
  if (command == "query") return RunQueries(flags);
  if (command == "wait") return RunWait(flags);
  std::fprintf(
      stderr, "usage: mltrack_bench_client ingest|query|wait --port P ... (see bench_client.cc)\n");
  return 2;
}
