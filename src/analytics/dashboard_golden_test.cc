// Runs the declarative dashboard tests in tests/dashboards/**/*.test (format:
// tests/dashboards/README.md) over a memtable with tiny blocks and over sealed segments, as the
// query golden files are: events in, a dashboard request, the expected JSON.

#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "analytics/overview.h"
#include "analytics/user_activity.h"
#include "query/golden_test_support.h"
#include "query/query_executor.h"

namespace mltrack::analytics {
namespace {

using namespace query::golden;  // NOLINT: test file

constexpr int64_t kDefaultNow = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

// A dashboard endpoint: its query parameters in, its JSON body (or the error) out.
using Dashboard = std::function<Result<std::string>(const QueryParams&, int64_t now_ms, const QueryRunner&)>;

const std::map<std::string, Dashboard>& Dashboards() {
  static const std::map<std::string, Dashboard> kDashboards = {
      {"/api/analytics/overview",
       [](const QueryParams& params, int64_t now_ms, const QueryRunner& run) -> Result<std::string> {
         Result<DashboardParams> parsed = ParseDashboardParams(params, now_ms);
         if (!parsed.ok()) return parsed.status();
         return OverviewJson(*parsed, run, OverviewContext{});
       }},
      {"/api/analytics/users",
       [](const QueryParams& params, int64_t now_ms, const QueryRunner& run) -> Result<std::string> {
         Result<UserActivityParams> parsed = ParseUserActivityParams(params, now_ms);
         if (!parsed.ok()) return parsed.status();
         Result<UserActivity> activity = ComputeUserActivity(*parsed, run, UserActivityContext{});
         if (!activity.ok()) return activity.status();
         return UserActivityJson(*activity);
       }},
  };
  return kDashboards;
}

std::string PercentDecode(std::string_view text) {
  std::string out;
  for (size_t idx = 0; idx < text.size(); ++idx) {
    if (text[idx] == '+') {
      out += ' ';
    } else if (text[idx] == '%' && idx + 2 < text.size()) {
      out += static_cast<char>(std::stoi(std::string(text.substr(idx + 1, 2)), nullptr, 16));
      idx += 2;
    } else {
      out += text[idx];
    }
  }
  return out;
}

// "/path?a=1&b=2" → ("/path", [(a, 1), (b, 2)]).
std::pair<std::string, QueryParams> SplitRequest(const std::string& request) {
  const size_t question = request.find('?');
  std::pair<std::string, QueryParams> out{request.substr(0, question), {}};
  if (question == std::string::npos) return out;
  std::string_view query = std::string_view(request).substr(question + 1);
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    const size_t equals = pair.find('=');
    out.second.emplace_back(PercentDecode(pair.substr(0, equals)),
                            equals == std::string_view::npos ? "" : PercentDecode(pair.substr(equals + 1)));
    if (amp == std::string_view::npos) break;
    query = query.substr(amp + 1);
  }
  return out;
}


class DashboardGoldenTest : public ::testing::TestWithParam<std::tuple<std::string, Backend>> {};

TEST_P(DashboardGoldenTest, Matches) {
  const auto& [file_name, backend] = GetParam();
  std::optional<Lines> read = ReadGoldenFile("dashboards", file_name);
  ASSERT_TRUE(read.has_value()) << "cannot open tests/dashboards/" << file_name;
  Lines& input = *read;
  std::unique_ptr<GoldenTable> table = OpenGoldenTable(backend);
  ASSERT_NE(table, nullptr);
  simdjson::dom::parser parser;
  int requests = 0;
  while (!input.done()) {
    if (input.peek().empty()) {
      ++input.next;
      continue;
    }
    const size_t header_line = input.next + 1;
    const std::string header = input.lines[input.next++];
    if (header == "events") {
      std::vector<Event> events;
      for (const std::string& line : input.Paragraph()) {
        element object;
        ASSERT_EQ(parser.parse(line).get(object), simdjson::SUCCESS) << file_name << ": bad event " << line;
        std::string error;
        events.push_back(EventFromJson(object, error));
        ASSERT_TRUE(error.empty()) << file_name << ": " << error;
      }
      ASSERT_TRUE(table->Append(std::move(events)));
      continue;
    }
    ASSERT_TRUE(header.starts_with("request")) << file_name << ":" << header_line << ": expected 'events' or 'request'";
    int64_t now_ms = kDefaultNow;
    if (const size_t at = header.find("now="); at != std::string::npos) now_ms = std::stoll(header.substr(at + 4));
    std::vector<std::string> body = input.Paragraph();
    ASSERT_GE(body.size(), 3u) << file_name << ":" << header_line << ": request, ----, expected";
    ASSERT_EQ(body[1], "----") << file_name << ":" << header_line;
    ++requests;
    const auto [endpoint, params] = SplitRequest(body[0]);
    auto dashboard = Dashboards().find(endpoint);
    ASSERT_NE(dashboard, Dashboards().end()) << file_name << ": unknown dashboard " << endpoint;
    std::shared_ptr<const store::TableSnapshot> snapshot = table->Snapshot();
    QueryRunner run = [snapshot](const query::QuerySpec& spec) { return query::ExecuteQuery(spec, *snapshot); };
    Result<std::string> got = dashboard->second(params, now_ms, run);
    const std::string where = file_name + ":" + std::to_string(header_line) + " " + body[0];
    if (body[2].starts_with("error ")) {
      ASSERT_FALSE(got.ok()) << where << ": expected an error";
      ASSERT_EQ(got.status().code(), StatusCode::kInvalidArgument) << where;
      const std::string field = body[2].substr(6);
      bool named = false;
      for (const ErrorDetail& detail : got.status().details()) named |= detail.field == field;
      EXPECT_TRUE(named) << where << ": no error detail names " << field << ": " << got.status().ToString();
      continue;
    }
    ASSERT_TRUE(got.ok()) << where << ": " << got.status().ToString();
    std::string expected_text;
    for (size_t idx = 2; idx < body.size(); ++idx) expected_text += body[idx] + "\n";
    simdjson::dom::parser expected_parser;
    element expected, actual;
    ASSERT_EQ(expected_parser.parse(expected_text).get(expected), simdjson::SUCCESS) << where << ": bad expected JSON";
    ASSERT_EQ(parser.parse(*got).get(actual), simdjson::SUCCESS) << where;
    std::string why;
    EXPECT_TRUE(JsonEqual(expected, actual, why)) << where << ": " << why << "\n got: " << *got;
  }
  EXPECT_GT(requests, 0) << file_name << " has no request";
}

INSTANTIATE_TEST_SUITE_P(Dashboards, DashboardGoldenTest,
                         ::testing::Combine(::testing::ValuesIn(GoldenFiles("dashboards")),
                                            ::testing::Values(Backend::kMemtable, Backend::kSegments)),
                         [](const auto& info) { return GoldenCaseName(std::get<0>(info.param), std::get<1>(info.param)); });

}  // namespace
}  // namespace mltrack::analytics
