#include "fault_support.h"

#include <sys/mount.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>
#include <simdjson.h>

#include "test_support.h"

namespace mltrack::fault {

using integration::HttpClient;
using integration::HttpResult;

uint64_t FaultSeed() {
  uint64_t seed = 0;
  if (const char* env = std::getenv("MLTRACK_FAULT_SEED"); env != nullptr && *env != '\0') {
    seed = std::strtoull(env, nullptr, 10);
  } else {
    seed = (static_cast<uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}();
  }
  std::cout << "[ seed     ] MLTRACK_FAULT_SEED=" << seed << " replays this test's random choices\n";
  ::testing::Test::RecordProperty("seed", std::to_string(seed));
  return seed;
}

std::string EventLine(const std::string& id, const std::string& batch_key, int64_t input_tokens,
                      int64_t output_tokens) {
  static const std::string ts = integration::Rfc3339(integration::NowMs() - 3'600'000);
  return fmt::format(
      R"({{"id":"{0}","ts":"{1}","experiment":"fault","provider":"openai","model":"gpt-4o-mini","user":"u1",)"
      R"("input_tokens":{2},"output_tokens":{3},"latency_ms":120.5,"tags":{{"cid":"{0}","batch":"{4}"}}}})",
      id, ts, input_tokens, output_tokens, batch_key);
}

Batch MakeBatch(const std::string& key, size_t events, BodyKind kind, std::mt19937_64& rng) {
  Batch batch;
  batch.key = key;
  batch.events = kind == BodyKind::kJsonObject ? 1 : events;
  std::uniform_int_distribution<int64_t> tokens(1, 50'000);
  batch.body.reserve(batch.events * 230 + 2);
  if (kind == BodyKind::kJsonArray) batch.body += '[';
  for (size_t event_idx = 0; event_idx < batch.events; ++event_idx) {
    const int64_t input = tokens(rng);
    const int64_t output = tokens(rng) / 10;
    batch.input_tokens += input;
    batch.output_tokens += output;
    if (event_idx > 0 && kind == BodyKind::kJsonArray) batch.body += ',';
    batch.body += EventLine(key + "-e" + std::to_string(event_idx), key, input, output);
    if (kind == BodyKind::kNdjson) batch.body += '\n';
  }
  if (kind == BodyKind::kJsonArray) batch.body += ']';
  batch.content_type = kind == BodyKind::kNdjson ? "application/x-ndjson" : "application/json";
  return batch;
}

namespace {

int64_t CellInt(const integration::QueryTable& table, size_t row_idx, const std::string& column) {
  const std::string cell = table.Cell(row_idx, column);
  return cell == "null" ? 0 : integration::ToInt(cell);  // a sum over nothing is null
}

BatchRow RowOf(const integration::QueryTable& table, size_t row_idx) {
  return BatchRow{CellInt(table, row_idx, "count"), CellInt(table, row_idx, "uniq:tags.cid"),
                  CellInt(table, row_idx, "sum:input_tokens"), CellInt(table, row_idx, "sum:output_tokens")};
}

std::optional<integration::QueryTable> RunQuery(HttpClient& client, const std::string& members, std::string* error) {
  HttpResult result =
      client.Post("/api/v1/query", std::string("{") + integration::kQueryRange + "," + members + "}");
  if (result.status != 200) {
    *error = "query {" + members + "}: " + result.Describe();
    return std::nullopt;
  }
  return integration::ParseQueryTable(result.body, error);
}

}  // namespace

std::optional<StoreContents> ReadStore(HttpClient& client, std::string* error) {
  const std::string metrics = R"("metrics":["count","uniq:tags.cid","sum:input_tokens","sum:output_tokens"])";
  auto totals = RunQuery(client, metrics, error);
  if (!totals) return std::nullopt;
  if (totals->rows.size() != 1) {
    *error = "an ungrouped query returned " + std::to_string(totals->rows.size()) + " rows";
    return std::nullopt;
  }
  auto per_batch = RunQuery(client, R"("group_by":["tags.batch"],"limit":100000,)" + metrics, error);
  if (!per_batch) return std::nullopt;
  StoreContents contents;
  contents.total = RowOf(*totals, 0);
  for (size_t row_idx = 0; row_idx < per_batch->rows.size(); ++row_idx) {
    contents.batches[per_batch->Cell(row_idx, "tags.batch")] = RowOf(*per_batch, row_idx);
  }
  return contents;
}

::testing::AssertionResult MatchesLedger(const StoreContents& store, const std::vector<const Batch*>& ledger,
                                         const std::string& prefix) {
  std::vector<std::string> problems;
  const auto problem = [&](std::string text) { problems.push_back(std::move(text)); };
  std::map<std::string, const Batch*> by_key;
  for (const Batch* batch : ledger) by_key[batch->key] = batch;

  BatchRow expected_total;
  for (const auto& [key, row] : store.batches) {
    if (key.rfind(prefix, 0) != 0) continue;
    auto it = by_key.find(key);
    if (it == by_key.end()) {
      problem(fmt::format("batch {} is stored ({} events) but was never sent", key, row.count));
      continue;
    }
    const Batch& batch = *it->second;
    if (row.count != row.distinct_ids) problem(fmt::format("batch {}: {} events but {} distinct ids", key, row.count, row.distinct_ids));
    if (batch.fate == Fate::kRefused) problem(fmt::format("batch {} was refused but {} of its events are stored", key, row.count));
    if (row.count != static_cast<int64_t>(batch.events) || row.input_tokens != batch.input_tokens ||
        row.output_tokens != batch.output_tokens) {
      problem(fmt::format("batch {} ({}) is stored partially or wrongly: {} of {} events, input_tokens {} (sent {}), "
                          "output_tokens {} (sent {})",
                          key, batch.fate == Fate::kAcked ? "acknowledged" : "unacknowledged", row.count, batch.events,
                          row.input_tokens, batch.input_tokens, row.output_tokens, batch.output_tokens));
    }
    expected_total.count += row.count;
    expected_total.input_tokens += row.input_tokens;
    expected_total.output_tokens += row.output_tokens;
  }
  for (const Batch* batch : ledger) {
    if (batch->fate == Fate::kAcked && !store.batches.contains(batch->key)) {
      problem(fmt::format("batch {} ({} events) was acknowledged but is missing", batch->key, batch->events));
    }
  }
  if (prefix.empty()) {
    if (store.total.count != store.total.distinct_ids) {
      problem(fmt::format("{} events stored but {} distinct ids: some id is stored twice", store.total.count,
                          store.total.distinct_ids));
    }
    if (store.total.count != expected_total.count || store.total.input_tokens != expected_total.input_tokens ||
        store.total.output_tokens != expected_total.output_tokens) {
      problem(fmt::format("totals {} events / {} input / {} output tokens differ from the sum over batches {} / {} / {}",
                          store.total.count, store.total.input_tokens, store.total.output_tokens, expected_total.count,
                          expected_total.input_tokens, expected_total.output_tokens));
    }
  }
  if (problems.empty()) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  failure << problems.size() << " problem(s):";
  for (size_t problem_idx = 0; problem_idx < problems.size() && problem_idx < 12; ++problem_idx) {
    failure << "\n  " << problems[problem_idx];
  }
  return failure;
}

std::optional<Health> ReadHealth(HttpClient& client, std::string* error) {
  HttpResult result = client.Get("/api/health");
  if (result.status != 200) {
    *error = "GET /api/health: " + result.Describe();
    return std::nullopt;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(result.body).get(root) != simdjson::SUCCESS) {
    *error = "health is not JSON: " + result.body;
    return std::nullopt;
  }
  Health health;
  std::string_view text;
  if (root["status"].get(text) == simdjson::SUCCESS) health.status = std::string(text);
  int64_t number = 0;
  if (root["events"].get(number) == simdjson::SUCCESS) health.events = number;
  if (root["store"]["memory_bytes"].get(number) == simdjson::SUCCESS) health.memory_bytes = number;
  simdjson::dom::array problems;
  if (root["problems"].get(problems) == simdjson::SUCCESS) {
    for (simdjson::dom::element item : problems) {
      HealthProblem problem;
      if (item["file"].get(text) == simdjson::SUCCESS) problem.file = std::string(text);
      if (item["offset"].get(number) == simdjson::SUCCESS) problem.offset = number;
      if (item["what"].get(text) == simdjson::SUCCESS) problem.what = std::string(text);
      if (item["count"].get(number) == simdjson::SUCCESS) problem.count = number;
      health.problems.push_back(std::move(problem));
    }
  }
  return health;
}

bool ResetPeakRss(pid_t pid) {
  std::ofstream out("/proc/" + std::to_string(pid) + "/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

int64_t ProcStatusKb(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      std::istringstream values(line.substr(field.size() + 1));
      int64_t kb = -1;
      values >> kb;
      return kb;
    }
  }
  return -1;
}

std::unique_ptr<TmpfsMount> TmpfsMount::Mount(const std::filesystem::path& dir, uint64_t size_bytes,
                                              std::string* error) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string options = "size=" + std::to_string(size_bytes);
  if (::mount("tmpfs", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0) {
    *error = "mount -t tmpfs -o " + options + " tmpfs " + dir.string() + ": " + std::strerror(errno);
    return nullptr;
  }
  return std::unique_ptr<TmpfsMount>(new TmpfsMount(dir));
}

TmpfsMount::~TmpfsMount() {
  if (::umount2(dir_.c_str(), MNT_DETACH) != 0) {
    std::cerr << "umount " << dir_ << ": " << std::strerror(errno) << "\n";
  }
}

std::optional<StoreContents> FaultTest::Contents() {
  std::string error;
  auto contents = ReadStore(client(), &error);
  if (!contents) ADD_FAILURE() << error;
  return contents;
}

std::optional<Health> FaultTest::HealthNow() {
  std::string error;
  auto health = ReadHealth(client(), &error);
  if (!health) ADD_FAILURE() << error;
  return health;
}

}  // namespace mltrack::fault
