#include "store/manifest.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <fstream>
#include <functional>
#include <sstream>

#include "store/crc32c.h"
#include "store/wal_writer.h"

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
  std::string body = out.str();
  char crc[16];
  std::snprintf(crc, sizeof(crc), "%08x", crc32c::Value(body));
  return body + "crc " + crc + "\n";
}

bool ParseU64(std::string_view text, uint64_t* value) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

Result<std::optional<Manifest>> ReadManifest(const std::filesystem::path& dir) {
  const std::filesystem::path path = dir / "MANIFEST";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (ec) return ErrnoToStatus(ec.value(), "stat " + path.string());
    return std::optional<Manifest>();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read " + path.string());
  std::string text((std::istreambuf_iterator<char>(in)), {});
  auto corrupt = [&](const std::string& what) { return Status::Corruption(path.string() + ": " + what); };
  const size_t crc_line = text.rfind("crc ");
  if (crc_line == std::string::npos || text.size() != crc_line + 4 + 8 + 1 || text.back() != '\n') {
    return corrupt("no checksum line");
  }
  std::string_view body(text.data(), crc_line);
  uint32_t stored = 0;
  auto [end, parse_ec] = std::from_chars(text.data() + crc_line + 4, text.data() + crc_line + 12, stored, 16);
  if (parse_ec != std::errc() || stored != crc32c::Value(body)) return corrupt("checksum mismatch");

  Manifest manifest;
  std::istringstream lines{std::string(body)};
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
  const std::string text = Format(manifest);
  const std::filesystem::path tmp = dir / "MANIFEST.tmp";
  const std::filesystem::path path = dir / "MANIFEST";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoToStatus(errno, "create " + tmp.string());
  auto fail = [&](int err, const char* what) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return ErrnoToStatus(err, std::string(what) + " " + tmp.string());
  };
  if (fault_hook) {
    if (int err = fault_hook(text.size()); err != 0) return fail(err, "write");
  }
  size_t done = 0;
  while (done < text.size()) {
    ssize_t written = ::write(fd, text.data() + done, text.size() - done);
    if (written < 0) {
      if (errno == EINTR) continue;
      return fail(errno, "write");
    }
    done += static_cast<size_t>(written);
  }
  if (::fsync(fd) != 0) return fail(errno, "fsync");
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return ErrnoToStatus(err, "rename " + tmp.string());
  }
  return SyncDirectory(dir);
}

}  // namespace mltrack::store
