// Runs the declarative query tests in tests/queries/**/*.test (format: tests/queries/README.md)
// twice: over a memtable with tiny blocks, and over an EmbeddedStore that seals every `events`
// block into its own segment, so the narrow segment encodings answer the same expected rows.

#include <unistd.h>

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "core/event.h"
#include "core/time.h"
#include "query/query_executor.h"
#include "query/query_parser.h"
#include "query/query_result.h"
#include "store/embedded_store.h"
#include "store/memtable.h"

namespace mltrack::query {
namespace {

namespace fs = std::filesystem;
using simdjson::dom::element;
using simdjson::dom::element_type;

constexpr int64_t kDefaultNow = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

fs::path SourceDir() {
  if (const char* env = std::getenv("MLTRACK_SOURCE_DIR"); env && *env) return env;
  return MLTRACK_SOURCE_DIR;
}

std::vector<std::string> GoldenFiles() {
  std::vector<std::string> files;
  fs::path root = SourceDir() / "tests" / "queries";
  if (!fs::exists(root)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().extension() == ".test") {
      files.push_back(fs::relative(entry.path(), root).string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

double Number(element value) {
  switch (value.type()) {
    case element_type::INT64: return static_cast<double>(int64_t(value));
    case element_type::UINT64: return static_cast<double>(uint64_t(value));
    default: return double(value);
  }
}

// A tiny event reader for test data: the schema of DESIGN.md §6, no validation beyond types.
Event EventFromJson(element object, std::string& error) {
  Event event;
  auto str = [](element value) { return std::string(std::string_view(value)); };
  for (auto [key, value] : simdjson::dom::object(object)) {
    if (key == "ts") {
      if (value.type() == element_type::STRING) {
        Result<int64_t> ts = ParseRfc3339(std::string_view(value));
        if (!ts.ok()) error = ts.status().ToString();
        else event.ts_ms = *ts;
      } else {
        event.ts_ms = int64_t(value);
      }
    } else if (key == "id") event.id = str(value);
    else if (key == "experiment") event.experiment = str(value);
    else if (key == "run_id") event.run_id = str(value);
    else if (key == "session_id") event.session_id = str(value);
    else if (key == "trace_id") event.trace_id = str(value);
    else if (key == "user") event.user = str(value);
    else if (key == "team") event.team = str(value);
    else if (key == "provider") event.provider = str(value);
    else if (key == "model") event.model = str(value);
    else if (key == "endpoint") event.endpoint = str(value);
    else if (key == "error_type") event.error_type = str(value);
    else if (key == "prompt_name") event.prompt_name = str(value);
    else if (key == "prompt_version") event.prompt_version = str(value);
    else if (key == "input_hash") event.input_hash = str(value);
    else if (key == "operation") {
      auto op = ParseOperation(std::string_view(value));
      if (!op) error = "bad operation";
      else event.operation = *op;
    } else if (key == "status") {
      auto status = ParseEventStatus(std::string_view(value));
      if (!status) error = "bad status";
      else event.status = *status;
    } else if (key == "http_status") event.http_status = static_cast<int32_t>(int64_t(value));
    else if (key == "input_tokens") event.input_tokens = int64_t(value);
    else if (key == "output_tokens") event.output_tokens = int64_t(value);
    else if (key == "cached_input_tokens") event.cached_input_tokens = int64_t(value);
    else if (key == "cache_write_tokens") event.cache_write_tokens = int64_t(value);
    else if (key == "reasoning_tokens") event.reasoning_tokens = int64_t(value);
    else if (key == "cost_usd") event.cost_nano_usd = std::llround(Number(value) * 1e9);
    else if (key == "latency_ms") event.latency_ms = Number(value);
    else if (key == "ttft_ms") event.ttft_ms = Number(value);
    else if (key == "cache_hit") event.cache_hit = bool(value);
    else if (key == "streaming") event.streaming = bool(value);
    else if (key == "tags") {
      for (auto [tag, tag_value] : simdjson::dom::object(value)) event.tags.emplace_back(std::string(tag), str(tag_value));
    } else if (key == "scores") {
      for (auto [name, score] : simdjson::dom::object(value)) event.scores.emplace_back(std::string(name), Number(score));
    } else {
      error = "unknown event field " + std::string(key);
    }
  }
  return event;
}

// Structural equality; numbers within 1e-9 relative (printing is shortest round-trip).
bool JsonEqual(element expected, element actual, std::string& why) {
  const bool expected_number = expected.is_number();
  if (expected_number && actual.is_number()) {
    double want = Number(expected);
    double got = Number(actual);
    if (std::abs(want - got) <= 1e-9 * std::max(1.0, std::abs(want))) return true;
    why = "number " + std::to_string(got) + " != " + std::to_string(want);
    return false;
  }
  if (expected.type() != actual.type()) {
    why = "type differs: " + simdjson::to_string(actual) + " vs expected " + simdjson::to_string(expected);
    return false;
  }
  switch (expected.type()) {
    case element_type::ARRAY: {
      auto want = simdjson::dom::array(expected);
      auto got = simdjson::dom::array(actual);
      if (want.size() != got.size()) {
        why = "array length " + std::to_string(got.size()) + " != " + std::to_string(want.size());
        return false;
      }
      auto it = got.begin();
      for (element item : want) {
        if (!JsonEqual(item, *it, why)) return false;
        ++it;
      }
      return true;
    }
    case element_type::OBJECT: {
      for (auto [key, value] : simdjson::dom::object(expected)) {
        element other;
        if (actual[key].get(other) != simdjson::SUCCESS) {
          why = "missing key " + std::string(key);
          return false;
        }
        if (!JsonEqual(value, other, why)) return false;
      }
      return true;
    }
    default:
      if (simdjson::to_string(expected) == simdjson::to_string(actual)) return true;
      why = simdjson::to_string(actual) + " != " + simdjson::to_string(expected);
      return false;
  }
}

struct Lines {
  std::vector<std::string> lines;
  size_t next = 0;
  bool done() const { return next >= lines.size(); }
  const std::string& peek() const { return lines[next]; }
  // Lines up to (not including) a blank line or the end.
  std::vector<std::string> Paragraph() {
    std::vector<std::string> out;
    while (!done() && !peek().empty()) out.push_back(lines[next++]);
    return out;
  }
};

// Where a golden file's events are stored.
enum class Backend {
  kMemtable,  // one memtable with blocks of 2, then 4 rows: block boundaries and time pruning
  kSegments,  // an EmbeddedStore in a temp dir: every `events` block sealed into one segment
};

std::string BackendName(Backend backend) { return backend == Backend::kMemtable ? "Memtable" : "Segments"; }

// The table a golden file fills and queries. Not thread-safe.
class GoldenTable {
 public:
  virtual ~GoldenTable() = default;
  // Stores `events`; a test failure (and false) when they cannot be stored as asked.
  virtual bool Append(std::vector<Event> events) = 0;
  virtual std::shared_ptr<const store::TableSnapshot> Snapshot() const = 0;
};

class MemtableTable final : public GoldenTable {
 public:
  bool Append(std::vector<Event> events) override {
    memtable_.Append(events);
    return true;
  }
  std::shared_ptr<const store::TableSnapshot> Snapshot() const override { return memtable_.Snapshot(); }

 private:
  store::Memtable memtable_{store::MemtableOptions{.block_rows = 4, .first_block_rows = 2}};
};

// seal_rows = 1 freezes the memtable after every append; waiting for maintenance then leaves
// every row in segments and none in a memtable. Compaction is off (target 2 rows: no segment is
// under half of it), so a file with several `events` blocks is queried across several segments.
class SegmentTable final : public GoldenTable {
 public:
  ~SegmentTable() override {
    store_.reset();
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  bool Open() {
    dir_ = fs::temp_directory_path() /
           ("mltrack-golden-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()));
    store::StoreOptions options;
    options.dir = dir_;
    options.seal_rows = 1;
    options.compact_target_rows = 2;
    options.seal_on_close = false;
    auto opened = store::EmbeddedStore::Open(std::move(options));
    if (!opened.ok()) {
      ADD_FAILURE() << "open store in " << dir_ << ": " << opened.status().ToString();
      return false;
    }
    store_ = std::move(*opened);
    return true;
  }

  bool Append(std::vector<Event> events) override {
    const size_t count = events.size();
    const size_t segments_before = store_->segment_count();
    auto appended = store_->Append(std::move(events));
    if (!appended.ok() || appended->accepted != count) {
      ADD_FAILURE() << "append of " << count << " events: "
                    << (appended.ok() ? std::to_string(appended->accepted) + " accepted" : appended.status().ToString());
      return false;
    }
    if (!store_->WaitForMaintenance(10'000)) {
      ADD_FAILURE() << "the seal did not finish in 10 s";
      return false;
    }
    if (count > 0 && store_->segment_count() != segments_before + 1) {
      ADD_FAILURE() << count << " events made " << store_->segment_count() - segments_before
                    << " new segments, expected 1";
      return false;
    }
    return true;
  }

  std::shared_ptr<const store::TableSnapshot> Snapshot() const override { return store_->Snapshot(); }

 private:
  fs::path dir_;
  std::unique_ptr<store::EmbeddedStore> store_;
};

class GoldenTest : public ::testing::TestWithParam<std::tuple<std::string, Backend>> {};

TEST_P(GoldenTest, Matches) {
  const auto& [file_name, backend] = GetParam();
  const fs::path path = SourceDir() / "tests" / "queries" / file_name;
  std::ifstream file(path);
  ASSERT_TRUE(file) << "cannot open " << path;
  Lines input;
  for (std::string line; std::getline(file, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.starts_with("#")) continue;
    input.lines.push_back(line);
  }

  std::unique_ptr<GoldenTable> table;
  if (backend == Backend::kMemtable) {
    table = std::make_unique<MemtableTable>();
  } else {
    auto segments = std::make_unique<SegmentTable>();
    ASSERT_TRUE(segments->Open());
    table = std::move(segments);
  }
  simdjson::dom::parser parser;
  int queries = 0;
  while (!input.done()) {
    if (input.peek().empty()) {
      ++input.next;
      continue;
    }
    const size_t header_line = input.next + 1;
    std::string header = input.lines[input.next++];
    if (header == "events") {
      std::vector<Event> events;
      for (const std::string& line : input.Paragraph()) {
        element object;
        ASSERT_EQ(parser.parse(line).get(object), simdjson::SUCCESS) << "bad event JSON: " << line;
        std::string error;
        events.push_back(EventFromJson(object, error));
        ASSERT_TRUE(error.empty()) << error << " in " << line;
      }
      ASSERT_TRUE(table->Append(std::move(events))) << path << ":" << header_line;
      continue;
    }
    ASSERT_TRUE(header.starts_with("query")) << path << ":" << header_line << ": expected 'events' or 'query', got " << header;
    int64_t now = kDefaultNow;
    if (size_t at = header.find("now="); at != std::string::npos) now = std::stoll(header.substr(at + 4));
    std::string query_json;
    while (!input.done() && input.peek() != "----") query_json += input.lines[input.next++] + "\n";
    ASSERT_FALSE(input.done()) << path << ":" << header_line << ": query without '----'";
    ++input.next;
    std::vector<std::string> expected = input.Paragraph();
    ++queries;
    SCOPED_TRACE(path.string() + ":" + std::to_string(header_line) + ": " + query_json);

    Result<QuerySpec> spec = ParseQuerySpec(query_json, now);
    if (!expected.empty() && expected[0].starts_with("error")) {
      ASSERT_FALSE(spec.ok()) << "expected an error";
      std::string field = expected[0].size() > 6 ? expected[0].substr(6) : "";
      bool named = false;
      for (const ErrorDetail& detail : spec.status().details()) named |= detail.field == field;
      EXPECT_TRUE(named) << "no detail names '" << field << "': " << spec.status().ToString();
      continue;
    }
    ASSERT_TRUE(spec.ok()) << spec.status().ToString();
    Result<QueryResult> result = ExecuteQuery(*spec, *table->Snapshot());
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_TRUE(result->quarantined.empty()) << "a healthy store reports quarantined segments";
    std::string actual_json = QueryResultToJson(*result);
    simdjson::dom::parser actual_parser;
    element actual;
    ASSERT_EQ(actual_parser.parse(actual_json).get(actual), simdjson::SUCCESS) << actual_json;
    ASSERT_FALSE(expected.empty()) << "no expected columns";

    size_t row_index = 0;
    element actual_rows = actual["rows"];
    for (size_t idx = 0; idx < expected.size(); ++idx) {
      const std::string& line = expected[idx];
      element want;
      std::string why;
      if (line.starts_with("limit ")) {
        ASSERT_EQ(parser.parse(line.substr(6)).get(want), simdjson::SUCCESS) << line;
        EXPECT_TRUE(JsonEqual(want, actual["limit"], why)) << "limit: " << why << "\nactual: " << actual_json;
        continue;
      }
      ASSERT_EQ(parser.parse(line).get(want), simdjson::SUCCESS) << "bad expected JSON: " << line;
      if (idx == 0) {
        EXPECT_TRUE(JsonEqual(want, actual["columns"], why)) << "columns: " << why << "\nactual: " << actual_json;
        continue;
      }
      element got;
      if (actual_rows.at(row_index).get(got) != simdjson::SUCCESS) {
        ADD_FAILURE() << "missing row " << row_index << ": " << line << "\nactual: " << actual_json;
        break;
      }
      EXPECT_TRUE(JsonEqual(want, got, why)) << "row " << row_index << ": " << why << "\nactual: " << actual_json;
      ++row_index;
    }
    EXPECT_EQ(simdjson::dom::array(actual_rows).size(), row_index) << "extra rows\nactual: " << actual_json;
  }
  EXPECT_GT(queries, 0) << "no queries in " << path;
}

INSTANTIATE_TEST_SUITE_P(Queries, GoldenTest,
                         ::testing::Combine(::testing::ValuesIn(GoldenFiles()),
                                            ::testing::Values(Backend::kMemtable, Backend::kSegments)),
                         [](const ::testing::TestParamInfo<std::tuple<std::string, Backend>>& info) {
                           std::string name = std::get<0>(info.param);
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name + "_" + BackendName(std::get<1>(info.param));
                         });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(GoldenTest);

}  // namespace
}  // namespace mltrack::query
