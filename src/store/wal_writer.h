#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <sys/uio.h>
#include <string_view>

#include "core/file_sync.h"
#include "core/status.h"
#include "store/wal_format.h"

namespace mltrack::store {

struct WalWriterOptions {
  // A file is rotated before a group of records that would take it past this size (a single
  // group larger than this still goes into one file: records never span files).
  uint64_t file_bytes = wal::kDefaultFileBytes;

  // Test hook for disk-full and I/O faults. When set, it is called before every write(2) with
  // the number of bytes about to be written; a nonzero return (an errno value such as ENOSPC)
  // makes the writer write only half of those bytes and then fail with that errno, as a disk
  // that fills up in the middle of a record does.
  std::function<int(size_t bytes)> fault_hook;
};

// Appends records to the write-ahead log directory (format in wal_format.h, docs/wal_format.md).
//
// Not thread-safe: one caller at a time (the store's group-commit leader). A WalWriter owns
// its file descriptor; it never reads, and never touches files other than the one it appends
// to and the ones it creates on rotation.
class WalWriter {
 public:
  // Opens file `seq` in `dir` (which must exist) for appending at its current end, creating it
  // (and syncing the directory) when it does not exist. A caller that reuses an existing file
  // must first cut any torn tail off it (WalReader reports where the valid bytes end).
  // kIOError / kNoSpace when the file cannot be opened or created.
  static Result<std::unique_ptr<WalWriter>> Open(const std::filesystem::path& dir, uint64_t seq,
                                                 WalWriterOptions options = {});

  ~WalWriter();
  WalWriter(const WalWriter&) = delete;
  WalWriter& operator=(const WalWriter&) = delete;

  // Appends one record of type kEventBatch per payload, in order, then fdatasync()s once; OK
  // means every record is durable. All or nothing: on any failure the file is truncated back
  // to where it was before the call, so no record of the group can reappear after a restart,
  // and later calls work again once the cause is gone (kNoSpace: the disk was full; kIOError:
  // other write/sync errors). kInvalidArgument (nothing written) when a payload is larger than
  // wal::kMaxPayloadBytes. If even the truncation fails, the writer is broken: this and every
  // later call return kIOError.
  Status AppendGroup(std::span<const std::string_view> payloads);
  Status Append(std::string_view payload) { return AppendGroup({&payload, 1}); }

  // Moves to a new, empty file (seq + 1), so that every record written so far is in files
  // with seq <= the previous current_seq() (the store seals those rows and then deletes those
  // files). Errors as for a rotation: kIOError / kNoSpace; the writer stays on the old file.
  Status StartNewFile();

  // Syncs and closes the current file; later appends return kUnavailable. Idempotent.
  Status Close();

  uint64_t current_seq() const { return seq_; }
  // Bytes in the current file (its valid length).
  uint64_t current_offset() const { return offset_; }
  // Files this writer opened or created, counting the current one.
  uint64_t files_opened() const { return files_opened_; }
  // Bytes in files this writer rotated away from (already closed).
  uint64_t sealed_bytes() const { return sealed_bytes_; }

 private:
  WalWriter(std::filesystem::path dir, WalWriterOptions options)
      : dir_(std::move(dir)), options_(std::move(options)) {}

  Status OpenFile(uint64_t seq, bool must_create);
  Status Rotate();
  // Writes every byte of `pieces` at offset_ (advancing it); modifies `pieces` on the way.
  Status WriteAll(std::span<iovec> pieces);
  Status Rollback(uint64_t offset);

  std::filesystem::path dir_;
  WalWriterOptions options_;
  int fd_ = -1;
  uint64_t seq_ = 0;
  uint64_t offset_ = 0;
  uint64_t files_opened_ = 0;
  uint64_t sealed_bytes_ = 0;
  Status broken_;  // sticky once a rollback failed
  bool closed_ = false;
};

// Shortens `path` to `size` bytes and fsyncs it (used to cut a torn tail off the last file).
Status TruncateWalFile(const std::filesystem::path& path, uint64_t size);

// SyncDirectory and ErrnoToStatus: core/file_sync.h.

}  // namespace mltrack::store
