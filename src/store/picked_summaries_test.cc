#include "store/picked_summaries.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace mltrack::store {
namespace {

// The serialized form of one column summary (every field a reader sees, and the sketch).
std::string Encoded(FieldId field, const ColumnSummary& column) {
  BlockSummary summary;
  summary.fields[static_cast<size_t>(field)] = column;
  std::string out;
  EncodeBlockSummary(summary, &out);
  return out;
}

template <typename T>
std::vector<T> Picked(const std::vector<T>& values, const std::vector<uint32_t>& rows) {
  std::vector<T> picked;
  for (const uint32_t row : rows) picked.push_back(values[row]);
  return picked;
}

// On random columns (few and many distinct codes, absent values, enough doubles for a sketch)
// and random ascending row sets (empty, sparse, dense, every row), each picked summary is the
// summary of a copy of the picked values, byte for byte.
TEST(PickedSummariesTest, EqualTheSummaryOfACopyOfThePickedValues) {
  std::mt19937_64 rng(28);
  constexpr size_t kRows = 5000;
  for (const uint32_t max_code : {4u, 300u, 60'000u}) {
    std::vector<int64_t> ids(kRows);
    std::vector<uint8_t> bytes(kRows);
    std::vector<int64_t> ints(kRows);
    std::vector<double> doubles(kRows);
    for (size_t row = 0; row < kRows; ++row) {
      ids[row] = rng() % 5 == 0 ? kNullInt : int64_t{1} + static_cast<int64_t>(rng() % max_code);
      bytes[row] = static_cast<uint8_t>(rng() % (max_code < 256 ? max_code : 256));
      ints[row] = rng() % 7 == 0 ? kNullInt : static_cast<int64_t>(rng() % 100'000) - 50'000;
      doubles[row] = rng() % 9 == 0 ? NAN : (static_cast<double>(rng() % 1'000'000) - 1000.0) / 7.0;
    }
    for (const uint32_t keep_one_in : {0u, 1u, 2u, 13u, 400u}) {
      std::vector<uint32_t> rows;
      for (uint32_t row = 0; keep_one_in != 0 && row < kRows; ++row) {
        if (rng() % keep_one_in == 0) rows.push_back(row);
      }
      SCOPED_TRACE(testing::Message() << "max_code " << max_code << " rows " << rows.size());
      EXPECT_EQ(Encoded(FieldId::kUser, SummarizeIdsAt(ids, rows)), Encoded(FieldId::kUser, SummarizeIds(Picked(ids, rows))));
      for (const bool is_enum : {false, true}) {
        EXPECT_EQ(Encoded(FieldId::kOperation, SummarizeBytesAt(bytes, rows, is_enum)),
                  Encoded(FieldId::kOperation, SummarizeBytes(Picked(bytes, rows), is_enum)));
      }
      EXPECT_EQ(Encoded(FieldId::kInputTokens, SummarizeIntsAt(ints, rows)),
                Encoded(FieldId::kInputTokens, SummarizeInts(Picked(ints, rows))));
      const ColumnSummary picked_doubles = SummarizeDoublesAt(doubles, rows);
      const ColumnSummary copied_doubles = SummarizeDoubles(Picked(doubles, rows));
      EXPECT_EQ(picked_doubles.sketch != nullptr, copied_doubles.sketch != nullptr);
      EXPECT_EQ(Encoded(FieldId::kLatencyMs, picked_doubles), Encoded(FieldId::kLatencyMs, copied_doubles));
    }
  }
}

}  // namespace
}  // namespace mltrack::store
