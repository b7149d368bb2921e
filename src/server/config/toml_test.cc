#include "server/config/toml.h"

#include <gtest/gtest.h>

namespace mltrack::server::config {
namespace {

std::string ErrorOf(std::string_view text) {
  Result<std::vector<TomlEntry>> parsed = ParseToml(text);
  return parsed.ok() ? "parsed" : parsed.status().message();
}

TEST(Toml, ParsesEveryValueKindWithTablesAndComments) {
  Result<std::vector<TomlEntry>> parsed = ParseToml(
      "# top comment\n"
      "listen = \"0.0.0.0:8443\"  # trailing comment\n"
      "demo = true\n"
      "\n"
      "[limits]\n"
      "max-connections = 1_000\n"
      "rate = -2.5e1\n"
      "path = 'C:\\dir\\file'\n"
      "escaped = \"a\\\"b\\\\c\\n\\u00e9\"\n"
      "[http]\r\n"
      "allow-origin = [\n"
      "  \"https://a.example\",  # first\n"
      "  'https://b.example',\n"
      "]\n"
      "empty = []\n"
      "off = false");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  const std::vector<TomlEntry>& entries = *parsed;
  ASSERT_EQ(entries.size(), 9u);
  EXPECT_EQ(entries[0].table, "");
  EXPECT_EQ(entries[0].key, "listen");
  EXPECT_EQ(std::get<std::string>(entries[0].value), "0.0.0.0:8443");
  EXPECT_EQ(entries[0].line, 2);
  EXPECT_TRUE(std::get<bool>(entries[1].value));
  EXPECT_EQ(entries[2].table, "limits");
  EXPECT_EQ(std::get<int64_t>(entries[2].value), 1000);
  EXPECT_EQ(entries[2].line, 6);
  EXPECT_DOUBLE_EQ(std::get<double>(entries[3].value), -25.0);
  EXPECT_EQ(std::get<std::string>(entries[4].value), "C:\\dir\\file");  // literal: no escapes
  EXPECT_EQ(std::get<std::string>(entries[5].value), "a\"b\\c\n\xc3\xa9");
  EXPECT_EQ(entries[6].table, "http");
  EXPECT_EQ(entries[6].line, 11);
  EXPECT_EQ(std::get<std::vector<std::string>>(entries[6].value),
            (std::vector<std::string>{"https://a.example", "https://b.example"}));
  EXPECT_EQ(entries[7].line, 15);
  EXPECT_TRUE(std::get<std::vector<std::string>>(entries[7].value).empty());
  EXPECT_FALSE(std::get<bool>(entries[8].value));
  EXPECT_STREQ(TomlTypeName(entries[8].value), "boolean");
  EXPECT_STREQ(TomlTypeName(entries[6].value), "array of strings");
}

TEST(Toml, EmptyAndCommentOnlyTextsHaveNoEntries) {
  EXPECT_TRUE(ParseToml("").ok());
  Result<std::vector<TomlEntry>> parsed = ParseToml("\n  # nothing\n\t\n");
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->empty());
}

TEST(Toml, ErrorsNameTheLineAndTheReason) {
  EXPECT_EQ(ErrorOf("a = 1\nb = oops\n"), "line 2: \"oops\" is not a value: quote a string, as in b = \"...\"");
  EXPECT_EQ(ErrorOf("a = 1\na = 2\n"), "line 2: key \"a\" is given twice");
  EXPECT_EQ(ErrorOf("[t]\na = 1\na = 2\n"), "line 3: key \"a\" is given twice in [t]");
  EXPECT_EQ(ErrorOf("[t]\n[t]\n"), "line 2: table [t] is given twice");
  EXPECT_EQ(ErrorOf("a = \"open\n"), "line 1: the string is not closed on its line");
  EXPECT_EQ(ErrorOf("a = 1 2\n"), "line 1: unexpected text \"2\" after the value");
  EXPECT_EQ(ErrorOf("\n\na =\n"), "line 3: the key \"a\" has no value");
  EXPECT_EQ(ErrorOf("a\n"), "line 1: expected = after the key \"a\"");
  EXPECT_EQ(ErrorOf("a.b = 1\n"), "line 1: dotted keys (a.…) are not supported; use a [table]");
  EXPECT_EQ(ErrorOf("\"a\" = 1\n"), "line 1: quoted keys are not supported; use a bare key such as max-body");
  EXPECT_EQ(ErrorOf("[[t]]\n"), "line 1: arrays of tables ([[...]]) are not supported");
  EXPECT_EQ(ErrorOf("[t\n"), "line 1: expected ] after the table name \"t\"");
  EXPECT_EQ(ErrorOf("a = {b = 1}\n"), "line 1: inline tables are not supported; use a [table]");
  EXPECT_EQ(ErrorOf("a = \"\"\"x\"\"\"\n"), "line 1: multi-line strings are not supported");
  EXPECT_EQ(ErrorOf("a = [1, 2]\n"), "line 1: arrays may hold only strings");
  EXPECT_EQ(ErrorOf("a = [\n\"x\"\n\"y\"]\n"), "line 3: expected , or ] in the array");
  EXPECT_EQ(ErrorOf("a = [\"x\",\n"), "line 2: the array is not closed");
  EXPECT_EQ(ErrorOf("a = \"\\q\"\n"), "line 1: unknown escape \\q in a string");
  EXPECT_EQ(ErrorOf("a = \"\\u12\"\n"), "line 1: bad \\u escape in a string");
  EXPECT_EQ(ErrorOf("a = 1__0\n"), "line 1: \"1__0\" is not a number: _ must sit between digits");
  EXPECT_EQ(ErrorOf("a = 007\n"), "line 1: \"007\" is not a number: leading zeros are not allowed");
  EXPECT_EQ(ErrorOf("a = 99999999999999999999\n"), "line 1: \"99999999999999999999\" is out of the 64-bit range");
  EXPECT_EQ(ErrorOf("a = 16MiB\n"),
            "line 1: \"16MiB\" is not a number (durations and sizes are strings: \"30s\", \"16MiB\")");
  EXPECT_EQ(ErrorOf("a = 2024-01-01\n"),
            "line 1: dates and times are not supported; \"2024-01-01\" is not a number (durations and sizes are "
            "strings: \"30s\", \"16MiB\")");
  EXPECT_EQ(ErrorOf("a = \"x\x01\"\n"), "line 1: control character in a string");
  EXPECT_EQ(ErrorOf("= 1\n"), "line 1: expected a key (letters, digits, - and _), found \"= 1\"");
}

}  // namespace
}  // namespace mltrack::server::config
