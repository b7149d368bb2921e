// Where mltrack_bench_client ingest takes its NDJSON batches from (bench/bench_client.cc):
//   FileBatches    a file, mapped and split into batches of N lines before the clock starts;
//   StreamBatches  a pipe (`--file -`: standard input), read in 1 MiB chunks while the batches are
//                  sent, so `mltrack_bench_gen --ndjson -` can feed 100M events without a file.
// Both are safe to call from every connection's thread.
#pragma once

#include <cstddef>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mltrack::bench {

class NdjsonBatches {
 public:
  virtual ~NdjsonBatches() = default;
  // The next batch: its body (a view into `storage` or into the mapped file), its line count and
  // its index (0, 1, ... in the input's order). False once the input is exhausted.
  virtual bool Next(std::string& storage, std::string_view& body, size_t& lines, size_t& index) = 0;
  // Bytes handed out so far (the whole file for FileBatches).
  virtual size_t bytes() const = 0;
  // True when reading the input failed (as opposed to reaching its end).
  virtual bool failed() const { return false; }
};

class FileBatches final : public NdjsonBatches {
 public:
  // Empty `error()` on success.
  FileBatches(const std::string& path, size_t batch_lines);
  ~FileBatches() override;
  const std::string& error() const { return error_; }
  bool Next(std::string& storage, std::string_view& body, size_t& lines, size_t& index) override;
  size_t bytes() const override { return size_; }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
  std::vector<std::pair<size_t, size_t>> batches_;  // [begin, end) byte offsets
  std::vector<size_t> lines_;
  std::mutex mutex_;
  size_t next_ = 0;
  std::string error_;
};

class StreamBatches final : public NdjsonBatches {
 public:
  StreamBatches(std::FILE* in, size_t batch_lines) : in_(in), batch_lines_(batch_lines) {}
  bool Next(std::string& storage, std::string_view& body, size_t& lines, size_t& index) override;
  size_t bytes() const override;
  bool failed() const override;

 private:
  std::FILE* in_;
  const size_t batch_lines_;
  mutable std::mutex mutex_;
  std::string pending_;  // read, not yet handed out
  bool eof_ = false, failed_ = false;
  size_t next_ = 0, bytes_ = 0;
};

}  // namespace mltrack::bench
