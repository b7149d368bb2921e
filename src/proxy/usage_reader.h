#pragma once
// Reads what a provider's response says about the call: the model that answered, the token
// usage, and the error, from a whole JSON body or from a server-sent event stream read piece by
// piece as it passes through (the usage of a stream is in its last events: OpenAI's final chunk
// with stream_options.include_usage, the Responses API's response.completed, Anthropic's
// message_start + message_delta).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "proxy/upstream.h"

namespace mltrack::proxy {

// In the event schema's terms: input_tokens includes cache reads and writes, output_tokens
// includes reasoning (Anthropic reports cache tokens beside input_tokens; they are added here).
struct CallUsage {
  std::string model;
  std::optional<int64_t> input_tokens;
  std::optional<int64_t> output_tokens;
  std::optional<int64_t> cached_input_tokens;
  std::optional<int64_t> cache_write_tokens;
  std::optional<int64_t> reasoning_tokens;
  std::string error_type;  // from an error object in the body or stream: its code, else its type
  bool operator==(const CallUsage&) const = default;
};

// Usage of a whole (non-streamed) JSON response body. A body that is not JSON, or has none of
// it, leaves the fields empty: never an error (the response is the provider's business).
CallUsage ReadResponseUsage(Dialect dialect, std::string_view body);

// Feeds the bytes of an SSE stream in arbitrary pieces; keeps what the events said so far.
// Bounded memory: an event longer than kMaxEventBytes is skipped (its usage lost), never held.
// Not thread-safe.
class SseUsageReader {
 public:
  static constexpr size_t kMaxEventBytes = 4u << 20;

  explicit SseUsageReader(Dialect dialect);
  ~SseUsageReader();
  SseUsageReader(const SseUsageReader&) = delete;
  SseUsageReader& operator=(const SseUsageReader&) = delete;

  void Feed(std::string_view bytes);
  // Dispatches an event left without its blank line when the stream ended.
  void Finish();

  const CallUsage& usage() const { return usage_; }
  size_t events() const { return events_; }
  // OpenAI's "data: [DONE]" or Anthropic's message_stop: the stream ended as the provider meant.
  bool complete() const { return complete_; }

 private:
  void Line(std::string_view line);
  void Dispatch();

  struct Parser;
  Dialect dialect_;
  std::unique_ptr<Parser> parser_;
  CallUsage usage_;
  std::string line_;  // an incomplete line carried to the next piece
  std::string data_;  // the data lines of the event being read
  bool line_overflow_ = false;  // the current line is over kMaxEventBytes: its bytes are dropped
  bool skipping_ = false;       // the current event is over kMaxEventBytes: dropped to its end
  bool after_cr_ = false;  // the last piece ended on '\r' (a "\r\n" may be split)
  size_t events_ = 0;
  bool complete_ = false;
};

}  // namespace mltrack::proxy
