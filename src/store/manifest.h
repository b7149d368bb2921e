#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/table_snapshot.h"

namespace mltrack::store {

// The list of live segments (docs/segment_format.md, "Manifest"): <data>/segments/MANIFEST, a
// small text file replaced atomically (write MANIFEST.tmp, fsync, rename, fsync directory), so
// a reader sees the old list or the new one, never a mix. A segment file not named here is not
// part of the table (a seal that crashed before its manifest update) and is deleted at open.
struct Manifest {
  // Every WAL file with seq <= wal_sealed holds only rows that are in the segments below (or
  // were dropped by retention); recovery skips and deletes them.
  uint64_t wal_sealed = 0;
  uint64_t next_segment = 1;
  std::vector<std::string> segments;  // file names in <data>/segments/, oldest rows first
  // Segments found damaged and moved to <data>/quarantine/; kept so every start reports them.
  std::vector<QuarantinedSegment> quarantined;
};

// Reads <dir>/MANIFEST; nullopt when there is none (a new store). kCorruption when its
// checksum or syntax fails (the store then refuses to open rather than guess which segments
// are live); kIOError when it cannot be read.
Result<std::optional<Manifest>> ReadManifest(const std::filesystem::path& dir);

// Atomically replaces <dir>/MANIFEST. kNoSpace / kIOError leave the old manifest in place.
Status WriteManifest(const std::filesystem::path& dir, const Manifest& manifest,
                     const std::function<int(size_t)>& fault_hook = {});

}  // namespace mltrack::store
