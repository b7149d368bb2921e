#include "store/block_user_rollup.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "core/event.h"
#include "store/block_slices.h"

namespace mltrack::store {
namespace {

// A block of `rows` rows: user (row % users) + 1, team (row / 7) % 2 + 1 (absent on every 11th
// row), experiment absent (no column), status error on every 5th row, input tokens on every row,
// output tokens on odd rows, cost on every 3rd row; ts 10 ms apart from 5,000.
BlockValues MakeBlock(size_t rows, int64_t users) {
  BlockValues values;
  BlockValues::Column user{.field = FieldId::kUser, .kind = BlockValues::Kind::kIds};
  BlockValues::Column team{.field = FieldId::kTeam, .kind = BlockValues::Kind::kIds};
  BlockValues::Column status{.field = FieldId::kStatus, .kind = BlockValues::Kind::kEnum};
  BlockValues::Column input{.field = FieldId::kInputTokens, .kind = BlockValues::Kind::kInts};
  BlockValues::Column output{.field = FieldId::kOutputTokens, .kind = BlockValues::Kind::kInts};
  BlockValues::Column cost{.field = FieldId::kCostUsd, .kind = BlockValues::Kind::kInts};
  for (size_t row = 0; row < rows; ++row) {
    const auto r = static_cast<int64_t>(row);
    values.ts.push_back(5'000 + r * 10);
    user.ints.push_back(r % users + 1);
    team.ints.push_back(row % 11 == 0 ? kNullInt : (r / 7) % 2 + 1);
    status.bytes.push_back(row % 5 == 0 ? static_cast<uint8_t>(EventStatus::kError) : 0);
    input.ints.push_back(100 + r);
    output.ints.push_back(row % 2 == 1 ? 2 * r : kNullInt);
    cost.ints.push_back(row % 3 == 0 ? 1'000'000'007 * r : kNullInt);
  }
  values.fields = {user, team, status, input, output, cost};
  return values;
}

// Each entry's figures, worked out row by row from MakeBlock's rules.
TEST(BlockUserRollupTest, EachUserTeamExperimentGetsTheTotalsOfItsRows) {
  constexpr size_t kRows = 1000;
  const BlockValues values = MakeBlock(kRows, 20);
  const UserRollup rollup = RollUpUsers(values);
  struct Expected {
    uint64_t rows = 0, errors = 0, priced = 0;
    int64_t input = 0, output = 0, cost = 0, first = -1, last = -1, row = -1;
  };
  std::map<std::tuple<int64_t, int64_t>, Expected> expected;
  for (size_t row = 0; row < kRows; ++row) {
    const auto r = static_cast<int64_t>(row);
    Expected& entry = expected[{r % 20 + 1, row % 11 == 0 ? kNullInt : (r / 7) % 2 + 1}];
    if (entry.row < 0) {
      entry.row = r;
      entry.first = r * 10;
    }
    entry.last = r * 10;
    ++entry.rows;
    entry.errors += row % 5 == 0;
    entry.input += 100 + r;
    if (row % 2 == 1) entry.output += 2 * r;
    if (row % 3 == 0) {
      entry.cost += 1'000'000'007 * r;
      ++entry.priced;
    }
  }
  ASSERT_EQ(rollup.size(), expected.size());
  std::map<int64_t, const Expected*> by_row;
  for (const auto& [key, entry] : expected) by_row[entry.row] = &entry;
  size_t idx = 0;
  for (const auto& [row, entry] : by_row) {  // entries come in order of their first row
    EXPECT_EQ(rollup.row[idx], row);
    EXPECT_EQ(rollup.rows(idx), entry->rows);
    EXPECT_EQ(rollup.errors[idx], entry->errors);
    EXPECT_EQ(rollup.priced[idx], entry->priced);
    EXPECT_EQ(rollup.input_tokens[idx], entry->input);
    EXPECT_EQ(rollup.output_tokens[idx], entry->output);
    EXPECT_EQ(rollup.cost[idx], entry->cost);
    EXPECT_EQ(rollup.first_ms[idx], entry->first);
    EXPECT_EQ(rollup.last_ms[idx], entry->last);
    ++idx;
  }
  // Token sums fit 32 bits, cost sums (~10^9 nano-USD a row) do not: both widths read back.
  EXPECT_EQ(rollup.input_tokens.MemoryBytes(), rollup.size() * sizeof(int32_t));
  EXPECT_EQ(rollup.cost.MemoryBytes(), rollup.size() * sizeof(int64_t));
}

TEST(BlockUserRollupTest, RoundTripsAndRejectsInconsistentBytes) {
  const BlockValues values = MakeBlock(1000, 20);
  const UserRollup rollup = RollUpUsers(values);
  ASSERT_GT(rollup.size(), 0u);
  std::string bytes;
  EncodeUserRollup(rollup, &bytes);
  const int64_t span = values.ts.back() - values.ts.front();
  {
    segment::FooterReader reader(bytes);
    UserRollup decoded;
    ASSERT_TRUE(DecodeUserRollup(reader, 1000, span, /*by_model=*/true, &decoded));
    EXPECT_TRUE(reader.at_end());
    EXPECT_TRUE(decoded.by_model);
    EXPECT_EQ(decoded.row, rollup.row);
    EXPECT_EQ(decoded.rows_minus_one, rollup.rows_minus_one);
    EXPECT_EQ(decoded.errors, rollup.errors);
    EXPECT_EQ(decoded.priced, rollup.priced);
    EXPECT_EQ(decoded.first_ms, rollup.first_ms);
    EXPECT_EQ(decoded.last_ms, rollup.last_ms);
    EXPECT_EQ(decoded.input_tokens, rollup.input_tokens);
    EXPECT_EQ(decoded.output_tokens, rollup.output_tokens);
    EXPECT_EQ(decoded.cost, rollup.cost);
  }
  UserRollup decoded;
  {
    segment::FooterReader reader(bytes);  // the entries' rows do not add up to 999
    EXPECT_FALSE(DecodeUserRollup(reader, 999, span, true, &decoded));
  }
  {
    segment::FooterReader reader(bytes);  // last_ms past the block's span
    EXPECT_FALSE(DecodeUserRollup(reader, 1000, span - 10, true, &decoded));
  }
  {
    segment::FooterReader reader(std::string_view(bytes).substr(0, bytes.size() - 1));  // truncated
    EXPECT_FALSE(DecodeUserRollup(reader, 1000, span, true, &decoded));
  }
  {
    std::string none;
    EncodeUserRollup(UserRollup{}, &none);
    segment::FooterReader reader(none);
    ASSERT_TRUE(DecodeUserRollup(reader, 1000, span, true, &decoded));
    EXPECT_EQ(decoded.size(), 0u);
  }
}

// Version 6 keys entries by model and provider too: an entry of (user, team, experiment) splits
// into one per model and provider of its rows, each with those rows' totals; without them (as
// version 5 wrote rollups) the entries are those of (user, team, experiment). The key says which
// fields a query may group and filter an entry by.
TEST(BlockUserRollupTest, EntriesAreKeyedByModelAndProviderToo) {
  constexpr size_t kRows = 1000;
  BlockValues values = MakeBlock(kRows, 20);
  BlockValues::Column model{.field = FieldId::kModel, .kind = BlockValues::Kind::kIds};
  BlockValues::Column provider{.field = FieldId::kProvider, .kind = BlockValues::Kind::kIds};
  for (size_t row = 0; row < kRows; ++row) {
    model.ints.push_back(row % 13 == 0 ? kNullInt : static_cast<int64_t>(row / 20) % 2 + 1);
    provider.ints.push_back(row % 101 == 0 ? 2 : 1);  // a provider that varies within a model too
  }
  values.fields.push_back(model);
  values.fields.push_back(provider);
  struct Expected {
    uint64_t rows = 0;
    int64_t input = 0, row = -1;
  };
  std::map<std::tuple<int64_t, int64_t, int64_t, int64_t>, Expected> expected;
  for (size_t row = 0; row < kRows; ++row) {
    const auto r = static_cast<int64_t>(row);
    Expected& entry = expected[{r % 20 + 1, row % 11 == 0 ? kNullInt : (r / 7) % 2 + 1, model.ints[row],
                                provider.ints[row]}];
    if (entry.row < 0) entry.row = r;
    ++entry.rows;
    entry.input += 100 + r;
  }
  const UserRollup rollup = RollUpUsers(values);
  ASSERT_EQ(rollup.size(), expected.size());
  EXPECT_TRUE(rollup.by_model);
  std::map<int64_t, const Expected*> by_row;
  for (const auto& [key, entry] : expected) by_row[entry.row] = &entry;
  size_t idx = 0;
  for (const auto& [row, entry] : by_row) {
    EXPECT_EQ(rollup.row[idx], row);
    EXPECT_EQ(rollup.rows(idx), entry->rows);
    EXPECT_EQ(rollup.input_tokens[idx], entry->input);
    ++idx;
  }
  for (const FieldId field : {FieldId::kUser, FieldId::kTeam, FieldId::kExperiment, FieldId::kModel, FieldId::kProvider}) {
    EXPECT_TRUE(rollup.Keys(field));
  }
  EXPECT_FALSE(rollup.Keys(FieldId::kEndpoint));
  const UserRollup coarse = RollUpUsers(values, /*by_model=*/false);
  EXPECT_FALSE(coarse.by_model);
  EXPECT_EQ(coarse.row, RollUpUsers(MakeBlock(kRows, 20)).row);
  EXPECT_LT(coarse.size(), rollup.size());
  EXPECT_TRUE(coarse.Keys(FieldId::kUser));
  EXPECT_FALSE(coarse.Keys(FieldId::kModel));
  EXPECT_FALSE(coarse.Keys(FieldId::kProvider));
  // The key is the footer's, not the bytes': the same bytes decode as either.
  std::string bytes;
  EncodeUserRollup(coarse, &bytes);
  segment::FooterReader reader(bytes);
  UserRollup decoded;
  ASSERT_TRUE(DecodeUserRollup(reader, kRows, values.ts.back() - values.ts.front(), /*by_model=*/false, &decoded));
  EXPECT_FALSE(decoded.by_model);
  EXPECT_EQ(decoded.row, coarse.row);
}

// A block with more entries than a quarter of its rows gets no rollup (it would not pay).
TEST(BlockUserRollupTest, ABlockOfMostlyDistinctUsersIsNotRolledUp) {
  EXPECT_GT(RollUpUsers(MakeBlock(1000, 50)).size(), 0u);  // ≤ 150 entries (50 users × 3 teams)
  EXPECT_EQ(RollUpUsers(MakeBlock(1000, 400)).size(), 0u);
  EXPECT_EQ(RollUpUsers(BlockValues{}).size(), 0u);
}

}  // namespace
}  // namespace mltrack::store
