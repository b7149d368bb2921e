#include "ndjson_batches.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

namespace mltrack::bench {

FileBatches::FileBatches(const std::string& path, size_t batch_lines) {
  int fd = ::open(path.c_str(), O_RDONLY);
  struct stat st {};
  if (fd < 0 || ::fstat(fd, &st) != 0 || st.st_size == 0) {
    if (fd >= 0) ::close(fd);
    error_ = "cannot read " + path;
    return;
  }
  void* mapped = ::mmap(nullptr, st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  ::close(fd);
  if (mapped == MAP_FAILED) {
    error_ = "cannot map " + path;
    return;
  }
  data_ = static_cast<const char*>(mapped);
  size_ = static_cast<size_t>(st.st_size);
  size_t begin = 0, lines = 0;
  for (const char* pos = data_; pos < data_ + size_;) {
    const char* nl = static_cast<const char*>(std::memchr(pos, '\n', data_ + size_ - pos));
    pos = nl ? nl + 1 : data_ + size_;
    if (++lines == batch_lines || pos == data_ + size_) {
      batches_.emplace_back(begin, pos - data_);
      lines_.push_back(lines);
      begin = pos - data_;
      lines = 0;
    }
  }
}

FileBatches::~FileBatches() {
  if (data_ != nullptr) ::munmap(const_cast<char*>(data_), size_);
}

bool FileBatches::Next(std::string&, std::string_view& body, size_t& lines, size_t& index) {
  {
    std::lock_guard lock(mutex_);
    if (next_ >= batches_.size()) return false;
    index = next_++;
  }
  body = std::string_view(data_ + batches_[index].first, batches_[index].second - batches_[index].first);
  lines = lines_[index];
  return true;
}

bool StreamBatches::Next(std::string& storage, std::string_view& body, size_t& lines, size_t& index) {
  constexpr size_t kChunk = 1 << 20;
  std::lock_guard lock(mutex_);
  lines = 0;
  size_t scan = 0;  // pending_[0, scan) holds `lines` whole lines
  for (;;) {
    while (lines < batch_lines_ && scan < pending_.size()) {
      const void* nl = std::memchr(pending_.data() + scan, '\n', pending_.size() - scan);
      if (nl == nullptr) break;
      scan = static_cast<const char*>(nl) - pending_.data() + 1;
      ++lines;
    }
    if (lines == batch_lines_) break;
    if (eof_) {
      if (scan < pending_.size()) ++lines, scan = pending_.size();  // a last line without '\n'
      break;
    }
    size_t old = pending_.size();
    pending_.resize(old + kChunk);
    size_t got = std::fread(pending_.data() + old, 1, kChunk, in_);
    pending_.resize(old + got);
    if (got == 0) {
      eof_ = true;
      failed_ = std::ferror(in_) != 0;
    }
  }
  if (lines == 0 || failed_) return false;
  storage.assign(pending_, 0, scan);
  pending_.erase(0, scan);
  bytes_ += scan;
  body = storage;
  index = next_++;
  return true;
}

size_t StreamBatches::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

bool StreamBatches::failed() const {
  std::lock_guard lock(mutex_);
  return failed_;
}

}  // namespace mltrack::bench
