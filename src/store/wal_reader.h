#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/wal_format.h"

namespace mltrack::store {

struct WalRecord {
  wal::RecordType type = wal::RecordType::kEventBatch;
  std::string_view payload;  // valid until the reader is destroyed
  uint64_t offset = 0;       // byte offset of the record header in its file
};

// Reads the records of one WAL file, in order, verifying each (rules in docs/wal_format.md).
//
// End of file and torn tail: when the reader is told that this is the newest file of the log
// (`tail_may_be_torn`), an incomplete record at the end (a header or payload that extends past
// EOF, or an all-zero tail) is what a crash during the last, unacknowledged append leaves; the
// reader stops there without error and reports it through torn_tail() and valid_bytes(), and
// the caller cuts the file back with TruncateWalFile. In any other file, and for every complete
// record, damage is corruption.
//
// Corruption: a checksum mismatch on a complete record, a length over wal::kMaxPayloadBytes, an
// unknown record type, or a torn record in a file that is not the newest. Next() returns
// kCorruption whose message names the file and byte offset (also in corruption_offset()), and
// keeps returning it: the reader never guesses where the next record starts.
//
// Not thread-safe. The file is read into memory at Open (not mapped), so another process that
// truncates or overwrites it meanwhile cannot crash the reader (no SIGBUS).
class WalReader {
 public:
  static Result<std::unique_ptr<WalReader>> Open(const std::filesystem::path& path,
                                                 bool tail_may_be_torn);
  ~WalReader();
  WalReader(const WalReader&) = delete;
  WalReader& operator=(const WalReader&) = delete;

  // true: `record` holds the next record. false: the end of the file (or of its valid part).
  // kCorruption as above.
  Result<bool> Next(WalRecord* record);

  const std::filesystem::path& path() const { return path_; }
  uint64_t file_bytes() const { return size_; }
  // End of the last good record returned so far.
  uint64_t valid_bytes() const { return offset_; }
  // Whether Next() stopped at a tolerated torn tail (file_bytes() > valid_bytes()).
  bool torn_tail() const { return torn_tail_; }
  uint64_t corruption_offset() const { return corruption_offset_; }

 private:
  WalReader(std::filesystem::path path, bool tail_may_be_torn)
      : path_(std::move(path)), tail_may_be_torn_(tail_may_be_torn) {}

  Status Fail(uint64_t offset, const std::string& what);
  bool RestIsZero(uint64_t from) const;

  std::filesystem::path path_;
  bool tail_may_be_torn_;
  std::string buffer_;           // the whole file as read at Open
  const char* data_ = nullptr;  // buffer_.data()
  uint64_t size_ = 0;
  uint64_t offset_ = 0;
  bool torn_tail_ = false;
  bool at_end_ = false;
  Status corruption_;
  uint64_t corruption_offset_ = 0;
};

struct WalFile {
  uint64_t seq = 0;
  std::filesystem::path path;
  uint64_t bytes = 0;
};

// The WAL files in `dir`, oldest first. Other names are ignored. kIOError when the directory
// cannot be listed (a missing directory is an empty log, not an error).
Result<std::vector<WalFile>> ListWalFiles(const std::filesystem::path& dir);

}  // namespace mltrack::store
