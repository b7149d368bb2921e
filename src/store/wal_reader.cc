#include "store/wal_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include "core/crc32c.h"
#include "store/wal_writer.h"

namespace mltrack::store {

Result<std::unique_ptr<WalReader>> WalReader::Open(const std::filesystem::path& path,
                                                   bool tail_may_be_torn) {
  std::unique_ptr<WalReader> reader(new WalReader(path, tail_may_be_torn));
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoToStatus(errno, "open " + path.string());
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return ErrnoToStatus(err, "stat " + path.string());
  }
  // Read, not mapped: a file another process truncates under a mapping ends the process with
  // SIGBUS on the next access, while a read simply sees the shorter file (then a torn tail or
  // corruption, as the rules say). A file that grows meanwhile is read up to its size at open.
  reader->buffer_.resize(static_cast<size_t>(st.st_size));
  size_t done = 0;
  while (done < reader->buffer_.size()) {
    ssize_t got = ::pread(fd, reader->buffer_.data() + done, reader->buffer_.size() - done, static_cast<off_t>(done));
    if (got < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return ErrnoToStatus(err, "read " + path.string());
    }
    if (got == 0) break;  // truncated since the fstat
    done += static_cast<size_t>(got);
  }
  ::close(fd);
  reader->buffer_.resize(done);
  reader->size_ = done;
  reader->data_ = reader->buffer_.data();
  return reader;
}

WalReader::~WalReader() = default;

Status WalReader::Fail(uint64_t offset, const std::string& what) {
  corruption_offset_ = offset;
  corruption_ = Status::Corruption(path_.filename().string() + ": " + what + " at offset " +
                                   std::to_string(offset));
  return corruption_;
}

bool WalReader::RestIsZero(uint64_t from) const {
  return std::all_of(data_ + from, data_ + size_, [](char byte) { return byte == 0; });
}

Result<bool> WalReader::Next(WalRecord* record) {
  if (!corruption_.ok()) return corruption_;
  if (at_end_ || offset_ == size_) return false;

  const uint64_t start = offset_;
  const uint64_t remaining = size_ - start;
  auto torn = [&](const std::string& what) -> Result<bool> {
    if (!tail_may_be_torn_) return Fail(start, what + " (not the newest WAL file)");
    torn_tail_ = true;
    at_end_ = true;
    return false;
  };

  if (RestIsZero(start)) return torn("all-zero tail");
  if (remaining < wal::kHeaderSize) return torn("truncated record header");

  const char* header = data_ + start;
  // The header is complete, so a crash cannot explain a bad header checksum; and without it
  // the length is not to be trusted (a flipped length bit must not pass for a torn tail).
  const uint32_t header_crc = wal::DecodeFixed32(header + wal::kHeaderCrcOffset);
  if (crc32c::Unmask(header_crc) != crc32c::Value(header, wal::kHeaderCrcOffset)) {
    return Fail(start, "record header checksum mismatch");
  }
  const uint32_t data_crc = wal::DecodeFixed32(header);
  const uint32_t length = wal::DecodeFixed32(header + 4);
  const uint8_t type = static_cast<uint8_t>(header[8]);
  if (length > wal::kMaxPayloadBytes) {
    return Fail(start, "impossible record length " + std::to_string(length));
  }
  if (length > remaining - wal::kHeaderSize) {
    return torn("record of " + std::to_string(length) + " bytes extends past end of file");
  }
  const char* payload = header + wal::kHeaderSize;
  uint32_t actual = crc32c::Extend(crc32c::Value(header + 8, 1), payload, length);
  if (actual != crc32c::Unmask(data_crc)) return Fail(start, "checksum mismatch");
  if (!wal::IsKnownRecordType(type)) {
    return Fail(start, "unknown record type " + std::to_string(type));
  }

  record->type = static_cast<wal::RecordType>(type);
  record->payload = std::string_view(payload, length);
  record->offset = start;
  offset_ = start + wal::kHeaderSize + length;
  return true;
}

Result<std::vector<WalFile>> ListWalFiles(const std::filesystem::path& dir) {
  std::vector<WalFile> files;
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec == std::errc::no_such_file_or_directory) return files;
  if (ec) return Status::IOError("list " + dir.string() + ": " + ec.message());
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const std::filesystem::path& path = it->path();
    std::optional<uint64_t> seq = wal::ParseFileName(path.filename().string());
    if (!seq) continue;
    uint64_t bytes = it->file_size(ec);
    if (ec) return Status::IOError("stat " + path.string() + ": " + ec.message());
    files.push_back(WalFile{*seq, path, bytes});
  }
  if (ec) return Status::IOError("list " + dir.string() + ": " + ec.message());
  std::sort(files.begin(), files.end(),
            [](const WalFile& a, const WalFile& b) { return a.seq < b.seq; });
  return files;
}

}  // namespace mltrack::store
