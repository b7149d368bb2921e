// `mltrack backup --data DIR --out PATH` and `mltrack restore --from PATH --data DIR`
// (docs/operations.md "## Backup and restore").
//
// A backup of a store a server is running on, without stopping it or taking its lock. It rests on
// what the store's files promise (docs/segment_format.md, docs/wal_format.md): sealed segments
// never change; segments/MANIFEST is replaced atomically; the WAL and the dictionary log are only
// appended to, in checksummed records, and a torn record at the end of the newest file is what
// replay expects after a crash. So: read the MANIFEST, copy the segments it names, the dictionary
// log and the WAL files it does not cover, then read the MANIFEST again. Unchanged, the copy is
// the store at one moment (as a crash at that moment would leave it: every acknowledged event
// then is in it); changed (a seal or compaction ran meanwhile, and may have deleted files copied
// or to copy), try again. Then the copy is opened as a store, which checks every record and
// segment, and its event count is printed. The rest of the data directory (budgets, alerts,
// reports, annotations, MLflow) is small checksummed files replaced atomically: copied as is.
#include <algorithm>
#include <cstdio>
#include <functional>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "cli/commands.h"
#include "cli/flags.h"
#include "store/embedded_store.h"
#include "store/manifest.h"
#include "store/wal_format.h"

namespace mltrack::cli {
namespace {

namespace fs = std::filesystem;

constexpr int kAttempts = 20;

std::optional<std::string> ReadBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Copies the files of `from` into `to` (created), those `keep` accepts; a file that vanishes
// meanwhile is skipped (the store deleted it; the MANIFEST check decides whether that matters).
Status CopyFiles(const fs::path& from, const fs::path& to, const std::function<bool(const std::string&)>& keep) {
  std::error_code ec;
  fs::create_directories(to, ec);
  if (ec) return Status::IOError("create " + to.string() + ": " + ec.message());
  if (!fs::exists(from)) return Status::OK();
  for (const auto& entry : fs::directory_iterator(from, ec)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || !keep(name)) continue;
    fs::copy_file(entry.path(), to / name, fs::copy_options::overwrite_existing, ec);
    if (ec && ec != std::errc::no_such_file_or_directory) {
      return Status::IOError("copy " + entry.path().string() + ": " + ec.message());
    }
  }
  if (ec) return Status::IOError("list " + from.string() + ": " + ec.message());
  return Status::OK();
}

// One attempt; kUnavailable when the store changed under it (try again).
Status CopyStoreOnce(const fs::path& data, const fs::path& out) {
  std::error_code ec;
  fs::remove_all(out, ec);
  const fs::path manifest_path = data / "segments" / "MANIFEST";
  const std::optional<std::string> before = ReadBytes(manifest_path);
  std::optional<store::Manifest> manifest;
  if (before) {
    fs::create_directories(out / "segments", ec);
    std::ofstream(out / "segments" / "MANIFEST", std::ios::binary) << *before;
    Result<std::optional<store::Manifest>> parsed = store::ReadManifest(out / "segments");
    if (!parsed.ok()) return parsed.status();
    manifest = *parsed;
  }
  if (manifest) {
    for (const std::string& segment : manifest->segments) {
      // Hard links cost nothing and are safe: a segment is never written again.
      fs::create_hard_link(data / "segments" / segment, out / "segments" / segment, ec);
      if (ec) fs::copy_file(data / "segments" / segment, out / "segments" / segment, ec);
      if (ec == std::errc::no_such_file_or_directory) return Status::Unavailable("a segment was compacted away");
      if (ec) return Status::IOError("copy segment " + segment + ": " + ec.message());
    }
  }
  MLTRACK_RETURN_IF_ERROR(CopyFiles(data / "dict", out / "dict", [](const std::string&) { return true; }));
  const uint64_t sealed = manifest ? manifest->wal_sealed : 0;
  MLTRACK_RETURN_IF_ERROR(CopyFiles(data / "wal", out / "wal", [sealed](const std::string& name) {
    const std::optional<uint64_t> seq = store::wal::ParseFileName(name);
    return seq && *seq > sealed;
  }));
  // Every WAL file but the newest copied must have been complete: one that grew after its copy
  // was being written, so a newer one appeared meanwhile and the copy would end in a torn record.
  std::vector<fs::path> copied;
  for (const auto& entry : fs::directory_iterator(out / "wal", ec)) copied.push_back(entry.path());
  std::sort(copied.begin(), copied.end());
  for (size_t file_idx = 0; file_idx + 1 < copied.size(); ++file_idx) {
    const uintmax_t now = fs::file_size(data / "wal" / copied[file_idx].filename(), ec);
    if (ec || now != fs::file_size(copied[file_idx])) return Status::Unavailable("the WAL rotated meanwhile");
  }
  if (ReadBytes(manifest_path) != before) return Status::Unavailable("the store sealed or compacted meanwhile");
  return Status::OK();
}

// The rest of the data directory, as is (not the store's own folders, not its lock).
Status CopyOtherState(const fs::path& data, const fs::path& out) {
  static const std::set<std::string> kStore = {"LOCK", "wal", "segments", "dict"};
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(data, ec)) {
    const std::string name = entry.path().filename().string();
    if (kStore.count(name) > 0) continue;
    fs::copy(entry.path(), out / name, fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
    if (ec) return Status::IOError("copy " + entry.path().string() + ": " + ec.message());
  }
  if (ec) return Status::IOError("list " + data.string() + ": " + ec.message());
  return Status::OK();
}

// Opens `dir` as a store (replaying and checking everything) and returns its event count.
Result<size_t> VerifyStore(const fs::path& dir) {
  store::StoreOptions options;
  options.dir = dir;
  Result<std::unique_ptr<store::EmbeddedStore>> store = store::EmbeddedStore::Open(options);
  if (!store.ok()) return store.status();
  const store::StoreStats stats = (*store)->Stats();
  (*store)->Close();
  if (!stats.problems.empty()) {
    return Status::Corruption(stats.problems.front().file + ": " + stats.problems.front().what);
  }
  return stats.rows;
}

int Fail(const char* command, const std::string& message, int code) {
  std::fprintf(stderr, "mltrack %s: %s\n", command, message.c_str());
  return code;
}

bool IsEmptyOrMissing(const fs::path& dir) {
  std::error_code ec;
  return !fs::exists(dir, ec) || (fs::is_directory(dir, ec) && fs::is_empty(dir, ec));
}

}  // namespace

int RunBackup(const std::vector<std::string>& args) {
  Result<Flags> flags = Flags::Parse(args, {"data", "out"}, {});
  if (!flags.ok()) return Fail("backup", flags.status().message(), 2);
  if (!flags->Has("data") || !flags->Has("out")) return Fail("backup", "--data DIR and --out PATH are required", 2);
  const fs::path data = *flags->Get("data");
  const fs::path out = *flags->Get("out");
  if (!fs::is_directory(data)) return Fail("backup", "--data: " + data.string() + " is not a directory", 2);
  if (!IsEmptyOrMissing(out)) return Fail("backup", "--out: " + out.string() + " exists and is not empty", 2);
  Status copied = Status::Unavailable("not tried");
  for (int attempt = 0; attempt < kAttempts && copied.code() == StatusCode::kUnavailable; ++attempt) {
    copied = CopyStoreOnce(data, out);
  }
  if (copied.ok()) copied = CopyOtherState(data, out);
  Result<size_t> events = copied.ok() ? VerifyStore(out) : Result<size_t>(copied);
  if (!events.ok()) {
    std::error_code ec;
    fs::remove_all(out, ec);
    return Fail("backup", events.status().ToString(), 1);
  }
  std::printf("mltrack backup: %zu events in %s\n", *events, out.c_str());
  return 0;
}

int RunRestore(const std::vector<std::string>& args) {
  Result<Flags> flags = Flags::Parse(args, {"from", "data"}, {});
  if (!flags.ok()) return Fail("restore", flags.status().message(), 2);
  if (!flags->Has("from") || !flags->Has("data")) return Fail("restore", "--from PATH and --data DIR are required", 2);
  const fs::path from = *flags->Get("from");
  const fs::path data = *flags->Get("data");
  if (!fs::is_directory(from)) return Fail("restore", "--from: " + from.string() + " is not a directory", 2);
  if (!IsEmptyOrMissing(data)) {
    return Fail("restore", "--data: " + data.string() + " exists and is not empty; restore into a new directory", 2);
  }
  std::error_code ec;
  fs::copy(from, data, fs::copy_options::recursive, ec);
  if (ec) return Fail("restore", "copy " + from.string() + " to " + data.string() + ": " + ec.message(), 1);
  Result<size_t> events = VerifyStore(data);
  if (!events.ok()) return Fail("restore", events.status().ToString(), 1);
  std::printf("mltrack restore: %zu events in %s\n", *events, data.c_str());
  return 0;
}

}  // namespace mltrack::cli
