#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mltrack::ingest {

// Where and why a text is not JSON.
struct JsonSyntaxError {
  size_t offset = 0;  // byte offset of the first offending byte (== size at end of input)
  std::string what;   // "expected ',' or '}'", "unterminated string", ...
};

// The first syntax error of `text` read as exactly one JSON value with optional whitespace
// around it (RFC 8259), or nullopt when it is valid. Nesting deeper than 1024 is an error, as
// it is for simdjson. A plain scalar pass, roughly 10x slower than simdjson: the decoder calls
// it only after simdjson has refused a document, to tell the client where the problem is.
// UTF-8 is not checked here.
std::optional<JsonSyntaxError> FindJsonSyntaxError(std::string_view text);

// 1-based line and column (in bytes) of `offset` within `text`.
struct TextPosition {
  size_t line = 1;
  size_t column = 1;
};
TextPosition PositionOf(std::string_view text, size_t offset);

}  // namespace mltrack::ingest
