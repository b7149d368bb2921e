#pragma once
// Small helpers shared by the bench tools: `--key value` flags, percentiles, timing, output.

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace mltrack::bench {

using Clock = std::chrono::steady_clock;
using BenchFlags = std::map<std::string, std::string>;

// `tool COMMAND --key value ...` → {key: value}.
inline std::map<std::string, std::string> Flags(int argc, char** argv) {
  std::map<std::string, std::string> flags;
  for (int arg_idx = 2; arg_idx + 1 < argc; arg_idx += 2) {
    std::string key = argv[arg_idx];
    if (key.rfind("--", 0) == 0) flags[key.substr(2)] = argv[arg_idx + 1];
  }
  return flags;
}

inline std::string Get(const std::map<std::string, std::string>& flags, const std::string& key, const std::string& fallback) {
  auto it = flags.find(key);
  return it == flags.end() ? fallback : it->second;
}

// Linear-interpolation quantile (numpy's default) of `values`, `q` in [0, 1].
inline double Quantile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double rank = q * static_cast<double>(values.size() - 1);
  const size_t low = static_cast<size_t>(rank);
  const size_t high = std::min(low + 1, values.size() - 1);
  return values[low] + (values[high] - values[low]) * (rank - static_cast<double>(low));
}

inline double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

inline bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  return static_cast<bool>(out);
}

// mltrack_bench_integrations mlflow (bench/mlflow_bench.cc).
int RunMlflow(const BenchFlags& flags);

}  // namespace mltrack::bench
