#pragma once
// Internal to the ingest module: the primitives for reading single JSON values of one event
// object with simdjson's On-Demand API (type, null, strings, UTF-8) and reporting their problems.

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ingest/problem_sink.h"
#include "ingest/utf8.h"

namespace mltrack::ingest {

// Where an event object sits, for error attribution.
struct EventContext {
  int64_t index = 0;             // the event's index in the batch
  const char* buffer = nullptr;  // start of the buffer that `bad_utf8` offsets refer to
  const std::vector<ByteRange>* bad_utf8 = nullptr;  // sorted; empty when the body is valid UTF-8
};

// The name of a field in a problem: "user", or "tags.env" for an entry of a map. Built only when
// there is a problem, so the valid path allocates nothing.
struct FieldPath {
  std::string_view field;
  std::string_view key;  // empty for a top-level field
  std::string str() const;
};

// `token` without the whitespace that simdjson's raw_json_token() keeps after a value.
std::string_view TrimJson(std::string_view token);

// At most `max_bytes` of `text`, cut on a UTF-8 character boundary, with "..." when cut.
std::string Clip(std::string_view text, size_t max_bytes = 40);

// A finite double from a validated JSON number token, with -0 as 0; nullopt when the value
// overflows (1e999) or underflows to a denormal.
std::optional<double> ToFiniteDouble(std::string_view token);

// Reads single values of one event object, adding a problem to the sink for every value that
// breaks a rule. The methods return a simdjson error only when the JSON itself is malformed; a
// broken rule is a problem, not an error. Holds references to the context and the sink, which
// must outlive it. Not thread-safe.
class ValueReader {
 public:
  ValueReader(const EventContext& context, ProblemSink& sink) : context_(context), sink_(sink) {}
  ValueReader(const ValueReader&) = delete;
  ValueReader& operator=(const ValueReader&) = delete;

  void Problem(std::string field, std::string reason) {
    sink_.Add(context_.index, std::move(field), std::move(reason));
  }
  // The problems of the whole batch so far: a reader that sees it grow knows its value had one.
  size_t problem_count() const { return sink_.count(); }

  // True when the key of `field` contains bytes that are not UTF-8. Must run before
  // unescaped_key(), which consumes the key.
  bool HasBadUtf8Key(simdjson::ondemand::field& field) const;

  // The key of `field`, unescaped. A key without a backslash is its raw bytes (no copy into
  // the parser's string buffer); one with an escape is unescaped by simdjson. Either way the key
  // is valid until the next document. Must run after HasBadUtf8Key().
  static simdjson::error_code Key(simdjson::ondemand::field& field, std::string_view& key);

  // The type of `value`. A null is consumed and sets `is_null`: null means "absent" for every
  // optional field and map entry, as many clients serialize a missing value so.
  simdjson::error_code TypeOrNull(simdjson::ondemand::value& value,
                                  simdjson::ondemand::json_type& type, bool& is_null);

  // What was sent, for a reason: "got an object", "got an array" or "got <the token>".
  static std::string Got(simdjson::ondemand::value& value, simdjson::ondemand::json_type type);

  // Reads a string of at most `max_bytes` (after unescaping) into `text`, which points into the
  // parser's buffer, and sets `usable`. When the value is not a usable string, leaves `usable`
  // false and adds a problem under `path`; a non-string is described by `type_rule`.
  simdjson::error_code ReadText(simdjson::ondemand::value& value,
                                simdjson::ondemand::json_type type, const FieldPath& path,
                                size_t max_bytes, std::string_view type_rule,
                                std::string_view& text, bool& usable);

 private:
  bool HasBadUtf8(std::string_view raw) const;
  // Consumes a null; a token that starts with 'n' but is not null is malformed JSON.
  static simdjson::error_code ConsumeNull(simdjson::ondemand::value& value);

  const EventContext& context_;
  ProblemSink& sink_;
};

}  // namespace mltrack::ingest
