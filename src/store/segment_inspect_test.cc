#include "store/segment_inspect.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "store/memtable.h"
#include "store/segment_footer.h"
#include "store/segment_format.h"
#include "store/segment_ids.h"
#include "store/segment_writer.h"

namespace mltrack::store {
namespace {

class SegmentInspectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mltrack_inspect_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // 70,000 events (two blocks) with a model, a trace id, one ms apart, and their ids.
  std::filesystem::path Write() {
    std::vector<Event> events;
    std::vector<IdKey> ids;
    for (size_t idx = 0; idx < 70'000; ++idx) {
      Event event;
      event.id = "id-" + std::to_string(idx);
      event.ts_ms = 1'700'000'000'000 + static_cast<int64_t>(idx);
      event.model = idx % 3 == 0 ? "gpt-4o" : "claude";
      event.trace_id = "trace-" + std::to_string(idx / 4);
      event.input_tokens = static_cast<int64_t>(idx % 1000);
      ids.push_back(HashId(event.id));
      events.push_back(std::move(event));
    }
    memtable_.Append(events);
    auto snapshot = memtable_.Snapshot();
    const std::filesystem::path path = dir_ / segment::FileName(1);
    EXPECT_TRUE(WriteSegment(path, snapshot->blocks(), snapshot->local_columns(), ids, {}).ok());
    return path;
  }

  Memtable memtable_;
  std::filesystem::path dir_;
};

TEST_F(SegmentInspectTest, EveryByteOfTheFileIsInOnePart) {
  const std::filesystem::path path = Write();
  Result<SegmentBytes> bytes = InspectSegment(path);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_EQ(bytes->rows, 70'000u);
  EXPECT_EQ(bytes->file_bytes, std::filesystem::file_size(path));
  uint64_t stored = 0;
  for (const auto& [name, part] : bytes->parts) stored += part.stored;
  EXPECT_EQ(stored, bytes->file_bytes);
  // Two blocks: a ts and a model chunk each; ts decodes to a uint32 offset per row.
  EXPECT_EQ(bytes->parts.at("ts").chunks, 2u);
  EXPECT_EQ(bytes->parts.at("ts").decoded, 70'000u * 4);
  EXPECT_EQ(bytes->parts.at("model").chunks, 2u);
  EXPECT_EQ(bytes->parts.at("model").decoded, 70'000u);  // one byte per row
  EXPECT_EQ(bytes->parts.at("trace_id table").chunks, 1u);
  EXPECT_EQ(bytes->parts.at("ids").stored, segment::IdSection::SizeFor(segment::kFooterVersion, 70'000));
  EXPECT_EQ(bytes->parts.count("user"), 0u);  // a column no row has is not stored

  SegmentBytes twice = *bytes;
  twice.Add(*bytes);
  EXPECT_EQ(twice.rows, 140'000u);
  EXPECT_EQ(twice.parts.at("ts").stored, 2 * bytes->parts.at("ts").stored);
}

TEST_F(SegmentInspectTest, DamageIsCorruptionWithItsOffset) {
  const std::filesystem::path path = Write();
  const uint64_t size = std::filesystem::file_size(path);
  std::filesystem::resize_file(path, size - 1);  // the trailer magic loses its last byte
  Result<SegmentBytes> bytes = InspectSegment(path);
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.status().code(), StatusCode::kCorruption);
  EXPECT_NE(bytes.status().message().find("at byte " + std::to_string(size - 1 - segment::kTrailerSize + 16)),
            std::string::npos)
      << bytes.status().message();
  EXPECT_EQ(InspectSegment(dir_ / "missing.mlseg").status().code(), StatusCode::kIOError);
}

TEST(SegmentFooterTest, TrailerAndFooterChecksNameTheirByte) {
  segment::Trailer trailer;
  segment::Damage damage;
  std::string bytes(segment::kTrailerSize, '\0');
  bytes.replace(16, 8, segment::kTrailerMagic);
  // Footer offset 0 lies before the header's end.
  EXPECT_FALSE(segment::DecodeTrailer(bytes, 1000, &trailer, &damage));
  EXPECT_EQ(damage.offset, 1000 - segment::kTrailerSize);
  EXPECT_EQ(damage.what, "footer position out of range");

  segment::Footer footer;
  const std::string unknown_version(1, static_cast<char>(segment::kFooterVersion + 1));
  EXPECT_FALSE(segment::DecodeFooter(unknown_version, 500, &footer, &damage));
  EXPECT_EQ(damage.what, "unknown footer version");
  EXPECT_EQ(damage.offset, 501u);  // after the version byte
  std::string truncated(1, static_cast<char>(segment::kFooterVersion));
  segment::PutVarint(&truncated, 10);  // rows, then nothing
  EXPECT_FALSE(segment::DecodeFooter(truncated, 500, &footer, &damage));
  EXPECT_EQ(damage.what, "truncated footer");
}

}  // namespace
}  // namespace mltrack::store
