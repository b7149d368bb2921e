#pragma once
// The durable list of saved reports (report.h) in the data directory: one small checksummed
// text file, <data>/REPORTS, replaced atomically on every change (store/checked_file.h), so an
// acknowledged change survives a crash and a damaged file is refused, never half-read.
// Byte layout and recovery rules: docs/reports_format.md.
//
// Thread-safe: any number of threads may create, update, remove and read at once; a change is
// durable (fsynced and renamed into place) before the call returns.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "analytics/report.h"
#include "core/status.h"

namespace mltrack::analytics {

class ReportStore {
 public:
  // At most this many reports are kept; Create beyond it is InvalidArgument.
  static constexpr size_t kMaxReports = 1'000;

  // Opens (or starts) the list in `dir`, which must exist. kCorruption when the file fails its
  // checksum or cannot be parsed: the server then refuses to start rather than lose the list on
  // its next write (move the file away to start afresh). kIOError when it cannot be read.
  static Result<std::unique_ptr<ReportStore>> Open(const std::filesystem::path& dir);

  ReportStore(const ReportStore&) = delete;
  ReportStore& operator=(const ReportStore&) = delete;

  // Stores a report from a complete `change` (name, chart and spec all set) with a new id, and
  // returns it as stored. On an I/O error (kIOError, kNoSpace) nothing changes.
  Result<Report> Create(const ReportChange& change, int64_t now_ms);

  // Applies the fields set in `change` to report `id`; kNotFound when there is none. On an I/O
  // error nothing changes.
  Result<Report> Update(int64_t id, const ReportChange& change, int64_t now_ms);

  // Removes report `id`; kNotFound when there is none. On an I/O error nothing changes.
  Status Remove(int64_t id);

  std::optional<Report> Get(int64_t id) const;

  // Every report, most recently updated first (ties: higher id first).
  std::vector<Report> List() const;

 private:
  explicit ReportStore(std::filesystem::path path) : path_(std::move(path)) {}
  // Writes `reports` and `next_id` as the new file and, when that worked, makes them current;
  // the caller holds mutex_.
  Status Commit(std::vector<Report> reports, int64_t next_id);

  const std::filesystem::path path_;
  mutable std::mutex mutex_;
  std::vector<Report> reports_;  // by id (= creation order)
  int64_t next_id_ = 1;
};

}  // namespace mltrack::analytics
