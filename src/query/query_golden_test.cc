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
#include "query/golden_test_support.h"
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

using namespace golden;  // NOLINT: test file

constexpr int64_t kDefaultNow = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

class GoldenTest : public ::testing::TestWithParam<std::tuple<std::string, Backend>> {};

TEST_P(GoldenTest, Matches) {
  const auto& [file_name, backend] = GetParam();
  const fs::path path = SourceDir() / "tests" / "queries" / file_name;
  std::optional<Lines> read = ReadGoldenFile("queries", file_name);
  ASSERT_TRUE(read.has_value()) << "cannot open tests/queries/" << file_name;
  Lines& input = *read;
  std::unique_ptr<GoldenTable> table = OpenGoldenTable(backend);
  ASSERT_NE(table, nullptr);
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
                         ::testing::Combine(::testing::ValuesIn(GoldenFiles("queries")),
                                            ::testing::Values(Backend::kMemtable, Backend::kSegments)),
                         [](const auto& info) { return GoldenCaseName(std::get<0>(info.param), std::get<1>(info.param)); });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(GoldenTest);

}  // namespace
}  // namespace mltrack::query
