#include "core/price_match.h"

#include <gtest/gtest.h>

namespace mltrack {
namespace {

using Kind = MatchRule::Kind;

TEST(MatchRuleTest, TextClausesCompareCaseInsensitively) {
  EXPECT_TRUE(MatchRule::Text(Kind::kEquals, "GPT-4o").Matches("gpt-4o"));
  EXPECT_FALSE(MatchRule::Text(Kind::kEquals, "gpt-4o").Matches("gpt-4o-mini"));
  EXPECT_TRUE(MatchRule::Text(Kind::kStartsWith, "MiniMax-M").Matches("minimax-m1"));
  EXPECT_TRUE(MatchRule::Text(Kind::kEndsWith, "-turbo").Matches("llama-3-turbo"));
  EXPECT_TRUE(MatchRule::Text(Kind::kContains, "claude").Matches("anthropic.claude-v2"));
  EXPECT_FALSE(MatchRule::Text(Kind::kContains, "claude").Matches("gpt-4"));
}

TEST(MatchRuleTest, RegexIsASearchNotAFullMatch) {
  MatchRule rule = MatchRule::Regex("(?:mi|code|dev|magi|mini)stral");
  EXPECT_TRUE(rule.Matches("codestral-latest"));
  EXPECT_FALSE(rule.Matches("mixtral-8x7b"));
  EXPECT_TRUE(MatchRule::Regex("^o[134]").Matches("o3-mini"));
  EXPECT_FALSE(MatchRule::Regex("^o[134]").Matches("gpt-o1"));
  // Negative lookahead, as the npm bundle uses.
  EXPECT_FALSE(MatchRule::Regex("^(?!.*-[tT][tT][sS](?:$|-))").Matches("gpt-4o-mini-tts"));
  EXPECT_THROW(MatchRule::Regex("(unclosed"), std::regex_error);
}

TEST(MatchRuleTest, OrAndNever) {
  MatchRule any =
      MatchRule::Any({MatchRule::Text(Kind::kEquals, "a"), MatchRule::Text(Kind::kEquals, "b")});
  MatchRule all = MatchRule::All(
      {MatchRule::Text(Kind::kContains, "huggingface"), MatchRule::Text(Kind::kContains, "groq")});
  EXPECT_TRUE(any.Matches("b"));
  EXPECT_FALSE(any.Matches("c"));
  EXPECT_TRUE(all.Matches("huggingface_groq"));
  EXPECT_FALSE(all.Matches("groq"));
  EXPECT_FALSE(MatchRule().Matches(""));
  EXPECT_FALSE(MatchRule::Any({}).Matches("x"));
}

TEST(NormalizePriceNameTest, LowerCasesAndTrims) {
  EXPECT_EQ(NormalizePriceName("  GPT-4o\t"), "gpt-4o");
  EXPECT_EQ(NormalizePriceName(""), "");
}

TEST(ExpandCompactDatesTest, RewritesValidCompactDatesOnly) {
  EXPECT_EQ(ExpandCompactDates("claude-3-5-sonnet-20241022"), "claude-3-5-sonnet-2024-10-22");
  EXPECT_EQ(ExpandCompactDates("anthropic.claude-3-haiku-20240307-v1:0"),
            "anthropic.claude-3-haiku-2024-03-07-v1:0");
  EXPECT_EQ(ExpandCompactDates("model-20241322"), "model-20241322");    // month 13
  EXPECT_EQ(ExpandCompactDates("model-20230229"), "model-20230229");    // not a leap year
  EXPECT_EQ(ExpandCompactDates("model-202410221"), "model-202410221");  // nine digits
  EXPECT_EQ(ExpandCompactDates("gpt-4o"), "gpt-4o");
}

}  // namespace
}  // namespace mltrack
