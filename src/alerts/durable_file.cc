#include "alerts/durable_file.h"

#include <fcntl.h>
#include <openssl/sha.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>

namespace mltrack::alerts {
namespace {

constexpr std::string_view kChecksumPrefix = "sha256 ";
constexpr size_t kDigestChars = 16;

Status Errno(int err, const std::string& what) {
  if (err == ENOSPC || err == EDQUOT) return Status::NoSpace(what + ": " + std::strerror(err));
  return Status::IOError(what + ": " + std::strerror(err));
}

Status WriteAll(int fd, std::string_view data, const std::string& what) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t written = ::write(fd, data.data() + done, data.size() - done);
    if (written < 0) {
      if (errno == EINTR) continue;
      return Errno(errno, "write " + what);
    }
    done += static_cast<size_t>(written);
  }
  return Status::OK();
}

Status SyncDir(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno(errno, "open " + dir.string());
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  return rc == 0 ? Status::OK() : Errno(err, "fsync " + dir.string());
}

Result<std::string> ReadWhole(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read " + path.string());
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

}  // namespace

std::string ShortDigest(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t idx = 0; idx < kDigestChars / 2; ++idx) {
    out += kHex[digest[idx] >> 4];
    out += kHex[digest[idx] & 15];
  }
  return out;
}

Status WriteDocument(const std::filesystem::path& path, std::string_view body) {
  std::string text(body);
  if (text.empty() || text.back() != '\n') text += '\n';
  text += std::string(kChecksumPrefix) + ShortDigest(text) + "\n";
  const std::filesystem::path tmp = path.string() + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Errno(errno, "create " + tmp.string());
  Status written = WriteAll(fd, text, tmp.string());
  if (written.ok() && ::fsync(fd) != 0) written = Errno(errno, "fsync " + tmp.string());
  ::close(fd);
  if (written.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) written = Errno(errno, "rename " + tmp.string());
  if (!written.ok()) {
    ::unlink(tmp.c_str());
    return written;
  }
  return SyncDir(path.parent_path());
}

Result<std::optional<std::string>> ReadDocument(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::optional<std::string>();
  Result<std::string> text = ReadWhole(path);
  if (!text.ok()) return text.status();
  // The checksum line is the last one: "sha256 <16 hex>\n", covering everything before it.
  const size_t line = text->rfind(kChecksumPrefix);
  if (line == std::string::npos || text->size() != line + kChecksumPrefix.size() + kDigestChars + 1 ||
      text->back() != '\n' || (line > 0 && (*text)[line - 1] != '\n')) {
    return Status::Corruption(path.string() + ": no checksum line");
  }
  std::string body = text->substr(0, line);
  if (text->compare(line + kChecksumPrefix.size(), kDigestChars, ShortDigest(body)) != 0) {
    return Status::Corruption(path.string() + ": checksum mismatch");
  }
  return std::optional<std::string>(std::move(body));
}

Result<std::unique_ptr<RecordLog>> RecordLog::Open(const std::filesystem::path& path,
                                                   std::vector<std::string>* records,
                                                   std::vector<std::string>* problems) {
  std::error_code ec;
  std::string text;
  if (std::filesystem::exists(path, ec)) {
    Result<std::string> read = ReadWhole(path);
    if (!read.ok()) return read.status();
    text = std::move(*read);
  }
  // A line is "<16 hex digest> <record>\n". Everything after the last good newline-terminated
  // line that fails is a torn tail (cut); a bad line followed by good ones is damage (skipped).
  size_t good_end = 0;
  size_t pos = 0;
  std::vector<std::pair<size_t, std::string>> bad;  // offset, why
  while (pos < text.size()) {
    size_t newline = text.find('\n', pos);
    if (newline == std::string::npos) break;  // torn: no newline
    std::string_view line(text.data() + pos, newline - pos);
    if (line.size() > kDigestChars + 1 && line[kDigestChars] == ' ' &&
        line.substr(0, kDigestChars) == ShortDigest(line.substr(kDigestChars + 1))) {
      records->emplace_back(line.substr(kDigestChars + 1));
      good_end = newline + 1;
    } else {
      bad.emplace_back(pos, "checksum mismatch");
    }
    pos = newline + 1;
  }
  for (const auto& [offset, why] : bad) {
    if (offset < good_end) problems->push_back(path.string() + " at byte " + std::to_string(offset) + ": " + why);
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Errno(errno, "open " + path.string());
  if (good_end < text.size() && ::ftruncate(fd, static_cast<off_t>(good_end)) != 0) {
    int err = errno;
    ::close(fd);
    return Errno(err, "truncate " + path.string());
  }
  if (::lseek(fd, static_cast<off_t>(good_end), SEEK_SET) < 0) {
    int err = errno;
    ::close(fd);
    return Errno(err, "seek " + path.string());
  }
  Status synced = SyncDir(path.parent_path());
  if (!synced.ok()) {
    ::close(fd);
    return synced;
  }
  return std::unique_ptr<RecordLog>(new RecordLog(path, fd, static_cast<off_t>(good_end)));
}

RecordLog::~RecordLog() {
  if (fd_ >= 0) ::close(fd_);
}

Status RecordLog::Append(std::string_view record) {
  if (record.find('\n') != std::string_view::npos) return Status::Internal("a record must be one line");
  std::string line = ShortDigest(record) + " " + std::string(record) + "\n";
  std::lock_guard lock(mutex_);
  Status written = WriteAll(fd_, line, path_.string());
  if (written.ok() && ::fdatasync(fd_) != 0) written = Errno(errno, "fdatasync " + path_.string());
  if (!written.ok()) {
    // Cut what part of the line got written, so the next record does not follow a torn one.
    if (::ftruncate(fd_, size_) == 0) ::lseek(fd_, size_, SEEK_SET);
    return written;
  }
  size_ += static_cast<off_t>(line.size());
  return Status::OK();
}

}  // namespace mltrack::alerts
