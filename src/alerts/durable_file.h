#pragma once
// The two ways spend-control state lives in the data directory (docs/alerts_format.md):
//
// - a checksummed document, replaced atomically (write <name>.tmp, fsync, rename, fsync the
//   directory), so a reader sees the old version or the new one, never a mix, after a SIGKILL
//   or a crash at any moment (budget and webhook definitions);
// - a record log, one checksummed line per record, appended and fdatasync'ed before the caller
//   goes on (fired alerts, delivered webhooks). A torn last line (a crash while appending) is
//   the end of the log and is cut off at open; a damaged line elsewhere is skipped and reported.
//
// Checksums are the first 16 hex digits of the SHA-256 of the covered bytes (OpenSSL).

#include <cstdint>
#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace mltrack::alerts {

// "sha256" of `data`, the first 16 hex digits.
std::string ShortDigest(std::string_view data);

// Replaces `path` with `body` plus a checksum line. kNoSpace / kIOError leave the old file.
Status WriteDocument(const std::filesystem::path& path, std::string_view body);

// The body of a document written by WriteDocument; nullopt when the file does not exist.
// kCorruption when its checksum fails (the caller refuses to start rather than lose state).
Result<std::optional<std::string>> ReadDocument(const std::filesystem::path& path);

// An append-only log of checksummed one-line records. Thread-safe.
class RecordLog {
 public:
  // Opens (creating when missing) the log at `path` and reads its records into `records`.
  // Damaged lines in the middle are skipped and listed in `problems`; a torn tail is cut off.
  static Result<std::unique_ptr<RecordLog>> Open(const std::filesystem::path& path,
                                                 std::vector<std::string>* records,
                                                 std::vector<std::string>* problems);
  ~RecordLog();
  RecordLog(const RecordLog&) = delete;
  RecordLog& operator=(const RecordLog&) = delete;

  // Appends one record (must not contain a newline) and fdatasyncs before returning.
  Status Append(std::string_view record);

 private:
  RecordLog(std::filesystem::path path, int fd, off_t size) : path_(std::move(path)), fd_(fd), size_(size) {}

  std::filesystem::path path_;
  int fd_ = -1;
  off_t size_ = 0;  // bytes of whole records
  std::mutex mutex_;
};

}  // namespace mltrack::alerts
