#include "store/manifest.h"

#include <charconv>
#include <functional>
#include <sstream>

#include "core/checked_file.h"

namespace mltrack::store {
namespace {

constexpr std::string_view kFirstLine = "mltrack-manifest 1";

// Quarantine reasons are free text; keep each on one line.
std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

std::string Format(const Manifest& manifest) {
  std::ostringstream out;
  out << kFirstLine << "\n";
  out << "wal_sealed " << manifest.wal_sealed << "\n";
  out << "next_segment " << manifest.next_segment << "\n";
  for (const std::string& name : manifest.segments) out << "segment " << name << "\n";
  for (const QuarantinedSegment& bad : manifest.quarantined) {
    out << "quarantined " << bad.offset << " " << bad.rows << " " << OneLine(bad.file) << "\t" << OneLine(bad.what)
        << "\n";
  }
  return out.str();
}

bool ParseU64(std::string_view text, uint64_t* value) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

Result<std::optional<Manifest>> ReadManifest(const std::filesystem::path& dir) {
  const std::filesystem::path path = dir / "MANIFEST";
  Result<std::optional<std::string>> read = ReadCheckedFile(path);
  if (!read.ok()) return read.status();
  if (!read->has_value()) return std::optional<Manifest>();
  const std::string& body = **read;
  auto corrupt = [&](const std::string& what) { return Status::Corruption(path.string() + ": " + what); };

  Manifest manifest;
  std::istringstream lines{body};
  std::string line;
  if (!std::getline(lines, line) || line != kFirstLine) return corrupt("unknown version");
  while (std::getline(lines, line)) {
    std::string_view rest(line);
    auto take = [&](std::string_view key) {
      if (!rest.starts_with(key)) return false;
      rest.remove_prefix(key.size());
      return true;
    };
    if (take("wal_sealed ")) {
      if (!ParseU64(rest, &manifest.wal_sealed)) return corrupt("bad wal_sealed");
    } else if (take("next_segment ")) {
      if (!ParseU64(rest, &manifest.next_segment)) return corrupt("bad next_segment");
    } else if (take("segment ")) {
      manifest.segments.emplace_back(rest);
    } else if (take("quarantined ")) {
      QuarantinedSegment bad;
      size_t space1 = rest.find(' ');
      size_t space2 = space1 == std::string_view::npos ? space1 : rest.find(' ', space1 + 1);
      size_t tab = rest.find('\t');
      if (space2 == std::string_view::npos || tab == std::string_view::npos || tab < space2 ||
          !ParseU64(rest.substr(0, space1), &bad.offset) ||
          !ParseU64(rest.substr(space1 + 1, space2 - space1 - 1), &bad.rows)) {
        return corrupt("bad quarantined line");
      }
      bad.file = std::string(rest.substr(space2 + 1, tab - space2 - 1));
      bad.what = std::string(rest.substr(tab + 1));
      manifest.quarantined.push_back(std::move(bad));
    } else {
      return corrupt("unknown line");
    }
  }
  return std::optional<Manifest>(std::move(manifest));
}

Status WriteManifest(const std::filesystem::path& dir, const Manifest& manifest,
                     const std::function<int(size_t)>& fault_hook) {
  return WriteCheckedFile(dir / "MANIFEST", Format(manifest), fault_hook);
}

}  // namespace mltrack::store
