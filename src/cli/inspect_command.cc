// `mltrack inspect --data DIR`: where a store's bytes go on disk, per column, read from the
// segments' footers (no chunk is decoded, no lock is taken: safe while a server runs on DIR).
// docs/operations.md, "Inspecting a store".
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "cli/commands.h"
#include "cli/flags.h"
#include "store/manifest.h"
#include "store/segment_inspect.h"

namespace mltrack::cli {
namespace {

namespace fs = std::filesystem;

int Fail(const std::string& message, int code) {
  std::fprintf(stderr, "mltrack inspect: %s\n", message.c_str());
  return code;
}

uint64_t DirectoryBytes(const fs::path& dir) {
  uint64_t bytes = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file(ec)) bytes += entry.file_size(ec);
  }
  return bytes;
}

double PerEvent(uint64_t bytes, uint64_t rows) { return rows == 0 ? 0 : static_cast<double>(bytes) / rows; }

}  // namespace

int RunInspect(const std::vector<std::string>& args) {
  Result<Flags> flags = Flags::Parse(args, {"data"}, {});
  if (!flags.ok()) return Fail(flags.status().message(), 2);
  if (!flags->Has("data")) return Fail("--data DIR is required", 2);
  const fs::path data = *flags->Get("data");
  if (!fs::is_directory(data)) return Fail("--data: " + data.string() + " is not a directory", 2);
  Result<std::optional<store::Manifest>> manifest = store::ReadManifest(data / "segments");
  if (!manifest.ok()) return Fail(manifest.status().ToString(), 1);
  store::SegmentBytes total;
  const size_t segments = *manifest ? (*manifest)->segments.size() : 0;
  for (size_t idx = 0; idx < segments; ++idx) {
    Result<store::SegmentBytes> bytes = store::InspectSegment(data / "segments" / (*manifest)->segments[idx]);
    if (!bytes.ok()) return Fail(bytes.status().ToString(), 1);
    total.Add(*bytes);
  }
  std::vector<std::pair<std::string, store::ColumnBytes>> parts(total.parts.begin(), total.parts.end());
  std::sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) { return a.second.stored > b.second.stored; });
  std::printf("%zu segments, %llu events, %llu bytes (%.2f bytes/event)\n", segments,
              static_cast<unsigned long long>(total.rows), static_cast<unsigned long long>(total.file_bytes),
              PerEvent(total.file_bytes, total.rows));
  std::printf("%-22s %14s %9s %14s %9s %8s\n", "part", "disk bytes", "B/event", "decoded bytes", "B/event", "chunks");
  for (const auto& [name, bytes] : parts) {
    std::printf("%-22s %14llu %9.3f %14llu %9.3f %8llu\n", name.c_str(), static_cast<unsigned long long>(bytes.stored),
                PerEvent(bytes.stored, total.rows), static_cast<unsigned long long>(bytes.decoded),
                PerEvent(bytes.decoded, total.rows), static_cast<unsigned long long>(bytes.chunks));
  }
  const uint64_t wal = DirectoryBytes(data / "wal");
  const uint64_t dict = DirectoryBytes(data / "dict");
  std::printf("wal %llu bytes, dictionary log %llu bytes\n", static_cast<unsigned long long>(wal),
              static_cast<unsigned long long>(dict));
  return 0;
}

}  // namespace mltrack::cli
