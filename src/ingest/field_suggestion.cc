#include "ingest/field_suggestion.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "ingest/event_fields.h"

namespace mltrack::ingest {
namespace {

// Names other tools use for our fields; an unknown field with one of these names gets the
// right name suggested even when the edit distance is large.
constexpr std::pair<std::string_view, std::string_view> kAliases[] = {
    {"prompt_tokens", "input_tokens"},   {"completion_tokens", "output_tokens"},
    {"cached_tokens", "cached_input_tokens"}, {"timestamp", "ts"},
    {"time", "ts"},                      {"start_time", "ts"},
    {"created_at", "ts"},                {"latency", "latency_ms"},
    {"duration_ms", "latency_ms"},       {"time_to_first_token_ms", "ttft_ms"},
    {"cost", "cost_usd"},                {"total_cost", "cost_usd"},
    {"metadata", "tags"},                {"labels", "tags"},
    {"user_id", "user"},                 {"project", "experiment"},
    {"model_name", "model"},             {"status_code", "http_status"},
    {"error", "error_type"},             {"stream", "streaming"},
};

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Optimal string alignment distance (Levenshtein plus adjacent transpositions), ignoring case.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev2(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (size_t col = 0; col <= b.size(); ++col) prev[col] = col;
  for (size_t row = 1; row <= a.size(); ++row) {
    cur[0] = row;
    for (size_t col = 1; col <= b.size(); ++col) {
      const size_t cost = Lower(a[row - 1]) == Lower(b[col - 1]) ? 0 : 1;
      cur[col] = std::min({prev[col] + 1, cur[col - 1] + 1, prev[col - 1] + cost});
      if (row > 1 && col > 1 && Lower(a[row - 1]) == Lower(b[col - 2]) &&
          Lower(a[row - 2]) == Lower(b[col - 1])) {
        cur[col] = std::min(cur[col], prev2[col - 2] + 1);
      }
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::string_view SuggestFieldName(std::string_view unknown) {
  for (const auto& [alias, name] : kAliases) {
    if (EditDistance(alias, unknown) == 0) return name;
  }
  std::string_view best;
  size_t best_distance = unknown.size() <= 4 ? 1 : 2;  // larger distances suggest nonsense
  for (std::string_view name : kEventFieldNames) {
    const size_t distance = EditDistance(name, unknown);
    if (distance <= best_distance && (best.empty() || distance < best_distance)) {
      best = name;
      best_distance = distance;
    }
  }
  return best;
}

std::string UnknownFieldReason(std::string_view key) {
  if (key == "total_tokens") {
    return "unknown field (total_tokens is derived: send input_tokens and output_tokens)";
  }
  if (key == "tokens_per_s") {
    return "unknown field (tokens_per_s is derived: send output_tokens, latency_ms and ttft_ms)";
  }
  const std::string_view suggestion = SuggestFieldName(key);
  if (suggestion.empty()) return "unknown field";
  return "unknown field (did you mean \"" + std::string(suggestion) + "\"?)";
}

}  // namespace mltrack::ingest
