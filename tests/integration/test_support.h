#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "http_client.h"
#include "server_process.h"
#include "temp_dir.h"

namespace mltrack::integration {

// Wall-clock now, and RFC 3339 with milliseconds ("2026-11-27T05:28:07.123Z").
int64_t NowMs();
std::string Rfc3339(int64_t epoch_ms);

// The explicit query range every test uses, so events with any test timestamp are included.
inline constexpr const char* kQueryRange = R"("from":"2000-01-01T00:00:00Z","to":"2100-01-01T00:00:00Z")";

// One valid event as a JSON object: `id` (also written to tags.cid so queries can group and
// filter by it), ts one hour ago, a priced model, tokens, latency, user and team.
std::string EventJson(const std::string& id, const std::string& model = "gpt-4o-mini");
std::string JsonArray(const std::vector<std::string>& items);
std::string Ndjson(const std::vector<std::string>& lines);

// A decimal integer; -1 when `text` is not one.
int64_t ToInt(const std::string& text);

// A /api/v1/query answer: column names and rows with each cell rendered as text (strings
// unquoted, integral numbers without ".0", null as "null").
struct QueryTable {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  // The cell of `column` in row `row_idx`; "" when absent.
  std::string Cell(size_t row_idx, const std::string& column) const;
};
// Nullopt (with `error` set) when the body is not a query answer.
std::optional<QueryTable> ParseQueryTable(const std::string& body, std::string* error);

// A JSON error body {"error":{"code","message","details":[{"index","field","reason"}]}}.
struct ErrorDetailView {
  int64_t index = -1;
  std::string field;
  std::string reason;
};
struct ErrorBody {
  std::string code;
  std::string message;
  std::vector<ErrorDetailView> details;
  bool NamesField(const std::string& field) const;
};
std::optional<ErrorBody> ParseErrorBody(const std::string& body);

// {"accepted": N, "duplicates": D}.
struct IngestAck {
  int64_t accepted = -1;
  int64_t duplicates = -1;
};
std::optional<IngestAck> ParseIngestAck(const std::string& body);

// `mltrack ARGS` run to completion (a shell command line: quote what needs it).
struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};
CommandResult RunMltrack(const std::string& args);
// The API key `mltrack keys create` printed (the output line starting "mlt_"); a test failure and
// "" when the command failed or printed none.
std::string KeyFromOutput(const CommandResult& result);

// Starts one server per test on a fresh data directory; tears it down (SIGKILL) afterwards.
class IntegrationTest : public ::testing::Test {
 protected:
  void StartServer(std::vector<std::string> extra_args = {});
  HttpClient& client();

  // POSTs /api/v1/query with `spec_members` ("\"metrics\":[\"count\"]", the range is added).
  HttpResult Query(const std::string& spec_members);
  std::optional<QueryTable> QueryTableOf(const std::string& spec_members);
  // The number of stored events; -1 (and a test failure) when the query fails.
  int64_t CountEvents();
  // Events whose tags.cid is `id`; -1 on failure.
  int64_t CountById(const std::string& id);
  HttpResult Ingest(const std::string& body, const std::string& content_type = "application/json");

  void TearDown() override;

  TempDir temp_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> client_;
  uint16_t client_port_ = 0;
};

}  // namespace mltrack::integration
