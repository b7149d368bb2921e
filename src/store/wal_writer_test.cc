#include "store/wal_writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <vector>

#include "store/wal_reader.h"

namespace mltrack::store {
namespace {

class WalWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mltrack_wal_writer_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Every payload in the log, oldest first; fails the test on any corruption.
  std::vector<std::string> ReadLog() {
    std::vector<std::string> out;
    auto files = ListWalFiles(dir_);
    EXPECT_TRUE(files.ok()) << files.status().ToString();
    for (size_t file_idx = 0; file_idx < files->size(); ++file_idx) {
      auto reader = WalReader::Open((*files)[file_idx].path, file_idx + 1 == files->size());
      EXPECT_TRUE(reader.ok());
      WalRecord record;
      while (true) {
        Result<bool> more = (*reader)->Next(&record);
        EXPECT_TRUE(more.ok()) << more.status().ToString();
        if (!more.ok() || !*more) break;
        out.emplace_back(record.payload);
      }
    }
    return out;
  }

  std::filesystem::path dir_;
};

TEST_F(WalWriterTest, AppendsAndRotatesAtSizeLimit) {
  WalWriterOptions options;
  options.file_bytes = 100;
  auto writer = WalWriter::Open(dir_, 1, options);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  std::vector<std::string> expected;
  for (int rec_idx = 0; rec_idx < 20; ++rec_idx) {
    expected.push_back("record-" + std::to_string(rec_idx) + std::string(rec_idx * 3, 'x'));
    ASSERT_TRUE((*writer)->Append(expected.back()).ok());
  }
  // A record bigger than the limit still fits in one (oversized) file.
  expected.push_back(std::string(500, 'b'));
  ASSERT_TRUE((*writer)->Append(expected.back()).ok());
  ASSERT_TRUE((*writer)->Close().ok());

  auto files = ListWalFiles(dir_);
  ASSERT_TRUE(files.ok());
  EXPECT_GT(files->size(), 5u);
  EXPECT_EQ((*writer)->files_opened(), files->size());
  uint64_t total = 0;
  for (size_t file_idx = 0; file_idx < files->size(); ++file_idx) {
    EXPECT_EQ((*files)[file_idx].seq, file_idx + 1);
    total += (*files)[file_idx].bytes;
  }
  EXPECT_EQ(total, (*writer)->sealed_bytes() + (*writer)->current_offset());
  EXPECT_EQ(ReadLog(), expected);
}

TEST_F(WalWriterTest, ReopenContinuesExistingFile) {
  {
    auto writer = WalWriter::Open(dir_, 7);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Append("one").ok());
  }
  auto writer = WalWriter::Open(dir_, 7);
  ASSERT_TRUE(writer.ok());
  EXPECT_EQ((*writer)->current_offset(), wal::kHeaderSize + 3);
  ASSERT_TRUE((*writer)->Append("two").ok());
  EXPECT_EQ(ReadLog(), (std::vector<std::string>{"one", "two"}));
}

TEST_F(WalWriterTest, GroupIsOneCallAndAllRecordsArrive) {
  auto writer = WalWriter::Open(dir_, 1);
  ASSERT_TRUE(writer.ok());
  std::vector<std::string_view> group = {"a", "", "ccc"};
  ASSERT_TRUE((*writer)->AppendGroup(group).ok());
  EXPECT_EQ(ReadLog(), (std::vector<std::string>{"a", "", "ccc"}));
}

TEST_F(WalWriterTest, NoSpaceLeavesFileUnchangedAndLaterAppendsWork) {
  bool disk_full = false;
  WalWriterOptions options;
  options.fault_hook = [&](size_t) { return disk_full ? ENOSPC : 0; };
  auto writer = WalWriter::Open(dir_, 1, options);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append("before").ok());
  const uint64_t size_before = std::filesystem::file_size(dir_ / wal::FileName(1));

  disk_full = true;
  std::vector<std::string_view> group = {"lost-1", std::string_view("lost-2-longer-payload")};
  Status status = (*writer)->AppendGroup(group);
  EXPECT_EQ(status.code(), StatusCode::kNoSpace) << status.ToString();
  EXPECT_EQ(std::filesystem::file_size(dir_ / wal::FileName(1)), size_before);
  EXPECT_EQ((*writer)->current_offset(), size_before);

  disk_full = false;
  ASSERT_TRUE((*writer)->Append("after").ok());
  EXPECT_EQ(ReadLog(), (std::vector<std::string>{"before", "after"}));
}

// A group of more records than one pwritev takes (IOV_MAX pieces) arrives whole and in order;
// a disk that fills during its second write leaves the file as it was before the group.
TEST_F(WalWriterTest, GroupLargerThanOneWriteCallArrivesWholeOrNotAtAll) {
  int writes = 0;
  int fail_at = -1;
  std::vector<size_t> sizes;
  WalWriterOptions options;
  options.fault_hook = [&](size_t bytes) {
    sizes.push_back(bytes);
    return writes++ == fail_at ? ENOSPC : 0;
  };
  auto writer = WalWriter::Open(dir_, 1, options);
  ASSERT_TRUE(writer.ok());
  std::vector<std::string> payloads;
  for (int payload_idx = 0; payload_idx < 1500; ++payload_idx) payloads.push_back("p" + std::to_string(payload_idx));
  std::vector<std::string_view> group(payloads.begin(), payloads.end());
  ASSERT_TRUE((*writer)->AppendGroup(group).ok());
  EXPECT_EQ(ReadLog(), payloads);
  ASSERT_GE(sizes.size(), 2u);  // 3000 pieces: at least two calls
  const uint64_t size_before = std::filesystem::file_size(dir_ / wal::FileName(1));

  writes = 0;
  fail_at = 1;
  Status status = (*writer)->AppendGroup(group);
  EXPECT_EQ(status.code(), StatusCode::kNoSpace) << status.ToString();
  EXPECT_EQ(std::filesystem::file_size(dir_ / wal::FileName(1)), size_before);
  fail_at = -1;
  ASSERT_TRUE((*writer)->Append("after").ok());
  std::vector<std::string> expected = payloads;
  expected.push_back("after");
  EXPECT_EQ(ReadLog(), expected);
}

TEST_F(WalWriterTest, OversizedPayloadIsRejectedBeforeWriting) {
  auto writer = WalWriter::Open(dir_, 1);
  ASSERT_TRUE(writer.ok());
  std::string huge(wal::kMaxPayloadBytes + 1, 'h');
  EXPECT_EQ((*writer)->Append(huge).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*writer)->current_offset(), 0u);
}

TEST_F(WalWriterTest, AppendAfterCloseIsUnavailable) {
  auto writer = WalWriter::Open(dir_, 1);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Close().ok());
  EXPECT_TRUE((*writer)->Close().ok());
  EXPECT_EQ((*writer)->Append("x").code(), StatusCode::kUnavailable);
}

TEST(WalFormatTest, FileNames) {
  EXPECT_EQ(wal::FileName(42), "wal-0000000000000042.log");
  EXPECT_EQ(wal::ParseFileName("wal-0000000000000042.log"), 42u);
  EXPECT_EQ(wal::ParseFileName("wal-000000000000042.log"), std::nullopt);
  EXPECT_EQ(wal::ParseFileName("wal-00000000000000x2.log"), std::nullopt);
  EXPECT_EQ(wal::ParseFileName("wal-0000000000000042.tmp"), std::nullopt);
  EXPECT_EQ(wal::ParseFileName("segment-1.seg"), std::nullopt);
}

}  // namespace
}  // namespace mltrack::store
