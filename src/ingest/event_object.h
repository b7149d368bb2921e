#pragma once
// Internal to the ingest module: decoding one event object with simdjson's On-Demand API.
// event_decoder.h is the public entry point.

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/event.h"
#include "core/status.h"
#include "ingest/utf8.h"

namespace mltrack::ingest {

// Largest cost_usd one event may carry. A single call or run costing more is a unit mistake
// (cents or nano-USD sent as USD), and the cap keeps sums of many events far from int64 limits.
inline constexpr int64_t kMaxCostUsd = 1'000'000;
// Token counts above 2^53 cannot round-trip through JSON numbers in most clients.
inline constexpr uint64_t kMaxTokenCount = 1ULL << 53;
// ts must fall in [2000-01-01, 2200-01-01): outside it is almost always a unit mistake.
inline constexpr int64_t kMinTsMs = 946'684'800'000;
inline constexpr int64_t kMaxTsMs = 7'258'118'400'000;

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

// Where an event object sits, for error attribution.
struct EventContext {
  int64_t index = 0;              // the event's index in the batch
  const char* buffer = nullptr;   // start of the buffer that `bad_utf8` offsets refer to
  const std::vector<ByteRange>* bad_utf8 = nullptr;  // sorted; empty when the body is valid UTF-8
};

// Reads every field of `object` into `event` and checks every rule of the v1 schema
// (docs/event_schema.md), adding one problem per broken rule to `sink`. Returns SUCCESS when
// the object was read to its end, whether or not the event is valid; returns a simdjson error
// only when the JSON itself is malformed, and then the caller reports where.
simdjson::error_code DecodeEventObject(simdjson::ondemand::object& object,
                                       const EventContext& context, ProblemSink& sink,
                                       Event& event);

// The known top-level field closest to `unknown` (a common alias such as "prompt_tokens", or
// a small edit distance such as "modle"), or empty when none is close.
std::string_view SuggestFieldName(std::string_view unknown);

}  // namespace mltrack::ingest
