#include <gtest/gtest.h>
#include <simdjson.h>

#include <set>
#include <string>

#include <spdlog/details/log_msg.h>

#include "server/logging/json_log.h"
#include "server/logging/request_id.h"

namespace mltrack::server::logging {
namespace {

TEST(RequestIdTest, KeepsAUsableClientIdAndReplacesTheRest) {
  EXPECT_EQ(RequestIdFor("abc-DEF_1.2:3"), "abc-DEF_1.2:3");
  EXPECT_EQ(RequestIdFor(std::string(128, 'z')), std::string(128, 'z'));
  for (const std::string bad : {std::string(""), std::string(129, 'z'), std::string("a b"), std::string("a\r\nSet-Cookie: x"),
                                std::string("\"quoted\""), std::string("caf\xC3\xA9")}) {
    EXPECT_FALSE(IsUsableRequestId(bad)) << bad;
    const std::string id = RequestIdFor(bad);
    EXPECT_EQ(id.size(), 16u);
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
  }
}

TEST(RequestIdTest, NewIdsAreUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) seen.insert(RequestIdFor(""));
  EXPECT_EQ(seen.size(), 10000u);
}

TEST(RequestIdTest, ScopesNest) {
  EXPECT_EQ(CurrentRequestId(), "");
  {
    const ScopedRequestId outer("outer");
    EXPECT_EQ(CurrentRequestId(), "outer");
    {
      const ScopedRequestId inner("inner");
      EXPECT_EQ(CurrentRequestId(), "inner");
    }
    EXPECT_EQ(CurrentRequestId(), "outer");
  }
  EXPECT_EQ(CurrentRequestId(), "");
}

std::string Format(std::string_view text) {
  spdlog::details::log_msg msg(spdlog::source_loc{}, "mltrack", spdlog::level::warn,
                               spdlog::string_view_t(text.data(), text.size()));
  msg.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(1772359200123));  // 2026-03-01T10:00:00.123Z
  spdlog::memory_buf_t out;
  MakeJsonLogFormatter()->format(msg, out);
  return std::string(out.data(), out.size());
}

TEST(JsonLogTest, OneEscapedObjectPerLine) {
  const std::string line = Format("quote \" backslash \\ newline \n tab \t end");
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);  // the message's newline is escaped
  simdjson::dom::parser parser;
  simdjson::dom::element object;
  ASSERT_EQ(parser.parse(line).get(object), simdjson::SUCCESS) << line;
  EXPECT_EQ(std::string_view(object["ts"]), "2026-03-01T10:00:00.123Z");
  EXPECT_EQ(std::string_view(object["level"]), "warning");
  EXPECT_EQ(std::string_view(object["msg"]), "quote \" backslash \\ newline \n tab \t end");
  EXPECT_EQ(object["request_id"].error(), simdjson::NO_SUCH_FIELD);
}

TEST(JsonLogTest, CarriesTheCurrentRequestId) {
  const ScopedRequestId scope("req-7");
  simdjson::dom::parser parser;
  simdjson::dom::element object;
  const std::string line = Format("served");
  ASSERT_EQ(parser.parse(line).get(object), simdjson::SUCCESS) << line;
  EXPECT_EQ(std::string_view(object["request_id"]), "req-7");
}

}  // namespace
}  // namespace mltrack::server::logging
