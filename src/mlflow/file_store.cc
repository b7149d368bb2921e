#include "mlflow/file_store.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

namespace mltrack::mlflow {
namespace {

namespace fs = std::filesystem;

Result<std::string> ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read " + path.string());
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// A YAML scalar as MLflow's meta.yaml writes it: plain, 'single' ('' escapes ') or "double".
std::optional<std::string> Scalar(std::string value) {
  while (!value.empty() && (value.back() == ' ' || value.back() == '\r')) value.pop_back();
  if (value.empty() || value == "null" || value == "~") return std::nullopt;
  if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'') {
    std::string out;
    for (size_t idx = 1; idx + 1 < value.size(); ++idx) {
      out += value[idx];
      if (value[idx] == '\'' && value[idx + 1] == '\'') ++idx;
    }
    return out;
  }
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    std::string out;
    for (size_t idx = 1; idx + 1 < value.size(); ++idx) {
      if (value[idx] == '\\' && idx + 2 < value.size()) ++idx;
      out += value[idx];
    }
    return out;
  }
  return value;
}

// The top-level `key: value` lines of a meta.yaml (nested blocks such as `tags: []` ignored).
Result<std::map<std::string, std::string>> ReadMeta(const fs::path& path) {
  Result<std::string> text = ReadText(path);
  if (!text.ok()) return text.status();
  std::map<std::string, std::string> meta;
  std::istringstream lines(*text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == ' ' || line[0] == '-' || line[0] == '#') continue;
    size_t colon = line.find(": ");
    if (colon == std::string::npos) continue;
    std::optional<std::string> value = Scalar(line.substr(colon + 2));
    if (value) meta[line.substr(0, colon)] = *value;
  }
  return meta;
}

std::optional<int64_t> Integer(const std::map<std::string, std::string>& meta, const std::string& key) {
  auto found = meta.find(key);
  if (found == meta.end()) return std::nullopt;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(found->second.data(), found->second.data() + found->second.size(), value);
  if (ec != std::errc() || end != found->second.data() + found->second.size()) return std::nullopt;
  return value;
}

std::string Text(const std::map<std::string, std::string>& meta, const std::string& key) {
  auto found = meta.find(key);
  return found == meta.end() ? std::string() : found->second;
}

// Every regular file under `dir`, keyed by its path relative to `dir` ("a/b" for nested keys).
std::vector<std::pair<std::string, fs::path>> KeyFiles(const fs::path& dir) {
  std::vector<std::pair<std::string, fs::path>> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) out.emplace_back(fs::relative(it->path(), dir, ec).generic_string(), it->path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Reads values into `into`; a file that cannot be read is a problem.
void ReadValues(const fs::path& dir, std::map<std::string, std::string>& into, std::vector<std::string>& problems) {
  for (const auto& [key, path] : KeyFiles(dir)) {
    Result<std::string> value = ReadText(path);
    if (!value.ok()) {
      problems.push_back(value.status().message());
      continue;
    }
    into[key] = *value;
  }
}

// Each line "timestamp value [step]"; the latest (by step, then timestamp) is kept.
void ReadMetrics(const fs::path& dir, Run& run, std::vector<std::string>& problems) {
  for (const auto& [key, path] : KeyFiles(dir)) {
    Result<std::string> text = ReadText(path);
    if (!text.ok()) {
      problems.push_back(text.status().message());
      continue;
    }
    std::istringstream lines(*text);
    std::string line;
    for (int line_no = 1; std::getline(lines, line); ++line_no) {
      if (line.empty()) continue;
      std::istringstream fields(line);
      Metric metric;
      std::string value;
      if (!(fields >> metric.timestamp >> value)) {
        problems.push_back(path.string() + " line " + std::to_string(line_no) + ": not \"timestamp value step\"");
        continue;
      }
      fields >> metric.step;
      char* end = nullptr;
      metric.value = std::strtod(value.c_str(), &end);  // also "nan", "inf" as Python writes them
      if (end != value.c_str() + value.size()) {
        problems.push_back(path.string() + " line " + std::to_string(line_no) + ": the value is not a number");
        continue;
      }
      RecordMetric(run.metrics, key, metric);
    }
  }
}

std::optional<RunStatus> StatusFromMeta(const std::map<std::string, std::string>& meta) {
  if (std::optional<int64_t> number = Integer(meta, "status")) {
    // MLflow's RunStatus enum numbers.
    switch (*number) {
      case 1: return RunStatus::kRunning;
      case 2: return RunStatus::kScheduled;
      case 3: return RunStatus::kFinished;
      case 4: return RunStatus::kFailed;
      case 5: return RunStatus::kKilled;
      default: return std::nullopt;
    }
  }
  return ParseRunStatus(Text(meta, "status"));
}

void ReadRun(const fs::path& dir, const Experiment& experiment, FileStoreContents& out) {
  Result<std::map<std::string, std::string>> meta = ReadMeta(dir / "meta.yaml");
  if (!meta.ok()) {
    out.problems.push_back(meta.status().message());
    return;
  }
  Run run;
  run.run_id = Text(*meta, "run_id");
  if (run.run_id.empty()) run.run_id = Text(*meta, "run_uuid");
  std::optional<int64_t> start = Integer(*meta, "start_time");
  std::optional<RunStatus> status = StatusFromMeta(*meta);
  if (run.run_id.empty() || !start || !status) {
    out.problems.push_back((dir / "meta.yaml").string() + ": no run_id, start_time or known status; run skipped");
    return;
  }
  run.experiment_id = experiment.id;
  run.run_name = Text(*meta, "run_name");
  run.user_id = Text(*meta, "user_id");
  run.status = *status;
  run.start_time = *start;
  run.end_time = Integer(*meta, "end_time");
  run.deleted = Text(*meta, "lifecycle_stage") == "deleted";
  ReadMetrics(dir / "metrics", run, out.problems);
  ReadValues(dir / "params", run.params, out.problems);
  ReadValues(dir / "tags", run.tags, out.problems);
  if (run.run_name.empty()) {
    if (auto name = run.tags.find("mlflow.runName"); name != run.tags.end()) run.run_name = name->second;
  }
  out.runs.push_back(std::move(run));
}

}  // namespace

Result<FileStoreContents> ReadFileStore(const fs::path& root) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return Status::NotFound(root.string() + " is not a directory");
  FileStoreContents out;
  std::vector<fs::path> experiment_dirs;
  for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    // ".trash": deleted experiments; "models": the model registry, not an experiment.
    if (it->is_directory() && !name.starts_with(".") && name != "models" && fs::exists(it->path() / "meta.yaml")) {
      experiment_dirs.push_back(it->path());
    }
  }
  if (ec) return Status::IOError("cannot list " + root.string() + ": " + ec.message());
  std::sort(experiment_dirs.begin(), experiment_dirs.end());
  for (const fs::path& dir : experiment_dirs) {
    Result<std::map<std::string, std::string>> meta = ReadMeta(dir / "meta.yaml");
    if (!meta.ok()) {
      out.problems.push_back(meta.status().message());
      continue;
    }
    Experiment experiment;
    experiment.id = Text(*meta, "experiment_id");
    experiment.name = Text(*meta, "name");
    if (experiment.id.empty() || experiment.name.empty()) {
      out.problems.push_back((dir / "meta.yaml").string() + ": no experiment_id or name; experiment skipped");
      continue;
    }
    experiment.artifact_location = Text(*meta, "artifact_location");
    experiment.deleted = Text(*meta, "lifecycle_stage") == "deleted";
    experiment.creation_time = Integer(*meta, "creation_time").value_or(0);
    experiment.last_update_time = Integer(*meta, "last_update_time").value_or(experiment.creation_time);
    ReadValues(dir / "tags", experiment.tags, out.problems);
    std::vector<fs::path> run_dirs;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->is_directory() && fs::exists(it->path() / "meta.yaml")) run_dirs.push_back(it->path());
    }
    std::sort(run_dirs.begin(), run_dirs.end());
    for (const fs::path& run_dir : run_dirs) ReadRun(run_dir, experiment, out);
    out.experiments.push_back(std::move(experiment));
  }
  if (out.experiments.empty()) {
    return Status::InvalidArgument(root.string() + " holds no MLflow experiment (no <id>/meta.yaml): is it an mlruns directory?",
                                   {{-1, "mlflow-dir", "no experiment found"}});
  }
  return out;
}

}  // namespace mltrack::mlflow
