// A flipped byte in a sealed segment (docs/segment_format.md, "Reading and recovery rules").
// Three generations of events: batches sealed into segment A (clean stop), batches sealed into
// segment B (clean stop), and batches left only in the WAL tail (kill -9). One byte of A or B
// (seeded) is flipped while the server is down: in a column chunk, the id section, the footer,
// the footer crc of the trailer, the trailer magic or the header magic.
// What must hold after the restart:
//  - the server starts; GET /api/health says "degraded" and names the damaged file and the byte
//    offset the format's recovery rules assign to that damage;
//  - every query response lists the segment in stats.quarantined (file, offset, rows);
//  - every count and sum equals the ledger of the events not in the quarantined segment: the
//    other segment and the WAL tail whole, nothing of the damaged one, nothing twice;
//  - ingest keeps working and new events are counted;
//  - after another restart the problem is still reported, the damaged file sits in
//    <data>/quarantine/ byte for byte as it was damaged, and the answers are the same.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "fault_support.h"
#include "file_damage.h"

namespace mltrack::fault {
namespace {

namespace fs = std::filesystem;

constexpr size_t kTrailerBytes = 24;  // u64 footer_offset · u32 footer_size · u32 crc · magic

// Where the parts of a segment file are, read from its trailer and footer without checking
// crcs (enough for a file the server just wrote; the layout is docs/segment_format.md, footer
// versions 1 to 7; a version-3 local string table counts as a chunk, and the block summaries of
// version 3, the value slices and string filters of version 4 and the user rollups and derived
// sketches of version 5 and the moments of version 6 (version 7: the same layout) follow the id section entry).
struct SegmentLayout {
  uint64_t size = 0;
  uint64_t footer_offset = 0;
  uint64_t footer_size = 0;
  uint64_t rows = 0;
  uint64_t id_count = 0;
  uint64_t ids_offset = 0;
  uint64_t ids_size = 0;
  struct Chunk {
    uint64_t offset = 0;
    uint64_t stored = 0;
  };
  std::vector<Chunk> chunks;
};

class FooterCursor {
 public:
  explicit FooterCursor(std::string_view bytes) : bytes_(bytes) {}
  bool Byte(uint8_t* out) {
    if (pos_ >= bytes_.size()) return false;
    *out = static_cast<uint8_t>(bytes_[pos_++]);
    return true;
  }
  bool Varint(uint64_t* out) {
    *out = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t byte = 0;
      if (!Byte(&byte)) return false;
      *out |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return true;
    }
    return false;
  }
  bool Skip(size_t bytes) {
    if (bytes_.size() - pos_ < bytes) return false;
    pos_ += bytes;
    return true;
  }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
};

uint64_t Fixed(const std::string& bytes, size_t offset, int width) {
  uint64_t value = 0;
  for (int byte_idx = width - 1; byte_idx >= 0; --byte_idx) {
    value = (value << 8) | static_cast<uint8_t>(bytes[offset + byte_idx]);
  }
  return value;
}

std::optional<SegmentLayout> ParseSegment(const std::string& bytes) {
  SegmentLayout layout;
  layout.size = bytes.size();
  if (bytes.size() < 8 + kTrailerBytes) return std::nullopt;
  const size_t trailer = bytes.size() - kTrailerBytes;
  layout.footer_offset = Fixed(bytes, trailer, 8);
  layout.footer_size = Fixed(bytes, trailer + 8, 4);
  if (layout.footer_offset + layout.footer_size != trailer) return std::nullopt;
  FooterCursor footer(std::string_view(bytes).substr(layout.footer_offset, layout.footer_size));
  uint64_t value = 0;
  uint8_t byte = 0;
  uint8_t version = 0;
  // version, rows, min_ts, max_ts, wal_seq
  if (!footer.Byte(&version) || version < 1 || version > 7 || !footer.Varint(&layout.rows) || !footer.Varint(&value) || !footer.Varint(&value) ||
      !footer.Varint(&value)) {
    return std::nullopt;
  }
  uint64_t count = 0;  // needs: string fields, tag keys, score names
  if (!footer.Varint(&count)) return std::nullopt;
  for (uint64_t idx = 0; idx < count; ++idx) {
    if (!footer.Byte(&byte) || !footer.Varint(&value)) return std::nullopt;
  }
  if (!footer.Varint(&count)) return std::nullopt;
  for (uint64_t idx = 0; idx < count; ++idx) {
    if (!footer.Varint(&value)) return std::nullopt;
  }
  if (!footer.Varint(&value)) return std::nullopt;
  if (version >= 3) {  // local string tables: field, string count, offset, stored, raw, crc
    if (!footer.Varint(&count)) return std::nullopt;
    for (uint64_t idx = 0; idx < count; ++idx) {
      SegmentLayout::Chunk chunk;
      if (!footer.Byte(&byte) || !footer.Varint(&value) || !footer.Varint(&chunk.offset) ||
          !footer.Varint(&chunk.stored) || !footer.Varint(&value) || !footer.Skip(4)) {
        return std::nullopt;
      }
      layout.chunks.push_back(chunk);
    }
  }
  uint64_t blocks = 0;
  if (!footer.Varint(&blocks)) return std::nullopt;
  for (uint64_t block_idx = 0; block_idx < blocks; ++block_idx) {
    uint64_t columns = 0;  // rows, min_ts, max_ts, column count
    if (!footer.Varint(&value) || !footer.Varint(&value) || !footer.Varint(&value) || !footer.Varint(&columns)) {
      return std::nullopt;
    }
    for (uint64_t column_idx = 0; column_idx < columns; ++column_idx) {
      // kind, index, width (v2: | 0x80 when sparse, then the sparse count), base, scale,
      // offset, stored, raw, crc
      SegmentLayout::Chunk chunk;
      uint8_t width = 0;
      if (!footer.Byte(&byte) || !footer.Varint(&value) || !footer.Byte(&width)) return std::nullopt;
      if (version >= 2 && (width & 0x80) != 0 && !footer.Varint(&value)) return std::nullopt;
      if (!footer.Varint(&value) || !footer.Byte(&byte) || !footer.Varint(&chunk.offset) ||
          !footer.Varint(&chunk.stored) || !footer.Varint(&value) || !footer.Skip(4)) {
        return std::nullopt;
      }
      layout.chunks.push_back(chunk);
    }
  }
  if (!footer.Varint(&layout.id_count) || !footer.Varint(&layout.ids_offset) || !footer.Varint(&layout.ids_size)) {
    return std::nullopt;
  }
  return layout;
}

// The segment files the MANIFEST names, oldest rows first.
std::vector<std::string> LiveSegments(const fs::path& segments_dir) {
  std::ifstream in(segments_dir / "MANIFEST");
  std::vector<std::string> names;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("segment ", 0) == 0) names.push_back(line.substr(8));
  }
  return names;
}

// Where the byte is flipped, and so which check of the reader must catch it.
enum class Spot { kChunk, kIds, kFooter, kTrailerCrc, kTrailerMagic, kHeader };
std::string SpotName(Spot spot) {
  switch (spot) {
    case Spot::kChunk: return "ColumnChunk";
    case Spot::kIds: return "IdSection";
    case Spot::kFooter: return "Footer";
    case Spot::kTrailerCrc: return "TrailerFooterCrc";
    case Spot::kTrailerMagic: return "TrailerMagic";
    case Spot::kHeader: return "HeaderMagic";
  }
  return "?";
}
void PrintTo(Spot spot, std::ostream* out) { *out << SpotName(spot); }

struct Flip {
  uint64_t at = 0;        // the byte flipped
  uint64_t reported = 0;  // the offset the reader must report (docs/segment_format.md)
};

Flip ChooseFlip(Spot spot, const SegmentLayout& layout, std::mt19937_64& rng) {
  auto pick = [&](uint64_t begin, uint64_t size) {
    return begin + std::uniform_int_distribution<uint64_t>(0, size - 1)(rng);
  };
  const uint64_t trailer = layout.size - kTrailerBytes;
  switch (spot) {
    case Spot::kChunk: {
      const auto& chunk = layout.chunks[std::uniform_int_distribution<size_t>(0, layout.chunks.size() - 1)(rng)];
      return {pick(chunk.offset, chunk.stored), chunk.offset};
    }
    case Spot::kIds: return {pick(layout.ids_offset, layout.ids_size), layout.ids_offset};
    case Spot::kFooter: return {pick(layout.footer_offset, layout.footer_size), layout.footer_offset};
    case Spot::kTrailerCrc: return {pick(trailer + 12, 4), layout.footer_offset};
    case Spot::kTrailerMagic: return {pick(trailer + 16, 8), trailer + 16};
    case Spot::kHeader: return {pick(0, 8), 0};
  }
  return {};
}

// stats.quarantined of a query response.
struct QuarantinedView {
  std::string file;
  int64_t offset = -1;
  int64_t rows = -1;
  std::string what;
};
std::optional<std::vector<QuarantinedView>> QuarantinedOf(const std::string& body, std::string* error) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::dom::array items;
  if (parser.parse(body).get(root) != simdjson::SUCCESS || root["stats"]["quarantined"].get(items) != simdjson::SUCCESS) {
    *error = "no stats.quarantined array in " + body.substr(0, 400);
    return std::nullopt;
  }
  std::vector<QuarantinedView> out;
  for (simdjson::dom::element item : items) {
    QuarantinedView view;
    std::string_view text;
    int64_t number = 0;
    if (item["file"].get(text) == simdjson::SUCCESS) view.file = std::string(text);
    if (item["offset"].get(number) == simdjson::SUCCESS) view.offset = number;
    if (item["rows"].get(number) == simdjson::SUCCESS) view.rows = number;
    if (item["what"].get(text) == simdjson::SUCCESS) view.what = std::string(text);
    out.push_back(std::move(view));
  }
  return out;
}

class SegmentCorruptionTest : public FaultTest, public ::testing::WithParamInterface<Spot> {
 protected:
  std::vector<const Batch*> Ledger() const {
    std::vector<const Batch*> all;
    for (const Batch& batch : batches_) all.push_back(&batch);
    return all;
  }

  // Sends `count` batches of generation `generation` ("s-<generation>-b<n>"), one at a time.
  void SendGeneration(const std::string& generation, int count, std::mt19937_64& rng) {
    for (int batch_idx = 0; batch_idx < count; ++batch_idx) {
      const size_t events = std::uniform_int_distribution<size_t>(15, 120)(rng);
      batches_.push_back(MakeBatch("s-" + generation + "-b" + std::to_string(batch_idx), events,
                                   batch_idx % 2 ? BodyKind::kNdjson : BodyKind::kJsonArray, rng));
      Batch& batch = batches_.back();
      integration::HttpResult result = client().Post("/api/v1/events", batch.body, batch.content_type);
      auto ack = integration::ParseIngestAck(result.body);
      ASSERT_EQ(result.status, 200) << result.Describe();
      ASSERT_TRUE(ack.has_value());
      ASSERT_EQ(ack->accepted, static_cast<int64_t>(batch.events)) << batch.key << " must be stored as new";
      batch.fate = Fate::kAcked;
    }
  }

  int64_t EventsOf(const std::string& generation) const {
    int64_t events = 0;
    for (const Batch& batch : batches_) {
      if (batch.key.rfind("s-" + generation + "-", 0) == 0) events += static_cast<int64_t>(batch.events);
    }
    return events;
  }

  // Health names exactly one problem: the damaged file at `offset`.
  void ExpectReported(const std::string& file_name, uint64_t offset) {
    auto health = HealthNow();
    ASSERT_TRUE(health.has_value());
    EXPECT_EQ(health->status, "degraded");
    ASSERT_EQ(health->problems.size(), 1u);
    EXPECT_NE(health->problems[0].file.find(file_name), std::string::npos) << health->problems[0].file;
    EXPECT_EQ(health->problems[0].offset, static_cast<int64_t>(offset)) << health->problems[0].what;
    EXPECT_FALSE(health->problems[0].what.empty());
  }

  // Every query response lists the damaged segment in stats.quarantined; the answers equal
  // the ledger (the damaged generation's batches marked refused) exactly.
  void ExpectServedWithout(const std::string& file_name, uint64_t offset, int64_t rows) {
    for (const char* members : {R"("metrics":["count","sum:input_tokens"])",
                                R"("group_by":["tags.batch"],"limit":100000,"metrics":["count"])",
                                R"("group_by":["model"],"metrics":["count","sum:output_tokens"])"}) {
      integration::HttpResult result = Query(members);
      ASSERT_EQ(result.status, 200) << result.Describe();
      std::string error;
      auto quarantined = QuarantinedOf(result.body, &error);
      ASSERT_TRUE(quarantined.has_value()) << error;
      ASSERT_EQ(quarantined->size(), 1u) << members << ": " << result.body.substr(0, 600);
      EXPECT_NE((*quarantined)[0].file.find(file_name), std::string::npos) << (*quarantined)[0].file;
      EXPECT_EQ((*quarantined)[0].offset, static_cast<int64_t>(offset));
      // The events the answer leaves out, known from the footer unless the damage is in the
      // footer, the trailer or the header (then 0 = unknown).
      const bool footer_intact = GetParam() == Spot::kChunk || GetParam() == Spot::kIds;
      EXPECT_EQ((*quarantined)[0].rows, footer_intact ? rows : 0) << (*quarantined)[0].rows;
      EXPECT_FALSE((*quarantined)[0].what.empty());
    }
    auto contents = Contents();
    ASSERT_TRUE(contents.has_value());
    EXPECT_TRUE(MatchesLedger(*contents, Ledger()));
    // Spelled out for the WAL tail (generation c, never sealed): replay next to a quarantined
    // segment keeps it whole.
    for (const Batch& batch : batches_) {
      if (batch.key.rfind("s-c-", 0) != 0) continue;
      auto stored = contents->batches.find(batch.key);
      EXPECT_TRUE(stored != contents->batches.end() && stored->second.count == static_cast<int64_t>(batch.events))
          << "WAL-tail batch " << batch.key << " must be stored whole";
    }
    int64_t expected = 0;
    for (const Batch& batch : batches_) {
      if (batch.fate == Fate::kAcked) expected += static_cast<int64_t>(batch.events);
    }
    EXPECT_EQ(contents->total.count, expected) << "every event outside the damaged segment, once";
    EXPECT_EQ(client().Get("/api/analytics/overview?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z").status, 200);
  }

  std::vector<Batch> batches_;
};

TEST_P(SegmentCorruptionTest, FlippedByteQuarantinesTheSegmentAndServesTheRest) {
  std::mt19937_64 rng(FaultSeed());
  // Segments seal at 256K rows or on a clean stop (SIGTERM): two clean stops make two segments.
  // Compaction would merge them, but it only runs after a seal in the background or once a
  // minute, and each server here lives a few seconds; the MANIFEST is checked below.
  StartServer();
  ASSERT_NO_FATAL_FAILURE(SendGeneration("a", 5, rng));
  ASSERT_EQ(server_->Terminate(), 0) << server_->LogTail();
  ASSERT_TRUE(server_->Start());
  ASSERT_NO_FATAL_FAILURE(SendGeneration("b", 5, rng));
  ASSERT_EQ(server_->Terminate(), 0) << server_->LogTail();
  ASSERT_TRUE(server_->Start());
  ASSERT_NO_FATAL_FAILURE(SendGeneration("c", 4, rng));  // stays in the WAL tail
  server_->Kill();

  const fs::path segments_dir = server_->data_dir() / "segments";
  const std::vector<std::string> live = LiveSegments(segments_dir);
  ASSERT_EQ(live.size(), 2u) << "expected one segment per clean stop in " << segments_dir / "MANIFEST";
  const bool damage_first = std::uniform_int_distribution<int>(0, 1)(rng) == 0;
  const std::string damaged_generation = damage_first ? "a" : "b";
  const std::string damaged_name = live[damage_first ? 0 : 1];
  const fs::path damaged_path = segments_dir / damaged_name;
  auto layout = ParseSegment(ReadFileBytes(damaged_path));
  ASSERT_TRUE(layout.has_value()) << "cannot read the layout of " << damaged_path;
  ASSERT_EQ(layout->rows, static_cast<uint64_t>(EventsOf(damaged_generation)));
  ASSERT_EQ(layout->id_count, layout->rows);
  ASSERT_GT(layout->ids_size, 0u);
  ASSERT_EQ(layout->ids_offset + layout->ids_size, layout->footer_offset) << "ids · footer · trailer";
  ASSERT_FALSE(layout->chunks.empty());

  const Flip flip = ChooseFlip(GetParam(), *layout, rng);
  FlipByte(damaged_path, flip.at);
  const std::string damaged_bytes = ReadFileBytes(damaged_path);
  std::cout << "[ flip     ] " << damaged_name << " (generation " << damaged_generation << ", " << layout->rows
            << " rows, " << layout->size << " bytes) byte " << flip.at << ", to be reported at " << flip.reported
            << "\n";

  ASSERT_TRUE(server_->Restart()) << "the server must start with a damaged segment";
  ASSERT_NO_FATAL_FAILURE(ExpectReported(damaged_name, flip.reported));
  for (Batch& batch : batches_) {
    if (batch.key.rfind("s-" + damaged_generation + "-", 0) == 0) batch.fate = Fate::kRefused;  // not served
  }
  ASSERT_NO_FATAL_FAILURE(ExpectServedWithout(damaged_name, flip.reported, EventsOf(damaged_generation)));

  // Ingest goes on, and the new events are counted.
  ASSERT_NO_FATAL_FAILURE(SendGeneration("d", 3, rng));
  ASSERT_NO_FATAL_FAILURE(ExpectServedWithout(damaged_name, flip.reported, EventsOf(damaged_generation)));

  ASSERT_TRUE(server_->Restart());
  ASSERT_NO_FATAL_FAILURE(ExpectReported(damaged_name, flip.reported));
  const fs::path quarantined = server_->data_dir() / "quarantine" / damaged_name;
  EXPECT_FALSE(fs::exists(damaged_path)) << "the damaged segment must leave segments/";
  ASSERT_TRUE(fs::exists(quarantined)) << "the damaged segment must be kept in quarantine/";
  EXPECT_EQ(ReadFileBytes(quarantined), damaged_bytes) << "the damaged file must be kept byte for byte";
  EXPECT_EQ(LiveSegments(segments_dir).size(), 1u) << "the healthy segment stays live";
  ASSERT_NO_FATAL_FAILURE(ExpectServedWithout(damaged_name, flip.reported, EventsOf(damaged_generation)));
}

INSTANTIATE_TEST_SUITE_P(Spots, SegmentCorruptionTest,
                         ::testing::Values(Spot::kChunk, Spot::kIds, Spot::kFooter, Spot::kTrailerCrc,
                                           Spot::kTrailerMagic, Spot::kHeader),
                         [](const ::testing::TestParamInfo<Spot>& info) { return SpotName(info.param); });

}  // namespace
}  // namespace mltrack::fault
