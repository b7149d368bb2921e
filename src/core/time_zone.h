#pragma once
// IANA time zones ("Europe/Berlin", "Asia/Kolkata") read from the system's zoneinfo files, for
// local-time buckets (query/time_bucket.h). GCC 12's libstdc++ has no std::chrono::tzdb, so this
// reads the compiled TZif files of Debian's `tzdata` package itself.
//
// File format (RFC 8536, versions 1, 2 and 3; "TZif", big-endian):
//   header: "TZif", version ('\0', '2', '3' or '4'), 15 unused bytes, then six uint32 counts:
//           isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
//   data:   timecnt transition times (int32 in the version-1 block, int64 in the second),
//           timecnt type indexes (uint8), typecnt local time types (int32 UT offset in seconds,
//           uint8 is-DST, uint8 abbreviation index), charcnt abbreviation bytes, leapcnt leap
//           records (time + int32 correction), isstdcnt and isutcnt indicator bytes;
//   v2+:    a second header and data block with 64-bit times, then the footer "\n<TZ>\n": a
//           POSIX TZ string (core/posix_tz_rule.h) for instants after the last transition.
// A version-1 file is read from its first block; later versions from the 64-bit block and the
// footer. Before the first transition, time type 0 applies (RFC 8536 §3.2). Files with leap
// seconds ("right/...") are refused: epoch ms here, as everywhere in MLtrack, ignore them.
// Every count, index, offset and the order of the transitions is checked; a bad file is an
// InvalidArgument, never a wrong offset.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/posix_tz_rule.h"
#include "core/status.h"

namespace mltrack {

// One zone: its UTC offsets through time. Immutable; thread-safe to share.
class TimeZone {
 public:
  // A stretch of time with one UTC offset: from `start_ms` (inclusive) to the next span.
  struct Span {
    int64_t start_ms = 0;
    int32_t offset_s = 0;  // seconds east of UTC
  };

  // The zone `name` from /usr/share/zoneinfo (or the directory in the environment variable
  // TZDIR), read once per process and then shared (thread-safe cache; failures are not
  // cached). InvalidArgument naming field `tz` when the name is malformed (only letters,
  // digits, '_', '+', '-' and '/'-separated parts; no ".", ".." or empty part, no leading '/':
  // a name never leaves the zoneinfo directory), not a zone ("localtime", "posixrules", a
  // directory, a missing file) or the file is damaged.
  static Result<std::shared_ptr<const TimeZone>> Load(std::string_view name);

  // The zone described by the bytes of a TZif file (no cache); InvalidArgument naming `tz`.
  static Result<std::shared_ptr<const TimeZone>> FromTzif(std::string name, std::string_view bytes);

  const std::string& name() const { return name_; }
  // True when the offset is 0 at every instant (UTC, Etc/UTC, Zulu, ...).
  bool IsUtc() const { return is_utc_; }

  // The UTC offset in seconds east of UTC at the instant `epoch_ms`.
  int32_t OffsetAt(int64_t epoch_ms) const;

  // The offsets over [from_ms, to_ms): the first span starts at from_ms, each later one at an
  // instant where the offset changes (changes of abbreviation or DST flag alone are merged).
  // At least one span, also for an empty range.
  std::vector<Span> Spans(int64_t from_ms, int64_t to_ms) const;

 private:
  TimeZone() = default;

  std::string name_;
  std::vector<int64_t> transitions_ms_;  // ascending
  std::vector<int32_t> offsets_s_;       // offset from transitions_ms_[i] on
  int32_t initial_offset_s_ = 0;        // before the first transition (time type 0)
  std::optional<PosixTzRule> rule_;     // after the last transition (or always, without any)
  bool is_utc_ = false;
};

}  // namespace mltrack
