#pragma once
// SQL literals for ClickHouse, the one way user input reaches a query's text. ClickHouse 18.16's
// HTTP interface has no bound parameters (`param_<name>` arrived in 19.x), so every value is
// written as a literal that cannot end early: strings are single-quoted with every byte that is
// not printable ASCII, and the quote and backslash themselves, written as a \xHH escape, so the
// literal's text is plain ASCII whatever the input holds (quotes, backslashes, NUL, newlines,
// invalid UTF-8). Identifiers never come from input: column names are the fixed schema's, and
// tag keys and score names are looked up as string literals, never spliced as names.

#include <cstdint>
#include <string>
#include <string_view>

namespace mltrack::backend::clickhouse {

// 'text' with the escaping above. The value ClickHouse reads back is exactly `text`'s bytes.
std::string SqlString(std::string_view text);

// A double as an expression of exactly its bits: reinterpretAsFloat64(unhex('<8 bytes LE>')).
// Not a decimal literal: 18.16's text parser does not round every decimal correctly (it reads
// '5e-324' as 0), and the differential test needs the bits the embedded store compares with.
std::string SqlDouble(double value);

// A decimal integer literal.
std::string SqlInt(int64_t value);

}  // namespace mltrack::backend::clickhouse
