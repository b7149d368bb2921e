#include "store/wal_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <string>
#include <vector>

#include "core/crc32c.h"

namespace mltrack::store {

namespace wal {

void EncodeHeaderRaw(char* header, uint8_t type, std::string_view payload) {
  const char type_byte = static_cast<char>(type);
  uint32_t data_crc = crc32c::Extend(crc32c::Value(&type_byte, 1), payload.data(), payload.size());
  EncodeFixed32(header, crc32c::Mask(data_crc));
  EncodeFixed32(header + 4, static_cast<uint32_t>(payload.size()));
  header[8] = type_byte;
  EncodeFixed32(header + kHeaderCrcOffset, crc32c::Mask(crc32c::Value(header, kHeaderCrcOffset)));
}

void EncodeHeader(char* header, RecordType type, std::string_view payload) {
  EncodeHeaderRaw(header, static_cast<uint8_t>(type), payload);
}

}  // namespace wal

Status TruncateWalFile(const std::filesystem::path& path, uint64_t size) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoToStatus(errno, "open " + path.string());
  Status status;
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0) {
    status = ErrnoToStatus(errno, "truncate " + path.string());
  } else if (::fsync(fd) != 0) {
    status = ErrnoToStatus(errno, "fsync " + path.string());
  }
  ::close(fd);
  return status;
}

Result<std::unique_ptr<WalWriter>> WalWriter::Open(const std::filesystem::path& dir, uint64_t seq,
                                                   WalWriterOptions options) {
  std::unique_ptr<WalWriter> writer(new WalWriter(dir, std::move(options)));
  MLTRACK_RETURN_IF_ERROR(writer->OpenFile(seq, /*must_create=*/false));
  return writer;
}

WalWriter::~WalWriter() {
  if (fd_ >= 0) ::close(fd_);
}

Status WalWriter::OpenFile(uint64_t seq, bool must_create) {
  std::filesystem::path path = dir_ / wal::FileName(seq);
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (must_create ? O_EXCL : 0);
  int fd = ::open(path.c_str(), flags, 0644);
  if (fd < 0) return ErrnoToStatus(errno, "open " + path.string());
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return ErrnoToStatus(err, "stat " + path.string());
  }
  // The new directory entry must be durable before any record in the file is acknowledged.
  Status dir_status = SyncDirectory(dir_);
  if (!dir_status.ok()) {
    ::close(fd);
    return dir_status;
  }
  if (fd_ >= 0) {
    ::close(fd_);
    sealed_bytes_ += offset_;
  }
  fd_ = fd;
  seq_ = seq;
  offset_ = static_cast<uint64_t>(st.st_size);
  ++files_opened_;
  return Status::OK();
}

Status WalWriter::StartNewFile() {
  if (!broken_.ok()) return broken_;
  if (closed_) return Status::Unavailable("WAL writer is closed");
  return Rotate();
}

Status WalWriter::Rotate() {
  // Every record in the current file was synced by the group that wrote it.
  return OpenFile(seq_ + 1, /*must_create=*/true);
}

Status WalWriter::WriteAll(std::span<iovec> pieces) {
  size_t remaining = 0;
  for (const iovec& piece : pieces) remaining += piece.iov_len;
  while (remaining > 0) {
    size_t limit = remaining;
    const int injected = options_.fault_hook ? options_.fault_hook(remaining) : 0;
    if (injected != 0) limit = remaining / 2;
    // Write at most `limit` bytes: trim the last piece that fits, restore it afterwards.
    size_t count = 0;
    size_t bytes = 0;
    while (count < pieces.size() && count < IOV_MAX && bytes < limit) bytes += pieces[count++].iov_len;
    const size_t cut = bytes > limit ? bytes - limit : 0;
    if (count > 0) pieces[count - 1].iov_len -= cut;
    ssize_t written = 0;
    if (bytes - cut > 0) {
      written = ::pwritev(fd_, pieces.data(), static_cast<int>(count), static_cast<off_t>(offset_));
    }
    if (count > 0) pieces[count - 1].iov_len += cut;
    if (written < 0) {
      if (errno == EINTR) continue;
      return ErrnoToStatus(errno, "write " + (dir_ / wal::FileName(seq_)).string());
    }
    offset_ += static_cast<uint64_t>(written);
    remaining -= static_cast<size_t>(written);
    // Skip what was written.
    size_t skip = static_cast<size_t>(written);
    while (!pieces.empty() && skip >= pieces.front().iov_len) {
      skip -= pieces.front().iov_len;
      pieces = pieces.subspan(1);
    }
    if (skip > 0) {
      pieces.front().iov_base = static_cast<char*>(pieces.front().iov_base) + skip;
      pieces.front().iov_len -= skip;
    }
    if (injected != 0) {
      return ErrnoToStatus(injected, "write " + (dir_ / wal::FileName(seq_)).string());
    }
  }
  return Status::OK();
}

Status WalWriter::Rollback(uint64_t offset) {
  std::string name = (dir_ / wal::FileName(seq_)).string();
  if (::ftruncate(fd_, static_cast<off_t>(offset)) != 0) {
    broken_ = ErrnoToStatus(errno, "truncate after failed append " + name);
  } else if (::fdatasync(fd_) != 0) {
    broken_ = ErrnoToStatus(errno, "sync after failed append " + name);
  }
  if (!broken_.ok()) {
    broken_ = Status::IOError("WAL writer unusable: " + broken_.message());
    return broken_;
  }
  offset_ = offset;
  return Status::OK();
}

Status WalWriter::AppendGroup(std::span<const std::string_view> payloads) {
  if (!broken_.ok()) return broken_;
  if (closed_) return Status::Unavailable("WAL writer is closed");
  size_t total = 0;
  for (std::string_view payload : payloads) {
    if (payload.size() > wal::kMaxPayloadBytes) {
      return Status::InvalidArgument("WAL record of " + std::to_string(payload.size()) +
                                     " bytes exceeds the limit of " +
                                     std::to_string(wal::kMaxPayloadBytes));
    }
    total += wal::kHeaderSize + payload.size();
  }
  if (total == 0) return Status::OK();
  if (offset_ > 0 && offset_ + total > options_.file_bytes) MLTRACK_RETURN_IF_ERROR(Rotate());

  // One pwritev of every header and payload, with no copy in between.
  std::vector<char> headers(payloads.size() * wal::kHeaderSize);
  std::vector<iovec> pieces;
  pieces.reserve(2 * payloads.size());
  for (size_t payload_idx = 0; payload_idx < payloads.size(); ++payload_idx) {
    char* header = headers.data() + payload_idx * wal::kHeaderSize;
    wal::EncodeHeader(header, wal::RecordType::kEventBatch, payloads[payload_idx]);
    pieces.push_back({header, wal::kHeaderSize});
    if (!payloads[payload_idx].empty()) {
      pieces.push_back({const_cast<char*>(payloads[payload_idx].data()), payloads[payload_idx].size()});
    }
  }

  const uint64_t start = offset_;
  Status status = WriteAll(pieces);
  if (status.ok() && ::fdatasync(fd_) != 0) {
    status = ErrnoToStatus(errno, "fdatasync " + (dir_ / wal::FileName(seq_)).string());
  }
  if (!status.ok()) {
    // After a failed fdatasync the page cache may say the pages are clean although they never
    // reached the disk; cutting the file back to `start` and syncing again removes them either
    // way, and the bytes before `start` were synced by earlier groups.
    Status rollback = Rollback(start);
    if (!rollback.ok()) return rollback;
  }
  return status;
}

Status WalWriter::Close() {
  if (closed_ || fd_ < 0) {
    closed_ = true;
    return Status::OK();
  }
  closed_ = true;
  Status status;
  if (::fdatasync(fd_) != 0) status = ErrnoToStatus(errno, "fdatasync on close");
  ::close(fd_);
  fd_ = -1;
  return status;
}

}  // namespace mltrack::store
