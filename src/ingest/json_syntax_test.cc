#include "ingest/json_syntax.h"

#include <gtest/gtest.h>

#include <string>

namespace mltrack::ingest {
namespace {

TEST(FindJsonSyntaxError, AcceptsValidJson) {
  for (std::string_view valid :
       {"{}", "[]", " {\"a\": [1, -2.5e+3, true, false, null, \"x\\u00e9\\n\"]} ", "0", "-0.0",
        "\"\"", "{\"a\":{\"b\":{}}}", "[[],[{}]]", "1E5"}) {
    EXPECT_EQ(FindJsonSyntaxError(valid), std::nullopt) << valid;
  }
}

void ExpectError(std::string_view text, size_t offset, std::string_view what_part) {
  std::optional<JsonSyntaxError> error = FindJsonSyntaxError(text);
  ASSERT_TRUE(error.has_value()) << text;
  EXPECT_EQ(error->offset, offset) << text << ": " << error->what;
  EXPECT_NE(error->what.find(what_part), std::string::npos) << text << ": " << error->what;
}

TEST(FindJsonSyntaxError, LocatesErrors) {
  ExpectError("", 0, "empty input");
  ExpectError("   ", 3, "empty input");
  ExpectError("{\"a\": 1,}", 8, "expected '\"' to start a key");
  ExpectError("{\"a\" 1}", 5, "expected ':'");
  ExpectError("{\"a\": 1 \"b\": 2}", 8, "expected ',' or '}'");
  ExpectError("[1 2]", 3, "expected ',' or ']'");
  ExpectError("{\"a\": \"xyz}", 6, "unterminated string");
  ExpectError("{\"a\": tru}", 6, "invalid literal");
  ExpectError("{\"a\": 01}", 7, "leading zero");
  ExpectError("{\"a\": 1.}", 8, "digit after '.'");
  ExpectError("{\"a\": 1e}", 8, "exponent");
  ExpectError("{\"a\": -}", 7, "expected a digit");
  ExpectError("{\"a\": \"\\q\"}", 8, "invalid escape '\\q'");
  ExpectError("{\"a\": \"\\u12g4\"}", 8, "\\u escape");
  ExpectError("{\"a\": \"x\ty\"}", 8, "control character");
  ExpectError("{\"a\": 1} {\"b\": 2}", 9, "unexpected content after");
  ExpectError("{\"a\": 1", 7, "unexpected end of input");
  ExpectError("{\"a\": 'x'}", 6, "unexpected character '''");
  ExpectError("{\"a\": NaN}", 6, "unexpected character 'N'");
}

TEST(FindJsonSyntaxError, DepthLimit) {
  const std::string deep = std::string(1025, '[') + std::string(1025, ']');
  ExpectError(deep, 1024, "nested deeper than 1024");
  const std::string ok = std::string(1024, '[') + std::string(1024, ']');
  EXPECT_EQ(FindJsonSyntaxError(ok), std::nullopt);
}

TEST(PositionOf, LinesAndColumns) {
  const std::string_view text = "ab\ncde\n\nf";
  EXPECT_EQ(PositionOf(text, 0).line, 1u);
  EXPECT_EQ(PositionOf(text, 0).column, 1u);
  EXPECT_EQ(PositionOf(text, 4).line, 2u);
  EXPECT_EQ(PositionOf(text, 4).column, 2u);
  EXPECT_EQ(PositionOf(text, 8).line, 4u);
  EXPECT_EQ(PositionOf(text, 8).column, 1u);
}

}  // namespace
}  // namespace mltrack::ingest
