#pragma once
// Where a segment's bytes go, per column, read from its footer alone (no chunk is read): what
// `mltrack inspect` prints (docs/operations.md, "Inspecting a store").

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "core/status.h"

namespace mltrack::store {

struct ColumnBytes {
  uint64_t stored = 0;   // on disk (compressed)
  uint64_t decoded = 0;  // in memory once decoded (local id columns and footer sections: as stored)
  uint64_t chunks = 0;
};

struct SegmentBytes {
  uint64_t rows = 0;
  uint64_t file_bytes = 0;
  // By part: "ts", a field name ("model", "cost_usd", ...), "tags", "scores", "<field> table"
  // (a local string table), "ids" (the id section), "block summaries", "value slices" and
  // "string filters" (sections of the footer, versions 3 and 4), "footer" (the rest of the
  // footer, header and trailer).
  std::map<std::string, ColumnBytes> parts;

  void Add(const SegmentBytes& other);
};

// kCorruption / kIOError as Segment::Open reports them for the header, trailer and footer.
Result<SegmentBytes> InspectSegment(const std::filesystem::path& path);

}  // namespace mltrack::store
