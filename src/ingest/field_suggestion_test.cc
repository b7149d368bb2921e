#include "ingest/field_suggestion.h"

#include <gtest/gtest.h>

namespace mltrack::ingest {
namespace {

TEST(SuggestFieldName, TyposAliasesAndNonsense) {
  EXPECT_EQ(SuggestFieldName("modle"), "model");
  EXPECT_EQ(SuggestFieldName("MODEL"), "model");
  EXPECT_EQ(SuggestFieldName("input_token"), "input_tokens");
  EXPECT_EQ(SuggestFieldName("latencyms"), "latency_ms");
  EXPECT_EQ(SuggestFieldName("completion_tokens"), "output_tokens");
  EXPECT_EQ(SuggestFieldName("timestamp"), "ts");
  EXPECT_EQ(SuggestFieldName("colour"), "");
  EXPECT_EQ(SuggestFieldName("x"), "");
}

TEST(SuggestFieldName, AliasesIgnoreCase) {
  EXPECT_EQ(SuggestFieldName("Prompt_Tokens"), "input_tokens");
  EXPECT_EQ(SuggestFieldName("METADATA"), "tags");
}

TEST(SuggestFieldName, ShortNamesAllowOneEditLongerOnesTwo) {
  EXPECT_EQ(SuggestFieldName("usr"), "user");               // 3 bytes, 1 edit
  EXPECT_EQ(SuggestFieldName("uzr"), "");                   // 3 bytes, 2 edits
  EXPECT_EQ(SuggestFieldName("provdr"), "provider");        // 6 bytes, 2 edits
  EXPECT_EQ(SuggestFieldName("sessoin_id"), "session_id");  // a transposition is one edit
}

TEST(UnknownFieldReason, SuggestsExplainsOrSaysNothingMore) {
  EXPECT_EQ(UnknownFieldReason("modle"), "unknown field (did you mean \"model\"?)");
  EXPECT_EQ(UnknownFieldReason("total_tokens"),
            "unknown field (total_tokens is derived: send input_tokens and output_tokens)");
  EXPECT_EQ(UnknownFieldReason("tokens_per_s"),
            "unknown field (tokens_per_s is derived: send output_tokens, latency_ms and ttft_ms)");
  EXPECT_EQ(UnknownFieldReason("colour"), "unknown field");
}

}  // namespace
}  // namespace mltrack::ingest
