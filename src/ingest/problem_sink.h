#pragma once
// Internal to the ingest module: where the decoder collects the problems of a batch.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace mltrack::ingest {

// Collects the problems of a batch, listing at most `max_listed` of them (a body of a million
// bad events must not produce a response of a million details) but counting them all.
// Not thread-safe.
class ProblemSink {
 public:
  explicit ProblemSink(size_t max_listed) : max_listed_(max_listed) {}

  void Add(int64_t index, std::string field, std::string reason);
  size_t count() const { return count_; }
  // The listed problems, plus one closing detail saying how many were left out, if any.
  std::vector<ErrorDetail> Take() &&;

 private:
  size_t max_listed_;
  size_t count_ = 0;
  std::vector<ErrorDetail> listed_;
};

}  // namespace mltrack::ingest
