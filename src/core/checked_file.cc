#include "core/checked_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "core/crc32c.h"
#include "core/file_sync.h"

namespace mltrack {

Status WriteCheckedFile(const std::filesystem::path& path, std::string_view body,
                        const std::function<int(size_t)>& fault_hook) {
  char crc[16];
  std::snprintf(crc, sizeof(crc), "%08x", crc32c::Value(body));
  std::string text;
  text.reserve(body.size() + 13);
  text.append(body).append("crc ").append(crc).append("\n");

  std::filesystem::path tmp = path;
  tmp += ".tmp";
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
  return SyncDirectory(path.has_parent_path() ? path.parent_path() : std::filesystem::path("."));
}

Result<std::optional<std::string>> ReadCheckedFile(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (ec) return ErrnoToStatus(ec.value(), "stat " + path.string());
    return std::optional<std::string>();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read " + path.string());
  std::string text((std::istreambuf_iterator<char>(in)), {});
  if (in.bad()) return Status::IOError("cannot read " + path.string());
  auto corrupt = [&](const std::string& what) { return Status::Corruption(path.string() + ": " + what); };
  const size_t crc_line = text.rfind("crc ");
  if (crc_line == std::string::npos || text.size() != crc_line + 4 + 8 + 1 || text.back() != '\n' ||
      (crc_line > 0 && text[crc_line - 1] != '\n')) {
    return corrupt("no checksum line");
  }
  uint32_t stored = 0;
  auto [end, parse_ec] = std::from_chars(text.data() + crc_line + 4, text.data() + crc_line + 12, stored, 16);
  if (parse_ec != std::errc() || end != text.data() + crc_line + 12) return corrupt("no checksum line");
  text.resize(crc_line);
  if (stored != crc32c::Value(text)) return corrupt("checksum mismatch");
  return std::optional<std::string>(std::move(text));
}

}  // namespace mltrack
