#include "store/segment_inspect.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string_view>
#include <utility>

#include "core/field.h"
#include "core/file_sync.h"
#include "store/segment_footer.h"

namespace mltrack::store {
namespace {

std::string PartName(const segment::ColumnRef& column) {
  switch (column.kind) {
    case segment::ChunkKind::kTs:
      return "ts";
    case segment::ChunkKind::kField:
      return std::string(GetFieldInfo(static_cast<FieldId>(column.index)).name);
    case segment::ChunkKind::kTag:
      return "tags";
    case segment::ChunkKind::kScore:
      return "scores";
  }
  return "?";
}

}  // namespace

void SegmentBytes::Add(const SegmentBytes& other) {
  rows += other.rows;
  file_bytes += other.file_bytes;
  for (const auto& [name, bytes] : other.parts) {
    ColumnBytes& sum = parts[name];
    sum.stored += bytes.stored;
    sum.decoded += bytes.decoded;
    sum.chunks += bytes.chunks;
  }
}

Result<SegmentBytes> InspectSegment(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoToStatus(errno, "open " + path.string());
  struct stat info;
  if (::fstat(fd, &info) != 0) {
    const int err = errno;
    ::close(fd);
    return ErrnoToStatus(err, "stat " + path.string());
  }
  SegmentBytes out;
  out.file_bytes = static_cast<uint64_t>(info.st_size);
  std::string footer_bytes;
  segment::Footer footer;
  uint64_t corrupt_offset = 0;
  Status read = segment::ReadFooter(fd, path, out.file_bytes, &footer_bytes, &footer, &corrupt_offset);
  ::close(fd);
  if (!read.ok()) return read;
  out.rows = footer.rows;
  uint64_t counted = 0;
  for (const segment::BlockRef& block : footer.blocks) {
    for (const segment::ColumnRef& column : block.columns) {
      ColumnBytes& part = out.parts[PartName(column)];
      part.stored += column.chunk.stored;
      const bool local = segment::IsLocalColumn(footer.version, column.kind, column.index);
      part.decoded += local ? column.chunk.stored : segment::DecodedBytes(block, column);
      ++part.chunks;
      counted += column.chunk.stored;
    }
  }
  for (const segment::LocalTableRef& table : footer.local_tables) {
    ColumnBytes& part = out.parts[std::string(GetFieldInfo(static_cast<FieldId>(table.field)).name) + " table"];
    part.stored += table.chunk.stored;
    part.decoded += table.chunk.stored;  // kept compressed until a query reads the field
    ++part.chunks;
    counted += table.chunk.stored;
  }
  ColumnBytes& ids = out.parts["ids"];
  ids.stored = footer.ids.stored;
  ids.chunks = 1;
  counted += footer.ids.stored;
  // Sections inside the footer (versions 3 to 6), each kept in memory in a decoded form of its own.
  for (const auto& [name, section] : {std::pair<const char*, std::string_view>{"block summaries", footer.summaries},
                                      {"value slices", footer.slices},
                                      {"string filters", footer.filters},
                                      {"user rollups", footer.user_rollups},
                                      {"derived sketches", footer.derived},
                                      {"moments", footer.moments}}) {
    if (section.empty()) continue;
    ColumnBytes& part = out.parts[name];
    part.stored = section.size();
    part.decoded = section.size();
    part.chunks = 1;
    counted += section.size();
  }
  ColumnBytes& rest = out.parts["footer"];
  rest.stored = out.file_bytes >= counted ? out.file_bytes - counted : 0;
  rest.chunks = 1;
  return out;
}

}  // namespace mltrack::store
