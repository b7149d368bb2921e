// mltrack_bench_integrations mlflow: the MLflow REST API's ingest rate (bench/run.sh).
//   mlflow --port P --runs 2000 --metrics 10 --connections 2 --out mlflow.json
// Each run goes through what an MLflow client sends: runs/create (llm.* tags), one runs/log-batch
// of `metrics` metrics (MLtrack's llm.* metrics first, then quality scores) with two params and a
// tag, and runs/update FINISHED (which appends the run's event). Every log-batch is fsynced
// before its answer (the tracking log), so this is a durable-ack rate. Reports log-batch
// requests/s and metric values/s over the whole run, the runs/s of the full lifecycle, and the
// log-batch answer's p50/p99.
#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench_support.h"
#include "http_client.h"

namespace mltrack::bench {
namespace {

constexpr const char* kLlmMetrics[] = {"llm.latency_ms", "llm.tokens.prompt_tokens", "llm.tokens.completion_tokens",
                                       "llm.tokens.total_tokens", "llm.ttft_ms"};

// The value of "run_id" in a runs/create answer; "" when absent.
std::string RunIdOf(const std::string& body) {
  const std::string key = "\"run_id\":\"";
  const size_t at = body.find(key);
  if (at == std::string::npos) return "";
  const size_t end = body.find('"', at + key.size());
  return body.substr(at + key.size(), end - at - key.size());
}

std::string LogBatchBody(const std::string& run_id, size_t run_idx, size_t metrics, int64_t now_ms) {
  std::string body = "{\"run_id\":\"" + run_id + "\",\"metrics\":[";
  for (size_t metric_idx = 0; metric_idx < metrics; ++metric_idx) {
    const std::string key = metric_idx < 5 ? kLlmMetrics[metric_idx] : "score_" + std::to_string(metric_idx);
    if (metric_idx) body += ",";
    body += "{\"key\":\"" + key + "\",\"value\":" + std::to_string(100 + (run_idx * 7 + metric_idx) % 900) +
            ",\"timestamp\":" + std::to_string(now_ms) + ",\"step\":0}";
  }
  body += "],\"params\":[{\"key\":\"temperature\",\"value\":\"0.2\"},{\"key\":\"prompt\",\"value\":\"v" +
          std::to_string(run_idx % 4) + "\"}],\"tags\":[{\"key\":\"env\",\"value\":\"bench\"}]}";
  return body;
}

}  // namespace

int RunMlflow(const BenchFlags& flags) {
  const int port = std::stoi(Get(flags, "port", "0"));
  const size_t runs = std::stoul(Get(flags, "runs", "2000"));
  const size_t metrics = std::stoul(Get(flags, "metrics", "10"));
  const int connections = std::stoi(Get(flags, "connections", "2"));
  const int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  HttpConnection setup("127.0.0.1", port);
  HttpResponse response;
  std::string error;
  const std::string experiment_name = "bench-mlflow-" + std::to_string(now_ms);
  if (!setup.Send("POST", "/api/2.0/mlflow/experiments/create", "application/json",
                  "{\"name\":\"" + experiment_name + "\"}", response, error) ||
      response.status != 200) {
    std::fprintf(stderr, "mltrack_bench_integrations mlflow: experiments/create: %s %s\n", error.c_str(),
                 response.body.c_str());
    return 1;
  }
  const size_t id_at = response.body.find("\"experiment_id\":\"") + 17;
  const std::string experiment_id = response.body.substr(id_at, response.body.find('"', id_at) - id_at);

  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;
  std::string first_error;
  std::vector<double> batch_ms(runs);
  const Clock::time_point start = Clock::now();
  std::vector<std::thread> threads;
  for (int conn_idx = 0; conn_idx < connections; ++conn_idx) {
    threads.emplace_back([&] {
      HttpConnection connection("127.0.0.1", port);
      HttpResponse answer;
      std::string why;
      auto send = [&](const char* path, const std::string& body) {
        if (connection.Send("POST", path, "application/json", body, answer, why) && answer.status == 200) return true;
        std::lock_guard lock(mutex);
        if (first_error.empty()) first_error = std::string(path) + ": " + (why.empty() ? answer.body : why);
        failed = true;
        return false;
      };
      for (size_t run_idx; !failed && (run_idx = next++) < runs;) {
        const std::string create = "{\"experiment_id\":\"" + experiment_id + "\",\"start_time\":" +
                                   std::to_string(now_ms - static_cast<int64_t>(run_idx % 3'600'000)) +
                                   ",\"tags\":[{\"key\":\"llm.provider\",\"value\":\"openai\"},{\"key\":\"llm.model\","
                                   "\"value\":\"gpt-4o-mini\"},{\"key\":\"mltrack.user.id\",\"value\":\"user-" +
                                   std::to_string(run_idx % 200) + "\"}]}";
        if (!send("/api/2.0/mlflow/runs/create", create)) return;
        const std::string run_id = RunIdOf(answer.body);
        const Clock::time_point sent = Clock::now();
        if (!send("/api/2.0/mlflow/runs/log-batch", LogBatchBody(run_id, run_idx, metrics, now_ms))) return;
        batch_ms[run_idx] = MsSince(sent);
        if (!send("/api/2.0/mlflow/runs/update", "{\"run_id\":\"" + run_id + "\",\"status\":\"FINISHED\"}")) return;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const double wall_s = MsSince(start) / 1000;
  if (failed) {
    std::fprintf(stderr, "mltrack_bench_integrations mlflow: %s\n", first_error.c_str());
    return 1;
  }
  double batch_total_ms = 0;
  for (double ms : batch_ms) batch_total_ms += ms;
  const double batches_per_s = static_cast<double>(runs) * connections / (batch_total_ms / 1000);
  char text[512];
  std::snprintf(text, sizeof(text),
                "{\"runs\": %zu, \"metrics_per_batch\": %zu, \"connections\": %d, \"wall_s\": %.3f, \"runs_per_s\": %.0f, "
                "\"log_batch_per_s\": %.0f, \"metric_values_per_s\": %.0f, \"log_batch_p50_ms\": %.2f, "
                "\"log_batch_p99_ms\": %.2f}\n",
                runs, metrics, connections, wall_s, static_cast<double>(runs) / wall_s, batches_per_s,
                batches_per_s * static_cast<double>(metrics), Quantile(batch_ms, 0.5), Quantile(batch_ms, 0.99));
  std::fputs(text, stdout);
  return WriteFile(Get(flags, "out", "mlflow.json"), text) ? 0 : 1;
}

}  // namespace mltrack::bench
