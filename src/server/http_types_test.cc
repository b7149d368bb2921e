#include "server/http_types.h"

#include <gtest/gtest.h>

namespace mltrack::server {
namespace {

TEST(ParseTargetTest, SplitsDecodedPathAndRepeatedQueryParams) {
  auto parsed = ParseTarget("/api/a%20b?tag=env%3Aprod&tag=team:x&from=now-7d&q=a+b&flag");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->path, "/api/a b");
  HttpRequest request;
  request.query = parsed->query;
  EXPECT_EQ(request.QueryValues("tag"), (std::vector<std::string_view>{"env:prod", "team:x"}));
  EXPECT_EQ(request.QueryValue("from"), "now-7d");
  EXPECT_EQ(request.QueryValue("q"), "a b");
  EXPECT_EQ(request.QueryValue("flag"), "");
  EXPECT_FALSE(request.QueryValue("missing").has_value());
}

TEST(ParseTargetTest, PlusInPathIsNotASpace) {
  auto parsed = ParseTarget("/a+b");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->path, "/a+b");
}

TEST(ParseTargetTest, RejectsMalformedTargets) {
  EXPECT_FALSE(ParseTarget("").has_value());
  EXPECT_FALSE(ParseTarget("http://example.com/").has_value());
  EXPECT_FALSE(ParseTarget("/a%2").has_value());
  EXPECT_FALSE(ParseTarget("/a%zz").has_value());
  EXPECT_FALSE(ParseTarget("/a%00b").has_value());
  EXPECT_FALSE(ParseTarget("/a?x=%G1").has_value());
}

TEST(PercentDecodeTest, DecodesEscapes) {
  EXPECT_EQ(PercentDecode("%41%2f%e2%82%ac", false), "A/\xe2\x82\xac");
  EXPECT_EQ(PercentDecode("a+b", true), "a b");
  EXPECT_EQ(PercentDecode("a+b", false), "a+b");
  EXPECT_FALSE(PercentDecode("%", false).has_value());
}

TEST(HttpHeadersTest, LookupIsCaseInsensitive) {
  HttpHeaders headers;
  headers.Add("Content-Type", "application/x-ndjson; charset=utf-8");
  headers.Add("X-Thing", "1");
  EXPECT_EQ(headers.Get("content-type"), "application/x-ndjson; charset=utf-8");
  EXPECT_EQ(headers.Get("X-THING"), "1");
  EXPECT_FALSE(headers.Has("Accept"));
  headers.Set("x-thing", "2");
  EXPECT_EQ(headers.Get("X-Thing"), "2");
  EXPECT_EQ(headers.fields().size(), 2u);
}

TEST(HttpRequestTest, ContentTypeDropsParametersAndCase) {
  HttpRequest request;
  EXPECT_EQ(request.ContentType(), "");
  request.headers.Add("content-type", " Application/JSON ; charset=UTF-8");
  EXPECT_EQ(request.ContentType(), "application/json");
}

}  // namespace
}  // namespace mltrack::server
