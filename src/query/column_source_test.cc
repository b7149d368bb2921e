#include "query/column_source.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "query/row_filter.h"
#include "store/memtable.h"
#include "store/packed_column.h"
#include "store/segment.h"
#include "store/segment_format.h"
#include "store/segment_writer.h"

namespace mltrack::query {
namespace {

// Gathers and filters read a segment's sparse columns exactly like the memtable's dense ones,
// for any selection of rows (ascending, strided, out of order).
class ColumnSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mltrack_column_source_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    Load(DefaultEvents());
  }

  static std::vector<Event> DefaultEvents() {
    std::vector<Event> events;
    for (size_t idx = 0; idx < 70'000; ++idx) {
      Event event;
      event.id = "id-" + std::to_string(idx);
      event.ts_ms = 1'700'000'000'000 + static_cast<int64_t>(idx);
      event.model = idx % 2 ? "gpt-4o" : "claude";
      // Mostly decimal latencies with unrounded ones (exceptions) among them.
      event.latency_ms = idx % 10 == 3 ? static_cast<double>(idx) / 7.0 : static_cast<double>(idx % 5000) / 10.0;
      if (idx % 13 == 0) event.latency_ms.reset();
      if (idx % 60 == 1) event.error_type = idx % 120 == 1 ? "timeout" : "rate_limit";
      if (idx % 45 == 2) event.cached_input_tokens = static_cast<int64_t>(idx % 5000);
      if (idx % 33 == 0) event.scores = {{"rare", static_cast<double>(idx % 1000) / 1000.0}};
      if (idx % 70 == 3) event.operation = Operation::kEmbedding;
      if (idx % 80 == 4) event.tags = {{"attempt", "2"}};
      // Few values per block, dense: palette columns of 0, 1, 2, 4 and 8 bits (store/packed_column.h).
      event.provider = "openai";
      event.status = idx % 60 == 1 ? EventStatus::kError : EventStatus::kOk;
      event.http_status = idx % 60 == 1 ? (idx % 120 == 1 ? 500 : 429) : 200;
      event.team = "team-" + std::to_string(idx % 11);
      event.endpoint = "/v1/" + std::to_string((idx * 7) % 200);
      event.cache_hit = idx % 3 == 0;
      event.input_tokens = static_cast<int64_t>(idx % 100) * 1000;
      events.push_back(std::move(event));
    }
    return events;
  }

  // Appends `events` to the memtable (dense blocks) and writes them to a segment read back into
  // segment_ (packed and sparse columns).
  void Load(const std::vector<Event>& events) {
    memtable_.Append(events);
    memory_ = memtable_.Snapshot();
    std::vector<store::IdKey> ids;
    const std::filesystem::path path = dir_ / store::segment::FileName(1);
    ASSERT_TRUE(store::WriteSegment(path, memory_->blocks(), memory_->local_columns(), ids, {}).ok());
    auto segment = store::Segment::Open(path, *memtable_.dictionaries());
    ASSERT_TRUE(segment.ok()) << segment.status().ToString();
    segment_ = *segment;
  }

  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Row `row` of the table as (block, row in block) of a block list.
  static std::pair<const store::ColumnBlock*, uint32_t> Locate(const std::vector<store::ColumnBlock>& blocks,
                                                               size_t row) {
    for (const store::ColumnBlock& block : blocks) {
      if (row < block.rows) return {&block, static_cast<uint32_t>(row)};
      row -= block.rows;
    }
    return {nullptr, 0};
  }

  // Selections of rows of `block` of every shape a scan makes: the whole block (a run), every
  // third row, a descending stride, an ascending chunk with holes, and rows out of order within
  // a short span past the block's first chunks.
  static std::vector<std::vector<uint32_t>> Selections(const store::ColumnBlock& block) {
    std::vector<std::vector<uint32_t>> selections(4);
    for (uint32_t row = 0; row < block.rows; ++row) selections[0].push_back(row);
    for (uint32_t row = 1; row < block.rows; row += 3) selections[1].push_back(row);
    for (uint32_t row = block.rows; row-- > 0;) {
      if (row % 7 == 1) selections[2].push_back(row);
    }
    // Ascending within a short span, an odd count (a scan chunk after a filter).
    for (uint32_t row = 1000; row < std::min<uint32_t>(block.rows, 7001); ++row) {
      if (row % 5 != 0) selections[3].push_back(row);
    }
    EXPECT_GT(selections[3].size(), 1000u);
    // Out of order within a short span, past the block's first chunks (the dense window of a
    // sparse gather).
    selections.emplace_back();
    for (uint32_t row = std::min<uint32_t>(block.rows, 26001); row-- > 20000;) {
      if (row % 3 != 1) selections.back().push_back(row);
    }
    EXPECT_GT(selections.back().size(), 1000u);
    // A run inside the block that starts and ends inside a code byte.
    selections.emplace_back();
    for (uint32_t row = 4099; row < std::min<uint32_t>(block.rows, 9001); ++row) selections.back().push_back(row);
    return selections;
  }

  // Every gather of `fields` over block 0 of the segment, for selections of several shapes,
  // equals the same gather of each row from the memtable's dense blocks.
  void ExpectGathersLikeDense(const std::vector<FieldRef>& fields) const {
    const store::ColumnBlock& block = segment_->blocks()[0];
    const std::vector<std::vector<uint32_t>> selections = Selections(block);
    for (const FieldRef& field : fields) {
      const ColumnSource source = ResolveColumn(*memory_, field);
      ASSERT_NE(source.type, ColumnSource::Type::kNone) << field.Name();
      for (const std::vector<uint32_t>& rows : selections) {
        std::vector<uint64_t> codes(rows.size());
        std::vector<int64_t> ints(rows.size());
        std::vector<double> doubles(rows.size());
        if (!source.is_double()) GatherInt(source, block, rows.data(), rows.size(), ints.data());
        GatherDouble(source, block, rows.data(), rows.size(), doubles.data());
        if (field.id != FieldId::kCachedInputTokens && !source.is_double()) {
          GatherCode(source, block, rows.data(), rows.size(), codes.data());
        }
        for (size_t idx = 0; idx < rows.size(); ++idx) {
          auto [dense_block, dense_row] = Locate(memory_->blocks(), rows[idx]);
          ASSERT_NE(dense_block, nullptr);
          int64_t want_int = 0;
          double want_double = 0;
          uint64_t want_code = 0;
          if (!source.is_double()) GatherInt(source, *dense_block, &dense_row, 1, &want_int);
          GatherDouble(source, *dense_block, &dense_row, 1, &want_double);
          if (field.id != FieldId::kCachedInputTokens && !source.is_double()) {
            GatherCode(source, *dense_block, &dense_row, 1, &want_code);
          }
          ASSERT_EQ(ints[idx], want_int) << field.Name() << " row " << rows[idx];
          ASSERT_EQ(std::memcmp(&doubles[idx], &want_double, sizeof(double)), 0) << field.Name() << " row " << rows[idx];
          ASSERT_EQ(codes[idx], want_code) << field.Name() << " row " << rows[idx];
        }
      }
    }
  }

  std::filesystem::path dir_;
  store::Memtable memtable_;
  std::shared_ptr<const store::TableSnapshot> memory_;
  std::shared_ptr<store::Segment> segment_;
};

TEST_F(ColumnSourceTest, SparseColumnsGatherLikeDenseOnes) {
  const store::ColumnBlock& block = segment_->blocks()[0];
  ASSERT_TRUE(block.column(FieldId::kErrorType).sparse());
  ASSERT_TRUE(block.column(FieldId::kCachedInputTokens).sparse());
  ASSERT_TRUE(block.column(FieldId::kOperation).sparse());
  ASSERT_TRUE(block.score(0).sparse());
  ASSERT_TRUE(block.tag(0).sparse());
  ASSERT_GT(block.column(FieldId::kLatencyMs).exception_count, 0u);

  std::vector<FieldRef> fields = {{FieldId::kErrorType, ""}, {FieldId::kCachedInputTokens, ""},
                                  {FieldId::kOperation, ""}, {FieldId::kScore, "rare"},
                                  {FieldId::kTag, "attempt"}, {FieldId::kModel, ""},
                                  {FieldId::kLatencyMs, ""}};
  ExpectGathersLikeDense(fields);
}

TEST_F(ColumnSourceTest, PaletteColumnsGatherLikeDenseOnes) {
  const store::ColumnBlock& block = segment_->blocks()[0];
  struct Expected {
    FieldId field;
    int bits;  // -1: not a palette column
  };
  const std::vector<Expected> layouts = {
      {FieldId::kProvider, 0}, {FieldId::kModel, 1},        {FieldId::kCacheHit, 1},
      {FieldId::kHttpStatus, 2}, {FieldId::kTeam, 4},       {FieldId::kInputTokens, 8},
      {FieldId::kEndpoint, -1},  // 200 ids in one byte each: 8-bit codes would not be smaller
      {FieldId::kErrorType, -1},  // sparse
      {FieldId::kStatus, -1},     // sparse: error in one row of 60
  };
  std::vector<FieldRef> fields;
  for (const Expected& layout : layouts) {
    const store::ColumnData& column = block.column(layout.field);
    ASSERT_TRUE(column.present()) << GetFieldInfo(layout.field).name;
    EXPECT_EQ(column.packed() ? column.code_bits : -1, layout.bits) << GetFieldInfo(layout.field).name;
    fields.push_back({layout.field, ""});
  }
  ExpectGathersLikeDense(fields);
}

// The code tables group-bys read palette columns through give, for every row, the key GatherCode
// gives; columns that do not store codes of at most 8 bits have none.
TEST_F(ColumnSourceTest, CodeTablesGiveTheKeysOfGatherCode) {
  const store::ColumnBlock& block = segment_->blocks()[0];
  const std::vector<std::pair<FieldRef, bool>> fields = {
      {{FieldId::kProvider, ""}, true}, {{FieldId::kModel, ""}, true},      {{FieldId::kCacheHit, ""}, true},
      {{FieldId::kHttpStatus, ""}, true}, {{FieldId::kTeam, ""}, true},     {{FieldId::kEndpoint, ""}, false},
      {{FieldId::kErrorType, ""}, false}, {{FieldId::kTag, "attempt"}, false}};
  std::vector<uint32_t> rows(block.rows);
  for (uint32_t row = 0; row < block.rows; ++row) rows[row] = row;
  for (const auto& [field, has_table] : fields) {
    const ColumnSource source = ResolveColumn(*memory_, field);
    std::array<uint64_t, 256> keys;
    store::ColumnData stored;
    ASSERT_EQ(GatherCodeTable(source, block, keys, &stored), has_table) << field.Name();
    if (!has_table) continue;
    std::array<uint8_t, 256> identity;
    for (size_t code = 0; code < identity.size(); ++code) identity[code] = static_cast<uint8_t>(code);
    std::vector<uint8_t> codes(block.rows);
    store::MapCodes(stored, identity.data(), rows.data(), rows.size(), codes.data());
    std::vector<uint64_t> want(block.rows);
    GatherCode(source, block, rows.data(), rows.size(), want.data());
    for (uint32_t row = 0; row < block.rows; ++row) ASSERT_EQ(keys[codes[row]], want[row]) << field.Name() << " row " << row;
  }
}

TEST_F(ColumnSourceTest, FiltersOnPaletteColumns) {
  const store::ColumnBlock& block = segment_->blocks()[0];
  std::vector<std::pair<Filter, size_t>> cases;
  cases.push_back({Filter{{FieldId::kModel, ""}, FilterOp::kEq, {std::string("claude")}}, 0});
  cases.push_back({Filter{{FieldId::kTeam, ""}, FilterOp::kIn, {std::string("team-3"), std::string("team-7")}}, 0});
  cases.push_back({Filter{{FieldId::kHttpStatus, ""}, FilterOp::kEq, {429.0}}, 0});
  cases.push_back({Filter{{FieldId::kStatus, ""}, FilterOp::kEq, {std::string("error")}}, 0});
  cases.push_back({Filter{{FieldId::kInputTokens, ""}, FilterOp::kGte, {50000.0}}, 0});
  cases.push_back({Filter{{FieldId::kProvider, ""}, FilterOp::kNe, {std::string("openai")}}, 0});
  for (size_t row = 0; row < block.rows; ++row) {
    cases[0].second += row % 2 == 0;
    cases[1].second += row % 11 == 3 || row % 11 == 7;
    cases[2].second += row % 60 == 1 && row % 120 != 1;
    cases[3].second += row % 60 == 1;
    cases[4].second += row % 100 >= 50;
  }
  for (const auto& [filter_spec, expected] : cases) {
    const store::ColumnData& column = block.column(filter_spec.field.id);
    ASSERT_TRUE(column.packed() || column.sparse()) << filter_spec.field.Name();
    Result<RowFilter> filter = RowFilter::Compile(filter_spec, *memory_);
    ASSERT_TRUE(filter.ok()) << filter.status().ToString();
    std::vector<uint32_t> rows(block.rows);
    for (uint32_t row = 0; row < block.rows; ++row) rows[row] = row;
    EXPECT_EQ(filter->Apply(block, rows.data(), rows.size()), expected) << filter_spec.field.Name();
    // Every third row (a selection that is not a run), against the memtable's dense rows.
    std::vector<uint32_t> strided;
    size_t strided_expected = 0;
    for (uint32_t row = 0; row < block.rows; row += 3) strided.push_back(row);
    for (const uint32_t row : strided) {
      auto [dense_block, dense_row] = Locate(memory_->blocks(), row);
      ASSERT_NE(dense_block, nullptr);
      strided_expected += filter->Apply(*dense_block, &dense_row, 1);
    }
    EXPECT_EQ(filter->Apply(block, strided.data(), strided.size()), strided_expected) << filter_spec.field.Name();
  }
}

// String and tag filters keep exactly the rows the memtable's dense columns keep, row by row, for
// mostly absent columns whose absent rows pass (ne, not_in, exists false) or fail (eq, in) the
// filter: the compaction picks each row's verdict without a branch.
TEST_F(ColumnSourceTest, StringFiltersKeepTheRowsDenseColumnsKeep) {
  const store::ColumnBlock& block = segment_->blocks()[0];
  std::vector<Filter> filters;
  filters.push_back(Filter{{FieldId::kErrorType, ""}, FilterOp::kEq, {std::string("rate_limit")}});
  filters.push_back(Filter{{FieldId::kErrorType, ""}, FilterOp::kNotIn, {std::string("rate_limit")}});
  filters.push_back(Filter{{FieldId::kTag, "attempt"}, FilterOp::kEq, {std::string("2")}});
  filters.push_back(Filter{{FieldId::kTag, "attempt"}, FilterOp::kNe, {std::string("2")}});
  Filter absent{{FieldId::kTag, "attempt"}, FilterOp::kExists, {}};
  absent.exists = false;
  filters.push_back(absent);
  filters.push_back(Filter{{FieldId::kEndpoint, ""}, FilterOp::kIn, {std::string("/v1/7"), std::string("/v1/199")}});
  filters.push_back(Filter{{FieldId::kTeam, ""}, FilterOp::kNe, {std::string("team-4")}});
  std::vector<uint32_t> selected;  // two rows in three
  for (uint32_t row = 0; row < block.rows; ++row) {
    if (row % 3 != 0) selected.push_back(row);
  }
  for (const Filter& filter_spec : filters) {
    Result<RowFilter> filter = RowFilter::Compile(filter_spec, *memory_);
    ASSERT_TRUE(filter.ok()) << filter.status().ToString();
    std::vector<uint32_t> expected;
    for (const uint32_t row : selected) {
      auto [dense_block, dense_row] = Locate(memory_->blocks(), row);
      ASSERT_NE(dense_block, nullptr);
      if (filter->Apply(*dense_block, &dense_row, 1) == 1) expected.push_back(row);
    }
    std::vector<uint32_t> rows = selected;
    rows.resize(filter->Apply(block, rows.data(), rows.size()));
    EXPECT_EQ(rows, expected) << filter_spec.field.Name();
    EXPECT_FALSE(expected.empty()) << filter_spec.field.Name();
    EXPECT_LT(expected.size(), selected.size()) << filter_spec.field.Name();
  }
}

TEST_F(ColumnSourceTest, FiltersOnSparseColumns) {
  struct Case {
    Filter filter;
    size_t expected;  // in block 0 (65536 rows)
  };
  std::vector<Case> cases;
  cases.push_back({Filter{{FieldId::kErrorType, ""}, FilterOp::kEq, {std::string("timeout")}}, 0});
  cases.push_back({Filter{{FieldId::kErrorType, ""}, FilterOp::kNe, {std::string("timeout")}}, 0});
  cases.push_back({Filter{{FieldId::kOperation, ""}, FilterOp::kEq, {std::string("embedding")}}, 0});
  cases.push_back({Filter{{FieldId::kCachedInputTokens, ""}, FilterOp::kGt, {100.0}}, 0});
  cases.push_back({Filter{{FieldId::kScore, "rare"}, FilterOp::kExists, {}}, 0});
  cases.push_back({Filter{{FieldId::kErrorType, ""}, FilterOp::kExists, {}}, 0});
  cases.push_back({Filter{{FieldId::kErrorType, ""}, FilterOp::kExists, {}}, 0});
  cases.back().filter.exists = false;
  const store::ColumnBlock& block = segment_->blocks()[0];
  for (size_t row = 0; row < block.rows; ++row) {
    const bool error = row % 60 == 1;
    cases[0].expected += error && row % 120 == 1;
    cases[1].expected += !(error && row % 120 == 1);
    cases[2].expected += row % 70 == 3;
    cases[3].expected += row % 45 == 2 && row % 5000 > 100;
    cases[4].expected += row % 33 == 0;
    cases[5].expected += error;
    cases[6].expected += !error;
  }
  for (const Case& test_case : cases) {
    Result<RowFilter> filter = RowFilter::Compile(test_case.filter, *memory_);
    ASSERT_TRUE(filter.ok()) << filter.status().ToString();
    std::vector<uint32_t> rows(block.rows);
    for (uint32_t row = 0; row < block.rows; ++row) rows[row] = row;
    EXPECT_EQ(filter->Apply(block, rows.data(), rows.size()), test_case.expected)
        << test_case.filter.field.Name();
  }
}

// Columns held as palette codes of every width (0, 1, 2, 4 and 8 bits) for strings, enums,
// booleans, http_status, ints and scaled doubles: dictionary entries registered up front spread a
// field's ids apart, so that the u values of a block are too far apart for the bits form.
class PaletteWidthTest : public ColumnSourceTest {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mltrack_palette_width_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    store::DictionarySet& dictionaries = *memtable_.dictionaries();
    for (int idx = 0; idx < 600; ++idx) {
      for (const FieldId field : {FieldId::kModel, FieldId::kTeam, FieldId::kExperiment, FieldId::kUser}) {
        dictionaries.field(field)->GetOrAdd(std::string(GetFieldInfo(field).name) + std::to_string(idx));
      }
    }
    std::vector<Event> events;
    for (size_t idx = 0; idx < 70'000; ++idx) {
      Event event;
      event.id = "id-" + std::to_string(idx);
      event.ts_ms = 1'700'000'000'000 + static_cast<int64_t>(idx);
      event.provider = "openai";                                                // 0 bits
      event.model = idx % 2 ? "model9" : "model0";                              // 1 bit
      if (idx % 4 != 0) event.team = "team" + std::to_string(5 + 12 * (idx % 4));  // 2 bits, absent among them
      event.experiment = "experiment" + std::to_string(9 * (idx % 11));         // 4 bits
      event.user = "user" + std::to_string(29 * ((idx * 7) % 20));              // 8 bits, ids 2 bytes
      event.http_status = 200 + 10 * static_cast<int32_t>(idx % 37);            // 8 bits, 2 bytes
      if (idx % 41 == 5) event.http_status.reset();
      event.operation = idx % 3 == 0 ? Operation::kTool : Operation::kChat;      // 1 bit (0 or 3)
      if (idx % 5 != 0) event.cache_hit = true;                                 // 1 bit (absent or true)
      event.input_tokens = static_cast<int64_t>(idx % 100) * 1000;              // 8 bits, 4 bytes
      // Scaled doubles of 30 values, a few unrounded (exceptions) and absent ones.
      event.latency_ms = static_cast<double>(105 * (idx % 30)) / 10.0;
      if (idx % 97 == 3) event.latency_ms = static_cast<double>(idx) / 7.0;
      if (idx % 13 == 0) event.latency_ms.reset();
      events.push_back(std::move(event));
    }
    Load(events);
  }

  // The rows of each selection of block 0 of the segment that `filter` keeps equal the rows it
  // keeps of the memtable's dense blocks, one row at a time. Returns how many rows of the whole
  // block it keeps.
  size_t ExpectFilterLikeDense(const Filter& filter_spec) const {
    const store::ColumnBlock& block = segment_->blocks()[0];
    Result<RowFilter> filter = RowFilter::Compile(filter_spec, *memory_);
    EXPECT_TRUE(filter.ok()) << filter.status().ToString();
    if (!filter.ok()) return 0;
    size_t kept_in_block = 0;
    for (const std::vector<uint32_t>& selection : Selections(block)) {
      std::vector<uint32_t> rows = selection;
      rows.resize(filter->Apply(block, rows.data(), rows.size()));
      std::vector<uint32_t> want;
      for (const uint32_t row : selection) {
        auto [dense_block, dense_row] = Locate(memory_->blocks(), row);
        if (filter->Apply(*dense_block, &dense_row, 1) == 1) want.push_back(row);
      }
      EXPECT_EQ(rows, want) << filter_spec.field.Name() << " op " << static_cast<int>(filter_spec.op)
                            << ", selection of " << selection.size();
      if (selection.size() == block.rows) kept_in_block = rows.size();
    }
    return kept_in_block;
  }
};

TEST_F(PaletteWidthTest, ColumnsArePaletteCodesOfEveryWidth) {
  const store::ColumnBlock& block = segment_->blocks()[0];
  const std::vector<std::pair<FieldId, int>> layouts = {
      {FieldId::kProvider, 0},   {FieldId::kModel, 1},     {FieldId::kTeam, 2},
      {FieldId::kExperiment, 4}, {FieldId::kUser, 8},      {FieldId::kHttpStatus, 8},
      {FieldId::kOperation, 1},  {FieldId::kCacheHit, 1},  {FieldId::kInputTokens, 8},
      {FieldId::kLatencyMs, 8}};
  std::vector<FieldRef> fields;
  for (const auto& [field, bits] : layouts) {
    const store::ColumnData& column = block.column(field);
    ASSERT_NE(column.palette, nullptr) << GetFieldInfo(field).name;
    EXPECT_EQ(column.code_bits, bits) << GetFieldInfo(field).name;
    fields.push_back({field, ""});
  }
  ASSERT_GT(block.column(FieldId::kLatencyMs).exception_count, 0u);
  ExpectGathersLikeDense(fields);
}

// A filter of `field` (no per-key bounds).
Filter MakeFilter(FieldId field, FilterOp op, std::vector<FilterValue> values, bool exists = true) {
  Filter filter;
  filter.field = FieldRef{field, ""};
  filter.op = op;
  filter.values = std::move(values);
  filter.exists = exists;
  return filter;
}

TEST_F(PaletteWidthTest, FiltersOfEveryKindKeepTheDenseRows) {
  auto text = [](const char* value) { return FilterValue{std::string(value)}; };
  std::vector<Filter> filters;
  // Strings of every code width: eq, in, not-in, ne, is-null, exists, a range and contains.
  const std::vector<std::pair<FieldId, std::vector<std::string>>> strings = {
      {FieldId::kProvider, {"openai", "anthropic"}},
      {FieldId::kModel, {"model9", "model3"}},
      {FieldId::kTeam, {"team17", "team29"}},
      {FieldId::kExperiment, {"experiment18", "experiment90"}},
      {FieldId::kUser, {"user87", "user551"}}};
  for (const auto& [field, values] : strings) {
    filters.push_back(MakeFilter(field, FilterOp::kEq, {FilterValue{values[0]}}));
    filters.push_back(MakeFilter(field, FilterOp::kEq, {FilterValue{values[1]}}));
    filters.push_back(MakeFilter(field, FilterOp::kIn, {FilterValue{values[0]}, FilterValue{values[1]}}));
    filters.push_back(MakeFilter(field, FilterOp::kNotIn, {FilterValue{values[0]}, FilterValue{values[1]}}));
    filters.push_back(MakeFilter(field, FilterOp::kNe, {FilterValue{values[0]}}));
    filters.push_back(MakeFilter(field, FilterOp::kGte, {FilterValue{values[0]}}));
    filters.push_back(MakeFilter(field, FilterOp::kContains, {text("1")}));
    filters.push_back(MakeFilter(field, FilterOp::kExists, {}, /*exists=*/false));
    filters.push_back(MakeFilter(field, FilterOp::kExists, {}));
  }
  // http_status (8-bit codes of a 2-byte column): eq, in, not-in, ranges, is-null.
  filters.push_back(MakeFilter(FieldId::kHttpStatus, FilterOp::kEq, {FilterValue{430.0}}));
  filters.push_back(MakeFilter(FieldId::kHttpStatus, FilterOp::kIn, {FilterValue{200.0}, FilterValue{560.0}}));
  filters.push_back(MakeFilter(FieldId::kHttpStatus, FilterOp::kNotIn, {FilterValue{200.0}, FilterValue{560.0}}));
  filters.push_back(MakeFilter(FieldId::kHttpStatus, FilterOp::kGte, {FilterValue{400.0}}));
  filters.push_back(MakeFilter(FieldId::kHttpStatus, FilterOp::kLt, {FilterValue{1000.0}}));
  filters.push_back(MakeFilter(FieldId::kHttpStatus, FilterOp::kGt, {FilterValue{1000.0}}));
  filters.push_back(MakeFilter(FieldId::kHttpStatus, FilterOp::kExists, {}, /*exists=*/false));
  // Enums and booleans.
  filters.push_back(MakeFilter(FieldId::kOperation, FilterOp::kEq, {text("tool")}));
  filters.push_back(MakeFilter(FieldId::kOperation, FilterOp::kNotIn, {text("tool"), text("chat")}));
  filters.push_back(MakeFilter(FieldId::kOperation, FilterOp::kNe, {text("embedding")}));
  filters.push_back(MakeFilter(FieldId::kCacheHit, FilterOp::kEq, {FilterValue{true}}));
  filters.push_back(MakeFilter(FieldId::kCacheHit, FilterOp::kNe, {FilterValue{true}}));
  filters.push_back(MakeFilter(FieldId::kCacheHit, FilterOp::kEq, {FilterValue{false}}));
  filters.push_back(MakeFilter(FieldId::kCacheHit, FilterOp::kExists, {}, /*exists=*/false));
  // Numbers read through palette values: ints and scaled doubles with exceptions.
  filters.push_back(MakeFilter(FieldId::kInputTokens, FilterOp::kGte, {FilterValue{50000.0}}));
  filters.push_back(MakeFilter(FieldId::kInputTokens, FilterOp::kIn, {FilterValue{3000.0}, FilterValue{0.0}}));
  filters.push_back(MakeFilter(FieldId::kLatencyMs, FilterOp::kGt, {FilterValue{150.0}}));
  filters.push_back(MakeFilter(FieldId::kLatencyMs, FilterOp::kLte, {FilterValue{21.0}}));
  filters.push_back(MakeFilter(FieldId::kLatencyMs, FilterOp::kExists, {}, /*exists=*/false));
  // Filters no palette entry passes, every entry passes, and some entries pass are all among them.
  const size_t rows = segment_->blocks()[0].rows;
  int none = 0;
  int all = 0;
  for (const Filter& filter : filters) {
    const size_t kept = ExpectFilterLikeDense(filter);
    if (HasFailure()) return;
    none += kept == 0;
    all += kept == rows;
  }
  EXPECT_GE(none, 3);
  EXPECT_GE(all, 3);
  EXPECT_GE(static_cast<int>(filters.size()) - none - all, 20);
}

// Tag filters over runs of rows (a block, a chunk of one) of tag columns of 1-, 2-, 4- and 8-bit
// codes, compared 64 bits of codes at a time (row_filter.cc, CompactLaneRun): the rows kept equal
// those of the memtable's dense columns for runs starting and ending at every position within a
// word of codes, with values found only in a word's last lane (`edge`), in a run's last row, or
// absent from a run, and with few or many values kept (and the filters that compare too many codes
// and map a flag per row instead).
class TagRunFilterTest : public ColumnSourceTest {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mltrack_tag_runs_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    // Ids of `wide` spread over more than 255, so that its 2-byte column is held as 8-bit palette
    // codes.
    store::DictionarySet& dictionaries = *memtable_.dictionaries();
    store::Dictionary& wide = dictionaries.TagValues(dictionaries.tag_keys().GetOrAdd("wide") - 1);
    for (int value = 0; value < 150; ++value) {
      for (int gap = 0; gap < 2; ++gap) wide.GetOrAdd("unused" + std::to_string(value) + "-" + std::to_string(gap));
      wide.GetOrAdd("w" + std::to_string(value));
    }
    std::vector<Event> events;
    uint64_t state = 12345;
    for (size_t idx = 0; idx < 70'000; ++idx) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      const uint64_t draw = state >> 33;
      Event event;
      event.id = "id-" + std::to_string(idx);
      event.ts_ms = 1'700'000'000'000 + static_cast<int64_t>(idx);
      // A third of the rows with one of three steps (2-bit codes), as the demo's funnel tag.
      if (draw % 3 == 0) event.tags.emplace_back("step", std::array{"search", "answer", "feedback"}[(draw >> 8) % 3]);
      if ((draw >> 12) % 4 == 0) event.tags.emplace_back("flag", "on");                        // 1 bit
      event.tags.emplace_back("mid", "m" + std::to_string((draw >> 16) % 11));                 // 4 bits
      event.tags.emplace_back("wide", "w" + std::to_string((draw >> 20) % 150));               // 8 bits
      // Values only in the last row of a word of 2-bit codes (32 rows), and of 1-bit codes (64 rows).
      event.tags.emplace_back("edge", idx % 32 != 31 ? "other" : idx % 64 == 63 ? "last64" : "last32");
      std::sort(event.tags.begin(), event.tags.end());
      events.push_back(std::move(event));
    }
    Load(events);
  }

  // The rows of the run [begin, end) of block 0 that `filter` keeps, against the dense rows.
  void ExpectRunLikeDense(const RowFilter& filter, uint32_t begin, uint32_t end, const std::string& what) const {
    const store::ColumnBlock& block = segment_->blocks()[0];
    std::vector<uint32_t> rows;
    std::vector<uint32_t> want;
    for (uint32_t row = begin; row < end; ++row) {
      rows.push_back(row);
      auto [dense_block, dense_row] = Locate(memory_->blocks(), row);
      if (filter.Apply(*dense_block, &dense_row, 1) == 1) want.push_back(row);
    }
    rows.resize(filter.Apply(block, rows.data(), rows.size()));
    EXPECT_EQ(rows, want) << what << " over rows [" << begin << ", " << end << ")";
  }
};

TEST_F(TagRunFilterTest, TagFiltersOverRunsKeepTheDenseRows) {
  const store::ColumnBlock& block = segment_->blocks()[0];
  ASSERT_GE(block.rows, 4096u);
  auto tag_filter = [](const char* key, FilterOp op, std::vector<std::string> values) {
    Filter filter;
    filter.field = FieldRef{FieldId::kTag, key};
    filter.op = op;
    for (std::string& value : values) filter.values.emplace_back(std::move(value));
    return filter;
  };
  std::vector<std::pair<std::string, int>> layouts = {{"step", 2}, {"flag", 1}, {"mid", 4}, {"wide", 8}, {"edge", 2}};
  for (const auto& [key, bits] : layouts) {
    const ColumnSource source = ResolveColumn(*memory_, FieldRef{FieldId::kTag, key});
    ASSERT_EQ(source.type, ColumnSource::Type::kTag) << key;
    const store::ColumnData& column = block.tag(source.index);
    EXPECT_EQ(column.code_bits, bits) << key;
  }
  std::vector<Filter> filters = {
      tag_filter("step", FilterOp::kIn, {"search", "answer", "feedback"}),
      tag_filter("step", FilterOp::kEq, {"answer"}),
      tag_filter("step", FilterOp::kIn, {"search", "feedback"}),
      tag_filter("step", FilterOp::kNotIn, {"search"}),
      tag_filter("step", FilterOp::kIn, {"search", "absent-value"}),
      tag_filter("flag", FilterOp::kEq, {"on"}),
      tag_filter("flag", FilterOp::kNe, {"on"}),
      tag_filter("mid", FilterOp::kEq, {"m3"}),
      tag_filter("mid", FilterOp::kIn, {"m0", "m1", "m2", "m4", "m5", "m6", "m7", "m8", "m9", "m10"}),
      tag_filter("mid", FilterOp::kIn, {"m0", "m1", "m2", "m4", "m5", "m6"}),  // too many codes to compare
      tag_filter("wide", FilterOp::kIn, {"w7", "w149"}),
      tag_filter("wide", FilterOp::kNe, {"w0"}),
      tag_filter("edge", FilterOp::kEq, {"last64"}),
      tag_filter("edge", FilterOp::kEq, {"last32"}),
      tag_filter("edge", FilterOp::kIn, {"last32", "last64"})};
  Filter absent = tag_filter("step", FilterOp::kExists, {});
  absent.exists = false;
  filters.push_back(absent);
  for (const Filter& filter_spec : filters) {
    Result<RowFilter> filter = RowFilter::Compile(filter_spec, *memory_);
    ASSERT_TRUE(filter.ok()) << filter.status().ToString();
    const std::string what = filter_spec.field.Name() + " op " + std::to_string(static_cast<int>(filter_spec.op)) +
                             " " + std::get<std::string>(filter_spec.values.empty() ? FilterValue{std::string()}
                                                                                    : filter_spec.values.front());
    ExpectRunLikeDense(*filter, 0, block.rows, what);
    for (uint32_t begin : {0u, 1u, 3u, 7u, 8u, 31u, 32u, 33u, 63u, 64u, 65u, 100u}) {
      for (uint32_t length : {1u, 2u, 31u, 32u, 33u, 63u, 64u, 65u, 96u, 127u, 128u, 129u, 2048u}) {
        ExpectRunLikeDense(*filter, 4096 + begin, 4096 + begin + length, what);
        if (HasFailure()) return;
      }
    }
  }
  // A run whose only kept row is its last: the last lane of a word, then the row after a word.
  Result<RowFilter> edge = RowFilter::Compile(tag_filter("edge", FilterOp::kEq, {"last64"}), *memory_);
  ASSERT_TRUE(edge.ok());
  std::vector<uint32_t> rows;
  for (uint32_t row = 64; row < 128; ++row) rows.push_back(row);
  ASSERT_EQ(edge->Apply(block, rows.data(), rows.size()), 1u);
  EXPECT_EQ(rows[0], 127u);
  rows.clear();
  for (uint32_t row = 0; row < 63; ++row) rows.push_back(row);
  EXPECT_EQ(edge->Apply(block, rows.data(), rows.size()), 0u);
}

// `exists` on a string field is decided from presence alone: no table by dictionary id (input_hash
// and trace_id have millions), the same rows kept as the other string filters' lookups would, and
// block summaries judge it as the rows do.
TEST_F(ColumnSourceTest, ExistsOnStringsNeedsNoTableById) {
  for (const bool exists : {true, false}) {
    for (FieldId field : {FieldId::kErrorType, FieldId::kEndpoint, FieldId::kPromptName}) {
      Filter spec{{field, ""}, FilterOp::kExists, {}};
      spec.exists = exists;
      Result<RowFilter> filter = RowFilter::Compile(spec, *memory_);
      ASSERT_TRUE(filter.ok()) << filter.status().ToString();
      EXPECT_LE(filter->MemoryBytes(), sizeof(RowFilter) + 16) << spec.field.Name();
      for (const store::ColumnBlock& block : segment_->blocks()) {
        std::vector<uint32_t> rows(block.rows);
        for (uint32_t row = 0; row < block.rows; ++row) rows[row] = row;
        size_t expected = 0;
        for (uint32_t row = 0; row < block.rows; ++row) {
          expected += (store::IdAt(block.column(field), row) != store::kAbsentId) == exists;
        }
        const size_t kept = filter->Apply(block, rows.data(), rows.size());
        EXPECT_EQ(kept, expected) << spec.field.Name() << " exists=" << exists;
        ASSERT_NE(block.summary, nullptr);
        const FilterVerdict verdict = filter->Judge(*block.summary);
        if (verdict == FilterVerdict::kAll) EXPECT_EQ(kept, block.rows) << spec.field.Name();
        if (verdict == FilterVerdict::kNone) EXPECT_EQ(kept, 0u) << spec.field.Name();
        if (field == FieldId::kEndpoint || field == FieldId::kPromptName) {
          // Every row has one (endpoint) or none (prompt_name): the summary proves it.
          EXPECT_NE(verdict, FilterVerdict::kSome) << spec.field.Name() << " exists=" << exists;
        }
      }
    }
  }
}

}  // namespace
}  // namespace mltrack::query
