// Request ids and JSON logs through the real binary (docs/operations.md "## Logs"): every
// response carries X-Request-Id (the client's when usable, a new one otherwise, never an unsafe
// value echoed), and `--log-format json` writes one JSON object per line carrying that id.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>
#include <sstream>
#include <string>

#include "test_support.h"

namespace mltrack::integration {
namespace {

class RequestLogTest : public IntegrationTest {};

bool IsHex16(const std::string& id) {
  return id.size() == 16 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST_F(RequestLogTest, EveryResponseCarriesARequestId) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const HttpResult first = client().Request("GET", "/api/health", "", "");
  const HttpResult second = client().Request("GET", "/api/health", "", "");
  EXPECT_TRUE(IsHex16(first.Header("x-request-id"))) << first.Header("x-request-id");
  EXPECT_NE(first.Header("x-request-id"), second.Header("x-request-id"));
  // Errors too, and from the worker pool as from the I/O thread.
  const HttpResult bad = Ingest("{\"model\":");
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(IsHex16(bad.Header("x-request-id")));

  const HttpResult own = client().Request("GET", "/api/health", "", "", {{"X-Request-Id", "trace-4bf92f35:00f0.7"}});
  EXPECT_EQ(own.Header("x-request-id"), "trace-4bf92f35:00f0.7");
  // Unsafe or oversized values are replaced, not echoed.
  for (const std::string value : {std::string("a b"), std::string("x\"y"), std::string(129, 'a'), std::string("")}) {
    const HttpResult replaced = client().Request("GET", "/api/health", "", "", {{"X-Request-Id", value}});
    EXPECT_EQ(replaced.status, 200);
    EXPECT_TRUE(IsHex16(replaced.Header("x-request-id"))) << "for \"" << value << "\": " << replaced.Header("x-request-id");
  }
}

TEST_F(RequestLogTest, JsonLogLinesCarryTheRequestId) {
  ASSERT_NO_FATAL_FAILURE(StartServer({"--log-format", "json", "--log-level", "debug"}));
  ASSERT_EQ(client().Request("GET", "/api/health", "", "", {{"X-Request-Id", "find-me-42"}}).status, 200);
  ASSERT_EQ(Ingest(EventJson("j1")).status, 200);
  server_->Terminate();

  std::ifstream log(server_->log_path());
  std::string line;
  simdjson::dom::parser parser;
  int lines = 0;
  bool found = false;
  while (std::getline(log, line)) {
    if (line.empty() || line[0] != '{') continue;  // the harness's own lines, if any
    ++lines;
    simdjson::dom::element object;
    ASSERT_EQ(parser.parse(line).get(object), simdjson::SUCCESS) << line;
    std::string_view ts, level, msg, id;
    ASSERT_EQ(object["ts"].get(ts), simdjson::SUCCESS) << line;
    EXPECT_EQ(ts.size(), 24u) << line;  // 2026-03-01T10:00:00.123Z
    EXPECT_EQ(ts.back(), 'Z');
    ASSERT_EQ(object["level"].get(level), simdjson::SUCCESS) << line;
    ASSERT_EQ(object["msg"].get(msg), simdjson::SUCCESS) << line;
    if (object["request_id"].get(id) == simdjson::SUCCESS && id == "find-me-42") {
      found = true;
      EXPECT_EQ(level, "debug");
      EXPECT_NE(msg.find("GET /api/health 200"), std::string_view::npos) << line;
    }
  }
  EXPECT_GE(lines, 3);  // at least: listening, the two requests
  EXPECT_TRUE(found) << server_->LogTail();
}

TEST_F(RequestLogTest, UnknownLogFormatIsAClearStartUpError) {
  const CommandResult result = RunMltrack("serve --data " + temp_.path().string() + " --log-format xml");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("--log-format must be text or json"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace mltrack::integration
