#pragma once
// Internal to the ingest module: the "did you mean" help for an unknown top-level field.
// Unknown fields are errors (typo safety, docs/event_schema.md); the reason should say what
// the sender most likely meant.

#include <string>
#include <string_view>

namespace mltrack::ingest {

// The known top-level field closest to `unknown`: the field that another tool's name maps to
// ("prompt_tokens" → "input_tokens"), else the one within a small edit distance, ignoring case
// ("modle" → "model"). Empty when none is close: a far-fetched guess would mislead. The view
// refers to static storage.
std::string_view SuggestFieldName(std::string_view unknown);

// The reason for the problem of an unknown field `key`: "unknown field", with a suggestion
// when SuggestFieldName has one, and an explanation for total_tokens (derived, not accepted).
std::string UnknownFieldReason(std::string_view key);

}  // namespace mltrack::ingest
