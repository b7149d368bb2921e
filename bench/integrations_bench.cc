// mltrack_bench_integrations: the OTLP and proxy figures of `make bench` (bench/run.sh).
//   otlp --port P --spans 524288 --batch 512 --connections 2 --out otlp.json
//       POSTs GenAI chat spans to /v1/traces as OTLP protobuf, `batch` spans per export, on
//       `connections` keep-alive connections; reports spans/s (each span becomes one event).
//   fake-upstream --port-file F
//       a minimal OpenAI stand-in on a free loopback port (written to F): every request gets
//       the same small chat completion, Content-Length, keep-alive. Runs until killed.
//   proxy --port P --upstream-port U --requests 2000 --out proxy.json
//       the proxy's added latency: the same chat call sent straight to the fake upstream and
//       through /proxy/openai/v1/chat/completions, alternately on one connection each; reports
//       p50/p99 of both and of the difference of the p50s and p99s.
//   mlflow --port P --runs 2000 --metrics 10 --connections 2 --out mlflow.json
//       the MLflow REST API (bench/mlflow_bench.cc): runs created, logged and finished as MLflow
//       clients do; reports the log-batch rate and metric values/s.
// Plain sockets (bench/http_client.h), so the client adds as little CPU as it can.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench_support.h"
#include "http_client.h"
#include "otlp_export_builder.h"

namespace {

using mltrack::bench::Clock;
using mltrack::bench::Get;
using mltrack::bench::HttpConnection;
using mltrack::bench::HttpResponse;
using mltrack::bench::MsSince;
using mltrack::bench::Quantile;
using mltrack::bench::WriteFile;

// ---- otlp ------------------------------------------------------------------------------------

// One export of `batch` chat spans with distinct ids, spread over models, users and an hour.
std::string ExportBatch(size_t batch_idx, size_t batch, int64_t now_ms) {
  static const char* kModels[] = {"gpt-4o-mini", "gpt-4o", "claude-3-5-sonnet-20241022", "o3-mini"};
  std::vector<mltrack::testing::OtlpSpanSpec> spans;
  spans.reserve(batch);
  for (size_t span_idx = 0; span_idx < batch; ++span_idx) {
    const uint64_t serial = batch_idx * batch + span_idx;
    mltrack::testing::OtlpSpanSpec span = mltrack::testing::ChatSpan(kModels[serial % 4], 800 + serial % 900, 100 + serial % 300);
    span.trace_id = std::string(8, '\x07') + std::string(reinterpret_cast<const char*>(&serial), 8);
    span.span_id = std::string(reinterpret_cast<const char*>(&serial), 8);
    span.start_ns = static_cast<uint64_t>(now_ms - static_cast<int64_t>(serial % 3'600'000)) * 1'000'000;
    span.end_ns = span.start_ns + (300 + serial % 4000) * 1'000'000;
    span.attributes.push_back({"user.id", "user-" + std::to_string(serial % 500)});
    span.attributes.push_back({"session.id", "session-" + std::to_string(serial / 7)});
    spans.push_back(std::move(span));
  }
  return mltrack::testing::OtlpExportProtobuf(
      {{{{"service.name", std::string("bench-otlp")}, {"deployment.environment", std::string("bench")}}, spans}});
}

int RunOtlp(const std::map<std::string, std::string>& flags) {
  const int port = std::stoi(Get(flags, "port", "0"));
  const size_t spans = std::stoul(Get(flags, "spans", "524288"));
  const size_t batch = std::stoul(Get(flags, "batch", "512"));
  const int connections = std::stoi(Get(flags, "connections", "2"));
  const int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::vector<std::string> bodies;  // built before the clock starts
  size_t bytes = 0;
  for (size_t batch_idx = 0; batch_idx * batch < spans; ++batch_idx) {
    bodies.push_back(ExportBatch(batch_idx, batch, now_ms));
    bytes += bodies.back().size();
  }
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;
  std::string first_error;
  std::vector<double> latencies(bodies.size());
  const Clock::time_point start = Clock::now();
  std::vector<std::thread> threads;
  for (int conn_idx = 0; conn_idx < connections; ++conn_idx) {
    threads.emplace_back([&] {
      HttpConnection connection("127.0.0.1", port);
      HttpResponse response;
      std::string error;
      for (size_t body_idx; !failed && (body_idx = next++) < bodies.size();) {
        const Clock::time_point sent = Clock::now();
        if (!connection.Send("POST", "/v1/traces", "application/x-protobuf", bodies[body_idx], response, error) ||
            response.status != 200) {
          std::lock_guard lock(mutex);
          if (first_error.empty()) first_error = error.empty() ? "HTTP " + std::to_string(response.status) + ": " + response.body : error;
          failed = true;
          return;
        }
        latencies[body_idx] = MsSince(sent);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const double wall_s = MsSince(start) / 1000;
  if (failed) {
    std::fprintf(stderr, "mltrack_bench_integrations otlp: %s\n", first_error.c_str());
    return 1;
  }
  char text[512];
  std::snprintf(text, sizeof(text),
                "{\"spans\": %zu, \"batch_spans\": %zu, \"connections\": %d, \"wall_s\": %.3f, \"spans_per_s\": %.0f, "
                "\"bytes\": %zu, \"ack_p50_ms\": %.2f, \"ack_p99_ms\": %.2f}\n",
                bodies.size() * batch, batch, connections, wall_s, static_cast<double>(bodies.size() * batch) / wall_s,
                bytes, Quantile(latencies, 0.5), Quantile(latencies, 0.99));
  std::fputs(text, stdout);
  return WriteFile(Get(flags, "out", "otlp.json"), text) ? 0 : 1;
}

// ---- fake upstream ---------------------------------------------------------------------------

constexpr const char* kCompletion =
    R"({"id":"chatcmpl-bench","object":"chat.completion","created":1731368630,"model":"gpt-4o-mini-2024-07-18",)"
    R"("choices":[{"index":0,"message":{"role":"assistant","content":"This is a test."},"finish_reason":"stop"}],)"
    R"("usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17}})";

// Serves one keep-alive connection: reads each request (headers, then Content-Length bytes) and
// answers the fixed completion.
void ServeFake(int fd) {
  const std::string body = kCompletion;
  const std::string response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                               std::to_string(body.size()) + "\r\n\r\n" + body;
  std::string buffer;
  char chunk[16384];
  for (;;) {
    size_t header_end;
    while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      const ssize_t got = ::recv(fd, chunk, sizeof(chunk), 0);
      if (got <= 0) return ::close(fd), void();
      buffer.append(chunk, static_cast<size_t>(got));
    }
    std::string headers = buffer.substr(0, header_end);
    for (char& c : headers) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    size_t length = 0;
    if (size_t at = headers.find("content-length:"); at != std::string::npos) length = std::stoul(headers.substr(at + 15));
    while (buffer.size() < header_end + 4 + length) {
      const ssize_t got = ::recv(fd, chunk, sizeof(chunk), 0);
      if (got <= 0) return ::close(fd), void();
      buffer.append(chunk, static_cast<size_t>(got));
    }
    buffer.erase(0, header_end + 4 + length);
    if (::send(fd, response.data(), response.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(response.size())) {
      return ::close(fd), void();
    }
  }
}

int RunFakeUpstream(const std::map<std::string, std::string>& flags) {
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 || ::listen(listener, 64) != 0 ||
      ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    std::perror("fake-upstream");
    return 1;
  }
  if (!WriteFile(Get(flags, "port-file", "fake-upstream.port"), std::to_string(ntohs(address.sin_port)) + "\n")) return 1;
  for (;;) {
    const int fd = ::accept(listener, nullptr, nullptr);
    if (fd < 0) continue;
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    std::thread(ServeFake, fd).detach();
  }
}

// ---- proxy -----------------------------------------------------------------------------------

int RunProxy(const std::map<std::string, std::string>& flags) {
  const int port = std::stoi(Get(flags, "port", "0"));
  const int upstream_port = std::stoi(Get(flags, "upstream-port", "0"));
  const int requests = std::stoi(Get(flags, "requests", "2000"));
  const std::string body = R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say this is a test"}]})";
  HttpConnection direct("127.0.0.1", upstream_port);
  HttpConnection proxied("127.0.0.1", port);
  HttpResponse response;
  std::string error;
  std::vector<double> direct_ms, proxied_ms;
  for (int request_idx = -50; request_idx < requests; ++request_idx) {  // 50 warm-ups each
    Clock::time_point start = Clock::now();
    if (!direct.Send("POST", "/v1/chat/completions", "application/json", body, response, error) || response.status != 200) {
      std::fprintf(stderr, "proxy bench: direct call failed: %s %d\n", error.c_str(), response.status);
      return 1;
    }
    if (request_idx >= 0) direct_ms.push_back(MsSince(start));
    start = Clock::now();
    if (!proxied.Send("POST", "/proxy/openai/v1/chat/completions", "application/json", body, response, error) ||
        response.status != 200 || response.body != kCompletion) {
      std::fprintf(stderr, "proxy bench: proxied call failed: %s %d %s\n", error.c_str(), response.status,
                   response.body.substr(0, 300).c_str());
      return 1;
    }
    if (request_idx >= 0) proxied_ms.push_back(MsSince(start));
  }
  char text[512];
  std::snprintf(text, sizeof(text),
                "{\"requests\": %d, \"direct_p50_ms\": %.3f, \"direct_p99_ms\": %.3f, \"proxied_p50_ms\": %.3f, "
                "\"proxied_p99_ms\": %.3f, \"added_p50_ms\": %.3f, \"added_p99_ms\": %.3f}\n",
                requests, Quantile(direct_ms, 0.5), Quantile(direct_ms, 0.99), Quantile(proxied_ms, 0.5),
                Quantile(proxied_ms, 0.99), Quantile(proxied_ms, 0.5) - Quantile(direct_ms, 0.5),
                Quantile(proxied_ms, 0.99) - Quantile(direct_ms, 0.99));
  std::fputs(text, stdout);
  return WriteFile(Get(flags, "out", "proxy.json"), text) ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "";
  const auto flags = mltrack::bench::Flags(argc, argv);
  if (command == "otlp") return RunOtlp(flags);
  if (command == "fake-upstream") return RunFakeUpstream(flags);
  if (command == "proxy") return RunProxy(flags);
  if (command == "mlflow") return mltrack::bench::RunMlflow(flags);
  std::fprintf(stderr, "usage: mltrack_bench_integrations otlp|fake-upstream|proxy|mlflow ... (see integrations_bench.cc)\n");
  return 2;
}
