#include "store/wal_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/crc32c.h"
#include "store/wal_writer.h"

namespace mltrack::store {
namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

struct ReadOutcome {
  std::vector<std::string> payloads;
  Status status;  // first non-OK status from Next()
  bool torn_tail = false;
  uint64_t valid_bytes = 0;
  uint64_t corruption_offset = 0;
};

ReadOutcome ReadWal(const std::filesystem::path& path, bool tail_may_be_torn) {
  ReadOutcome outcome;
  auto reader = WalReader::Open(path, tail_may_be_torn);
  if (!reader.ok()) {
    outcome.status = reader.status();
    return outcome;
  }
  WalRecord record;
  while (true) {
    Result<bool> more = (*reader)->Next(&record);
    if (!more.ok()) {
      outcome.status = more.status();
      // Corruption is sticky: the reader does not guess its way past it.
      EXPECT_FALSE((*reader)->Next(&record).ok());
      break;
    }
    if (!*more) break;
    outcome.payloads.emplace_back(record.payload);
  }
  outcome.torn_tail = (*reader)->torn_tail();
  outcome.valid_bytes = (*reader)->valid_bytes();
  outcome.corruption_offset = (*reader)->corruption_offset();
  return outcome;
}

class WalReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mltrack_wal_reader_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes three records into file 1 and returns the byte offset at which each starts.
  std::vector<uint64_t> WriteThree() {
    auto writer = WalWriter::Open(dir_, 1);
    EXPECT_TRUE(writer.ok());
    std::vector<uint64_t> offsets;
    for (const std::string& payload : payloads_) {
      offsets.push_back((*writer)->current_offset());
      EXPECT_TRUE((*writer)->Append(payload).ok());
    }
    offsets.push_back((*writer)->current_offset());
    return offsets;
  }

  std::filesystem::path file() const { return dir_ / wal::FileName(1); }

  std::filesystem::path dir_;
  const std::vector<std::string> payloads_ = {"first payload", "second, the middle one",
                                              "third and last"};
};

TEST_F(WalReaderTest, ReadsEveryRecordWithOffsets) {
  std::vector<uint64_t> offsets = WriteThree();
  auto reader = WalReader::Open(file(), false);
  ASSERT_TRUE(reader.ok());
  WalRecord record;
  for (size_t rec_idx = 0; rec_idx < payloads_.size(); ++rec_idx) {
    Result<bool> more = (*reader)->Next(&record);
    ASSERT_TRUE(more.ok() && *more);
    EXPECT_EQ(record.payload, payloads_[rec_idx]);
    EXPECT_EQ(record.offset, offsets[rec_idx]);
    EXPECT_EQ(record.type, wal::RecordType::kEventBatch);
  }
  Result<bool> more = (*reader)->Next(&record);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
  EXPECT_FALSE((*reader)->torn_tail());
  EXPECT_EQ((*reader)->valid_bytes(), offsets.back());
}

// Another process truncates (then overwrites) the file while a reader is open: a mapped file
// would end this process with SIGBUS at the next read; the reader holds what it read at Open.
TEST_F(WalReaderTest, FileTruncatedAndOverwrittenWhileOpenDoesNotCrash) {
  std::vector<uint64_t> offsets = WriteThree();
  auto reader = WalReader::Open(file(), true);
  ASSERT_TRUE(reader.ok());
  ASSERT_EQ(::truncate(file().c_str(), 0), 0);
  WriteFile(file(), std::string(3, 'x'));
  WalRecord record;
  for (const std::string& payload : payloads_) {
    Result<bool> more = (*reader)->Next(&record);
    ASSERT_TRUE(more.ok() && *more);
    EXPECT_EQ(record.payload, payload);
  }
  EXPECT_EQ((*reader)->valid_bytes(), offsets.back());
  // A reader opened after the damage sees the new contents: a torn header, not a crash.
  ReadOutcome after = ReadWal(file(), true);
  EXPECT_TRUE(after.status.ok());
  EXPECT_TRUE(after.payloads.empty());
  EXPECT_TRUE(after.torn_tail);
}

TEST_F(WalReaderTest, EmptyFileIsEmptyLog) {
  WriteFile(file(), "");
  ReadOutcome outcome = ReadWal(file(), false);
  EXPECT_TRUE(outcome.status.ok());
  EXPECT_TRUE(outcome.payloads.empty());
}

// A crash can cut the newest file at any byte of the record being written: every cut inside the
// last record must read as "two records, then a torn tail", never as corruption.
TEST_F(WalReaderTest, TornTailAtEveryOffsetOfLastRecord) {
  std::vector<uint64_t> offsets = WriteThree();
  const std::string full = ReadFile(file());
  for (uint64_t cut = offsets[2]; cut < offsets[3]; ++cut) {
    WriteFile(file(), full.substr(0, cut));
    ReadOutcome outcome = ReadWal(file(), /*tail_may_be_torn=*/true);
    ASSERT_TRUE(outcome.status.ok()) << "cut at " << cut << ": " << outcome.status.ToString();
    EXPECT_EQ(outcome.payloads, std::vector<std::string>(payloads_.begin(), payloads_.begin() + 2))
        << "cut at " << cut;
    EXPECT_EQ(outcome.torn_tail, cut != offsets[2]) << "cut at " << cut;
    EXPECT_EQ(outcome.valid_bytes, offsets[2]);

    // After the caller truncates the tail the file reads cleanly and can be appended to.
    ASSERT_TRUE(TruncateWalFile(file(), outcome.valid_bytes).ok());
    auto writer = WalWriter::Open(dir_, 1);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Append("appended").ok());
    ReadOutcome again = ReadWal(file(), false);
    ASSERT_TRUE(again.status.ok()) << again.status.ToString();
    EXPECT_EQ(again.payloads.size(), 3u);
    EXPECT_EQ(again.payloads.back(), "appended");
  }
}

TEST_F(WalReaderTest, TornRecordInOlderFileIsCorruption) {
  std::vector<uint64_t> offsets = WriteThree();
  const std::string full = ReadFile(file());
  WriteFile(file(), full.substr(0, offsets[2] + 5));
  ReadOutcome outcome = ReadWal(file(), /*tail_may_be_torn=*/false);
  EXPECT_EQ(outcome.status.code(), StatusCode::kCorruption);
  EXPECT_EQ(outcome.corruption_offset, offsets[2]);
  EXPECT_EQ(outcome.payloads.size(), 2u);
}

TEST_F(WalReaderTest, AllZeroTailIsEndOfLog) {
  std::vector<uint64_t> offsets = WriteThree();
  WriteFile(file(), ReadFile(file()) + std::string(4096, '\0'));
  ReadOutcome outcome = ReadWal(file(), true);
  EXPECT_TRUE(outcome.status.ok()) << outcome.status.ToString();
  EXPECT_EQ(outcome.payloads, payloads_);
  EXPECT_TRUE(outcome.torn_tail);
  EXPECT_EQ(outcome.valid_bytes, offsets[3]);

  // A zero header followed by data is not a tail.
  WriteFile(file(), ReadFile(file()) + "junk");
  outcome = ReadWal(file(), true);
  EXPECT_EQ(outcome.status.code(), StatusCode::kCorruption);
  EXPECT_EQ(outcome.corruption_offset, offsets[3]);
}

// Flipping any byte of the middle record (header or payload) is mid-log corruption at that
// record's offset; the record before it is kept.
TEST_F(WalReaderTest, FlippedByteInMiddleRecordIsCorruption) {
  std::vector<uint64_t> offsets = WriteThree();
  const std::string full = ReadFile(file());
  for (uint64_t pos = offsets[1]; pos < offsets[2]; ++pos) {
    std::string damaged = full;
    damaged[pos] = static_cast<char>(damaged[pos] ^ 0x40);
    WriteFile(file(), damaged);
    ReadOutcome outcome = ReadWal(file(), /*tail_may_be_torn=*/true);
    ASSERT_EQ(outcome.status.code(), StatusCode::kCorruption) << "flip at " << pos;
    EXPECT_EQ(outcome.corruption_offset, offsets[1]) << "flip at " << pos;
    EXPECT_NE(outcome.status.message().find(wal::FileName(1)), std::string::npos)
        << outcome.status.message();
    EXPECT_NE(outcome.status.message().find("offset " + std::to_string(offsets[1])),
              std::string::npos)
        << outcome.status.message();
    EXPECT_EQ(outcome.payloads, std::vector<std::string>{payloads_[0]}) << "flip at " << pos;
  }
}

TEST_F(WalReaderTest, ImpossibleLengthIsCorruptionEvenInNewestFile) {
  std::vector<uint64_t> offsets = WriteThree();
  std::string damaged = ReadFile(file());
  // A length flipped on its own fails the header checksum...
  wal::EncodeFixed32(damaged.data() + offsets[2] + 4, wal::kMaxPayloadBytes + 1);
  WriteFile(file(), damaged);
  ReadOutcome flipped = ReadWal(file(), /*tail_may_be_torn=*/true);
  EXPECT_EQ(flipped.status.code(), StatusCode::kCorruption);
  EXPECT_EQ(flipped.corruption_offset, offsets[2]);
  // ...and one whose header checksum agrees (a writer bug) is still refused, not skipped.
  char* header = damaged.data() + offsets[2];
  wal::EncodeFixed32(header + wal::kHeaderCrcOffset,
                     crc32c::Mask(crc32c::Value(header, wal::kHeaderCrcOffset)));
  WriteFile(file(), damaged);
  ReadOutcome outcome = ReadWal(file(), /*tail_may_be_torn=*/true);
  EXPECT_EQ(outcome.status.code(), StatusCode::kCorruption);
  EXPECT_NE(outcome.status.message().find("impossible record length"), std::string::npos);
  EXPECT_EQ(outcome.corruption_offset, offsets[2]);
  EXPECT_EQ(outcome.payloads.size(), 2u);
}

TEST_F(WalReaderTest, UnknownTypeWithValidChecksumIsCorruption) {
  std::string record(wal::kHeaderSize, '\0');
  const std::string payload = "future record";
  wal::EncodeHeaderRaw(record.data(), 9, payload);
  WriteFile(file(), record + payload);
  ReadOutcome outcome = ReadWal(file(), true);
  EXPECT_EQ(outcome.status.code(), StatusCode::kCorruption);
  EXPECT_NE(outcome.status.message().find("unknown record type 9"), std::string::npos);
}

TEST_F(WalReaderTest, ListsOnlyWalFilesInOrder) {
  for (uint64_t seq : {3, 1, 20}) WriteFile(dir_ / wal::FileName(seq), "");
  WriteFile(dir_ / "notes.txt", "x");
  auto files = ListWalFiles(dir_);
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 3u);
  EXPECT_EQ((*files)[0].seq, 1u);
  EXPECT_EQ((*files)[1].seq, 3u);
  EXPECT_EQ((*files)[2].seq, 20u);
  auto missing = ListWalFiles(dir_ / "nope");
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE(missing->empty());
}

}  // namespace
}  // namespace mltrack::store
