// mltrack_nab: scores the anomaly detector on the NAB open subset with NAB's standard profile
// (docs/analytics/anomalies.md, "Benchmark"; bench/nab/run.sh drives it).
//
//   mltrack_nab --data DIR --port P     replay each file into the server at 127.0.0.1:P as events
//                                       (one event per row, the row's timestamp as `ts`, the value
//                                       as the score `scores.value`, experiment nab-<file>), ask
//                                       GET /api/analytics/anomalies for avg:scores.value at the
//                                       file's median step, and score the reported anomalies
//   mltrack_nab --data DIR --offline    the same detector called in-process on the same buckets
//                                       (for quick parameter studies; run.sh uses the server)
//   [--z 5.0 --quiet 12 ...]            detector parameters (offline only; the server's defaults
//                                       are what the documented score uses)
//
// A reported anomaly flags the first row of its bucket. Prints one line per file and the
// normalised score (null = 0, perfect = 100).

#include <simdjson.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include "analytics/anomaly_detector.h"
#include "http_client.h"
#include "nab_data.h"
#include "nab_scorer.h"

namespace mltrack::nab {
namespace {

struct Options {
  std::string data;
  int port = 0;
  bool offline = false;
  analytics::DetectorParams params;
};

int64_t FloorTo(int64_t ts, int64_t width) { return ts >= 0 ? ts / width * width : (ts - width + 1) / width * width; }

// Flags the first row of each bucket whose start is in `bucket_starts`.
std::vector<bool> FlagRows(const NabFile& file, int64_t bucket_ms, const std::vector<int64_t>& bucket_starts) {
  std::vector<bool> flagged(file.values.size(), false);
  std::map<int64_t, size_t> first_row;
  for (size_t row = 0; row < file.values.size(); ++row) {
    first_row.emplace(FloorTo(file.series.timestamps[row], bucket_ms), row);
  }
  for (int64_t start : bucket_starts) {
    auto found = first_row.find(start);
    if (found != first_row.end()) flagged[found->second] = true;
  }
  return flagged;
}

std::vector<int64_t> DetectOffline(const NabFile& file, int64_t bucket_ms, const analytics::DetectorParams& params) {
  const int64_t first = FloorTo(file.series.timestamps.front(), bucket_ms);
  int64_t last = first;
  for (int64_t ts : file.series.timestamps) last = std::max(last, FloorTo(ts, bucket_ms));
  const size_t buckets = static_cast<size_t>((last - first) / bucket_ms + 1);
  std::vector<double> sums(buckets, 0.0);
  std::vector<int> counts(buckets, 0);
  for (size_t row = 0; row < file.values.size(); ++row) {
    const size_t idx = static_cast<size_t>((FloorTo(file.series.timestamps[row], bucket_ms) - first) / bucket_ms);
    sums[idx] += file.values[row];
    ++counts[idx];
  }
  std::vector<std::optional<double>> values(buckets);
  for (size_t idx = 0; idx < buckets; ++idx) {
    if (counts[idx] > 0) values[idx] = sums[idx] / counts[idx];
  }
  std::vector<analytics::JudgedBucket> judged = analytics::JudgeSeries(values, bucket_ms, 0, params);
  if (const char* dump = std::getenv("NAB_DUMP"); dump != nullptr && file.name.find(dump) != std::string::npos) {
    for (size_t idx = 0; idx < buckets; ++idx) {
      const analytics::JudgedBucket& b = judged[idx];
      std::fprintf(stderr, "%zu %g %g %g %g %d %d\n", idx, b.actual.value_or(NAN), b.expected.value_or(NAN),
                   b.upper.value_or(NAN) - b.expected.value_or(NAN), b.score.value_or(NAN), static_cast<int>(b.seasonality),
                   b.reported ? 1 : 0);
    }
  }
  std::vector<int64_t> starts;
  for (size_t idx = 0; idx < buckets; ++idx) {
    if (judged[idx].reported) starts.push_back(first + static_cast<int64_t>(idx) * bucket_ms);
  }
  return starts;
}

std::string ExperimentOf(const NabFile& file) {
  std::string name = "nab-" + file.name.substr(file.name.find('/') + 1);
  return name.substr(0, name.size() - 4);  // without .csv
}

std::vector<int64_t> DetectViaServer(const NabFile& file, int64_t bucket_ms, bench::HttpConnection& http) {
  const std::string experiment = ExperimentOf(file);
  std::string body;
  bench::HttpResponse response;
  std::string error;
  auto post = [&]() {
    if (!http.Send("POST", "/api/v1/events", "application/x-ndjson", body, response, error) ||
        response.status != 200) {
      throw std::runtime_error("ingest of " + file.name + " failed: " + error + " " + response.body);
    }
    body.clear();
  };
  for (size_t row = 0; row < file.values.size(); ++row) {
    char line[256];
    std::snprintf(line, sizeof(line),
                  "{\"ts\":%lld,\"experiment\":\"%s\",\"operation\":\"other\",\"scores\":{\"value\":%.17g}}\n",
                  static_cast<long long>(file.series.timestamps[row]), experiment.c_str(), file.values[row]);
    body += line;
    if (row % 5000 == 4999) post();
  }
  if (!body.empty()) post();
  int64_t first = file.series.timestamps.front(), last = first;
  for (int64_t ts : file.series.timestamps) {
    first = std::min(first, ts);
    last = std::max(last, ts);
  }
  const std::string target = "/api/analytics/anomalies?metric=avg:scores.value&experiment=" + experiment +
                             "&bucket=" + std::to_string(bucket_ms / 60'000) + "m&from=" +
                             std::to_string(FloorTo(first, bucket_ms)) + "&to=" +
                             std::to_string(FloorTo(last, bucket_ms) + bucket_ms) + "&history=0&series=none";
  if (!http.Send("GET", target, "", "", response, error) || response.status != 200) {
    throw std::runtime_error("anomalies of " + file.name + " failed: " + error + " " + response.body);
  }
  simdjson::dom::parser parser;
  simdjson::dom::element answer = parser.parse(response.body);
  std::vector<int64_t> starts;
  for (simdjson::dom::element anomaly : answer["anomalies"].get_array()) starts.push_back(int64_t(anomaly["t"]));
  return starts;
}

Options ParseOptions(int argc, char** argv) {
  Options options;
  for (int arg = 1; arg < argc; ++arg) {
    const std::string flag = argv[arg];
    auto next = [&]() -> std::string {
      if (arg + 1 >= argc) throw std::runtime_error(flag + " needs a value");
      return argv[++arg];
    };
    if (flag == "--data") options.data = next();
    else if (flag == "--port") options.port = std::stoi(next());
    else if (flag == "--offline") options.offline = true;
    else if (flag == "--z") options.params.z_threshold = std::stod(next());
    else if (flag == "--quiet") options.params.quiet_buckets = std::stoi(next());
    else if (flag == "--level-window") options.params.level_window = std::stoi(next());
    else if (flag == "--scale-window") options.params.scale_window = std::stoi(next());
    else if (flag == "--min-history") options.params.min_history = std::stoi(next());
    else if (flag == "--fatigue") options.params.fatigue = std::stod(next());
    else if (flag == "--fatigue-buckets") options.params.fatigue_buckets = std::stoi(next());
    else if (flag == "--seasonal-gain") options.params.seasonal_gain = std::stod(next());
    else if (flag == "--novelty-hours") options.params.novelty_window_ms = std::llround(std::stod(next()) * 3'600'000);
    else if (flag == "--novelty-margin") options.params.novelty_margin = std::stod(next());
    else if (flag == "--min-relative-scale") options.params.min_relative_scale = std::stod(next());
    else throw std::runtime_error("unknown flag " + flag);
  }
  if (options.data.empty() || (!options.offline && options.port == 0)) {
    throw std::runtime_error("usage: mltrack_nab --data DIR (--port P | --offline) [detector flags]");
  }
  options.params.non_negative = false;  // NAB values may be negative (the server knows from the metric)
  return options;
}

int Run(const Options& options) {
  std::vector<NabFile> files = LoadNab(options.data);
  bench::HttpConnection http("127.0.0.1", options.port);
  std::vector<FileScore> scores;
  std::printf("%-58s %6s %8s %8s %4s %4s %7s\n", "file", "rows", "bucket", "windows", "hit", "fp", "raw");
  for (const NabFile& file : files) {
    const int64_t bucket_ms = MedianStepMs(file.series.timestamps);
    std::vector<int64_t> starts = options.offline ? DetectOffline(file, bucket_ms, options.params)
                                                  : DetectViaServer(file, bucket_ms, http);
    FileScore score = ScoreFile(file.series, FlagRows(file, bucket_ms, starts));
    std::printf("%-58s %6zu %7lldm %8d %4d %4d %7.3f\n", file.name.c_str(), file.values.size(),
                static_cast<long long>(bucket_ms / 60'000), score.windows, score.detected_windows,
                score.false_positives, score.raw);
    scores.push_back(score);
  }
  // Per category (the folder: artificialWithAnomaly, realAWSCloudwatch, ...), each normalised on
  // its own files, then the whole corpus.
  std::map<std::string, std::vector<FileScore>> by_category;
  for (size_t idx = 0; idx < files.size(); ++idx) {
    by_category[files[idx].name.substr(0, files[idx].name.find('/'))].push_back(scores[idx]);
  }
  for (const auto& [category, category_scores] : by_category) {
    int windows = 0, false_positives = 0;
    double raw = 0;
    for (const FileScore& score : category_scores) {
      windows += score.windows;
      false_positives += score.false_positives;
      raw += score.raw;
    }
    if (windows > 0) {
      std::printf("  %-24s %2zu files: %6.1f\n", category.c_str(), category_scores.size(), NormalisedScore(category_scores));
    } else {  // nothing to find: only false positives can happen (no normalised score)
      std::printf("  %-24s %2zu files: no windows; %d false positives, raw %.3f\n", category.c_str(),
                  category_scores.size(), false_positives, raw);
    }
  }
  std::printf("NAB standard profile, %zu files: %.1f (null 0, perfect 100)\n", files.size(),
              NormalisedScore(scores));
  return 0;
}

}  // namespace
}  // namespace mltrack::nab

int main(int argc, char** argv) {
  try {
    return mltrack::nab::Run(mltrack::nab::ParseOptions(argc, argv));
  } catch (const std::exception& error) {
    std::fprintf(stderr, "mltrack_nab: %s\n", error.what());
    return 1;
  }
}
