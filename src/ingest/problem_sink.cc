#include "ingest/problem_sink.h"

#include <utility>

namespace mltrack::ingest {

void ProblemSink::Add(int64_t index, std::string field, std::string reason) {
  ++count_;
  if (listed_.size() < max_listed_) listed_.push_back({index, std::move(field), std::move(reason)});
}

std::vector<ErrorDetail> ProblemSink::Take() && {
  if (count_ > listed_.size()) {
    listed_.push_back({-1, "", "... and " + std::to_string(count_ - listed_.size()) +
                                   " more problems not listed"});
  }
  return std::move(listed_);
}

}  // namespace mltrack::ingest
