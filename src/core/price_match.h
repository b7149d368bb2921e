#pragma once

#include <cstdint>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace mltrack {

// One node of the price catalogue's boolean match logic (data_v2.schema.json: ClauseEquals,
// ClauseStartsWith, ClauseEndsWith, ClauseContains, ClauseRegex, ClauseOr, ClauseAnd). The same
// logic says which model names a catalogue model answers to, which provider names a provider
// answers to, and which model names hint at a provider.
//
// Semantics follow the upstream genai-prices library: the name is lower-cased and trimmed before
// matching (NormalizePriceName), string clauses compare case-insensitively, a regex is an
// ECMAScript pattern searched anywhere in the lower-cased name (JavaScript's RegExp.test).
// An immutable value once built; safe to share between threads.
class MatchRule {
 public:
  enum class Kind : uint8_t {
    kNever = 0,
    kEquals,
    kStartsWith,
    kEndsWith,
    kContains,
    kRegex,
    kOr,
    kAnd
  };

  MatchRule() = default;                                    // matches nothing
  static MatchRule Text(Kind kind, std::string_view text);  // kEquals..kContains
  // std::regex_error escapes to the caller: the catalogue parser turns it into a Status.
  static MatchRule Regex(const std::string& pattern);
  static MatchRule Any(std::vector<MatchRule> children);
  static MatchRule All(std::vector<MatchRule> children);

  // `name` must already be normalized (NormalizePriceName).
  bool Matches(std::string_view name) const;
  Kind kind() const { return kind_; }

 private:
  Kind kind_ = Kind::kNever;
  std::string text_;  // lower-cased operand of a text clause
  std::shared_ptr<const std::regex> regex_;
  std::vector<MatchRule> children_;
};

// Lower-cases ASCII and trims surrounding whitespace, as upstream does to every model and
// provider reference before it is matched.
std::string NormalizePriceName(std::string_view name);

// Rewrites compact dates in a model name to ISO form ("claude-3-5-sonnet-20241022" →
// "claude-3-5-sonnet-2024-10-22"), as upstream retries a lookup with; a dash, 20YY, a valid
// month and day, then a dash, ':' or the end. Returns the name unchanged when there is none.
std::string ExpandCompactDates(std::string_view name);

}  // namespace mltrack
