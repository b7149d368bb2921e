// Scans over packed columns (store/packed_column.h): filters decided per palette entry, group
// codes and values mapped from palette codes. Random specs over segment blocks as read (packed)
// must give the answers of the same blocks with every packed column expanded to a dense one.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "query/query_parser.h"
#include "random_query_test_util.h"
#include "store/memtable.h"
#include "store/packed_column.h"
#include "store/segment.h"
#include "store/segment_format.h"
#include "store/segment_writer.h"

namespace mltrack::query {
namespace {

using namespace test_data;  // NOLINT: test file

class PackedScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mltrack_packed_scan_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Registers the values RandomEvent draws with `gap` unused entries before each, so that a
  // block's ids of a field lie far apart: palette codes rather than the bits form.
  static void SpreadIds(store::Memtable& memtable, FieldId field, const std::vector<std::string>& values, int gap) {
    store::Dictionary& dictionary = *memtable.dictionaries()->field(field);
    for (const std::string& value : values) {
      for (int idx = 0; idx < gap; ++idx) dictionary.GetOrAdd(value + "-unused-" + std::to_string(idx));
      dictionary.GetOrAdd(value);
    }
  }

  // A dense copy of `column` of `rows` rows (the palette or bits codes expanded), its values in
  // `storage`.
  static store::ColumnData Expand(const store::ColumnData& column, size_t rows, std::vector<uint32_t>* storage) {
    if (!column.present() || !column.packed()) return column;
    std::vector<uint32_t> all(rows);
    for (uint32_t row = 0; row < rows; ++row) all[row] = row;
    storage->assign(rows + 1, 0);
    switch (column.width) {
      case 1: store::UnpackColumn(column, all.data(), rows, reinterpret_cast<uint8_t*>(storage->data())); break;
      case 2: store::UnpackColumn(column, all.data(), rows, reinterpret_cast<uint16_t*>(storage->data())); break;
      default: store::UnpackColumn(column, all.data(), rows, storage->data()); break;
    }
    store::ColumnData dense = column;
    dense.data = storage->data();
    dense.palette = nullptr;
    dense.code_bits = 0;
    return dense;
  }

  // Writes the memtable's blocks into segments of 1–3 blocks and reopens them: packed_ holds the
  // blocks as read, dense_ the same blocks with every packed column expanded; with
  // `summaries` false, neither view has block summaries, so that every row is read.
  void MakeViews(const store::Memtable& memtable, std::mt19937_64& rng, bool summaries) {
    store::TableSnapshot::Parts blocks;
    memtable.CollectBlocks(&blocks);
    store::TableSnapshot::Parts packed;
    store::TableSnapshot::Parts dense;
    memtable.dictionaries()->FillSnapshot(&packed);
    memtable.dictionaries()->FillSnapshot(&dense);
    uint64_t seq = 1;
    for (size_t begin = 0; begin < blocks.blocks.size(); ++seq) {
      const size_t end = std::min(blocks.blocks.size(), begin + 1 + rng() % 3);
      const std::filesystem::path path = dir_ / store::segment::FileName(seq);
      std::span<const store::ColumnBlock> span(blocks.blocks.data() + begin, end - begin);
      ASSERT_TRUE(store::WriteSegment(path, span, {}, {}, {}).ok());
      Result<std::shared_ptr<store::Segment>> segment = store::Segment::OpenUnchecked(path);
      ASSERT_TRUE(segment.ok()) << segment.status().ToString();
      for (const store::ColumnBlock& block : (*segment)->blocks()) {
        packed.blocks.push_back(block);
        dense.blocks.push_back(block);
        store::ColumnBlock& copy = dense.blocks.back();
        for (store::ColumnData& column : copy.columns) {
          packed_columns_ += column.packed();
          palette_columns_ += column.palette != nullptr;
          wide_columns_ += column.packed() && column.code_bits > 8;
          column = Expand(column, block.rows, &storage_.emplace_back());
        }
        for (store::KeyedColumn& column : copy.tags) column.data = Expand(column.data, block.rows, &storage_.emplace_back());
        for (store::KeyedColumn& column : copy.scores) column.data = Expand(column.data, block.rows, &storage_.emplace_back());
        if (!summaries) {
          packed.blocks.back().summary = nullptr;
          copy.summary = nullptr;
        }
      }
      packed.keep_alive.push_back(*segment);
      dense.keep_alive.push_back(*segment);
      begin = end;
    }
    packed_ = std::make_shared<const store::TableSnapshot>(std::move(packed));
    dense_ = std::make_shared<const store::TableSnapshot>(std::move(dense));
  }

  void CompareRandomSpecs(std::mt19937_64& rng, int rounds) {
    for (int round = 0; round < rounds; ++round) {
      const std::string json = RandomSpec(rng);
      Result<QuerySpec> spec = ParseQuerySpec(json, kStart);
      ASSERT_TRUE(spec.ok()) << json << " " << spec.status().ToString();
      ExpectSameResult(Execute(*spec, *dense_, nullptr), Execute(*spec, *packed_, nullptr), json);
      if (HasFailure()) return;
    }
  }

  // Events as RandomEvent makes them over kDays days, with models, teams and users whose ids
  // are spread apart, and teams that change every `team_run` rows (blocks of one team).
  void Fill(store::Memtable& memtable, std::mt19937_64& rng, int rows, int users, int team_run) {
    SpreadIds(memtable, FieldId::kModel, {"gpt-4o", "gpt-4o-mini", "claude", "llama", "mistral", "gemini"}, 60);
    std::vector<std::string> teams;
    for (int team = 0; team < 7; ++team) teams.push_back("t" + std::to_string(team));
    SpreadIds(memtable, FieldId::kTeam, teams, 5);
    std::vector<std::string> user_names;
    for (int user = 0; user < users; ++user) user_names.push_back("u" + std::to_string(user));
    SpreadIds(memtable, FieldId::kUser, user_names, 9);
    std::vector<Event> events;
    const int64_t step = kDays * 24 * kHourMs / 60'000;
    for (int row = 0; row < rows; ++row) {
      const int64_t jitter = static_cast<int64_t>(rng() % (2 * kHourMs));
      events.push_back(RandomEvent(rng, kStart + row * step + jitter, users));
      events.back().team = "t" + std::to_string((row / team_run) % 7);
    }
    memtable.Append(events);
  }

  std::filesystem::path dir_;
  std::vector<std::vector<uint32_t>> storage_;
  size_t packed_columns_ = 0;
  size_t palette_columns_ = 0;
  size_t wide_columns_ = 0;  // bits of more than 8 per code (no code table)
  std::shared_ptr<const store::TableSnapshot> packed_;
  std::shared_ptr<const store::TableSnapshot> dense_;
};

TEST_F(PackedScanTest, RandomSpecsReadingEveryRowAgreeWithDenseColumns) {
  store::Memtable memtable;
  std::mt19937_64 rng(41);
  Fill(memtable, rng, 150'000, 40, 20'000);
  MakeViews(memtable, rng, /*summaries=*/false);
  // Models (4-bit codes), users (8-bit codes of 2-byte ids), teams, http_status: palettes.
  EXPECT_GE(palette_columns_, 4 * dense_->blocks().size());
  EXPECT_GT(packed_columns_, palette_columns_);
  CompareRandomSpecs(rng, 250);
}

TEST_F(PackedScanTest, RandomSpecsOverSummariesAgreeWithDenseColumns) {
  store::Memtable memtable;
  std::mt19937_64 rng(42);
  Fill(memtable, rng, 150'000, 40, 30'000);
  MakeViews(memtable, rng, /*summaries=*/true);
  EXPECT_GE(palette_columns_, 4 * dense_->blocks().size());
  CompareRandomSpecs(rng, 150);
}

TEST_F(PackedScanTest, RandomSpecsOverManyUsersAgreeWithDenseColumns) {
  store::Memtable memtable;
  std::mt19937_64 rng(43);
  Fill(memtable, rng, 150'000, 600, 20'000);
  MakeViews(memtable, rng, /*summaries=*/false);
  // User ids spread over thousands of entries: more than 8 bits a row (user filters, uniq:user and
  // group-bys by user read the packed words), and latencies in the bits form too.
  EXPECT_GE(wide_columns_, 2 * dense_->blocks().size());
  CompareRandomSpecs(rng, 200);
}

}  // namespace
}  // namespace mltrack::query
