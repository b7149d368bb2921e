#include "ingest/event_object.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <cmath>
#include <optional>
#include <utility>

#include "core/time.h"
#include "ingest/json_number.h"

namespace mltrack::ingest {
namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;
using simdjson::SUCCESS;
using od::json_type;

// The top-level fields of schema v1, in the order of DESIGN.md §6.
enum class InField : uint8_t {
  kId, kTs, kExperiment, kRunId, kSessionId, kTraceId, kUser, kTeam, kProvider, kModel,
  kOperation, kEndpoint, kStatus, kErrorType, kHttpStatus, kInputTokens, kOutputTokens,
  kCachedInputTokens, kCacheWriteTokens, kReasoningTokens, kCostUsd, kLatencyMs, kTtftMs,
  kCacheHit, kStreaming, kPromptName, kPromptVersion, kScores, kTags,
};
constexpr std::array<std::string_view, 29> kInFieldNames = {
    "id", "ts", "experiment", "run_id", "session_id", "trace_id", "user", "team", "provider",
    "model", "operation", "endpoint", "status", "error_type", "http_status", "input_tokens",
    "output_tokens", "cached_input_tokens", "cache_write_tokens", "reasoning_tokens", "cost_usd",
    "latency_ms", "ttft_ms", "cache_hit", "streaming", "prompt_name", "prompt_version", "scores",
    "tags"};

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

uint32_t Bit(InField field) { return 1u << static_cast<unsigned>(field); }
std::string_view Name(InField field) { return kInFieldNames[static_cast<size_t>(field)]; }

// Field names grouped by length, so that a lookup compares bytes with one or two names only
// (this runs for every field of every event).
struct FieldsByLength {
  static constexpr size_t kMaxLength = 20;
  std::array<std::array<int8_t, 6>, kMaxLength + 1> ids{};  // -1 terminated
  constexpr FieldsByLength() {
    for (auto& bucket : ids) bucket.fill(-1);
    for (size_t field_idx = 0; field_idx < kInFieldNames.size(); ++field_idx) {
      auto& bucket = ids[kInFieldNames[field_idx].size()];
      size_t slot = 0;
      while (bucket[slot] != -1) ++slot;
      bucket[slot] = static_cast<int8_t>(field_idx);
    }
  }
};
constexpr FieldsByLength kFieldsByLength;

std::optional<InField> LookupField(std::string_view key) {
  if (key.empty() || key.size() > FieldsByLength::kMaxLength) return std::nullopt;
  for (int8_t field_idx : kFieldsByLength.ids[key.size()]) {
    if (field_idx < 0) break;
    const std::string_view name = kInFieldNames[static_cast<size_t>(field_idx)];
    if (name[0] == key[0] && std::memcmp(name.data(), key.data(), key.size()) == 0) {
      return static_cast<InField>(field_idx);
    }
  }
  return std::nullopt;
}

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

std::string_view TrimJson(std::string_view token) {
  while (!token.empty() && (token.back() == ' ' || token.back() == '\n' || token.back() == '\r' ||
                            token.back() == '\t')) {
    token.remove_suffix(1);
  }
  return token;
}

// At most `max_bytes` of `text`, cut on a UTF-8 character boundary, with "..." when cut.
std::string Clip(std::string_view text, size_t max_bytes = 40) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "...";
}

std::string FormatInt(uint64_t value) { return std::to_string(value); }

// The name of a field in a problem: "user", or "tags.env" for an entry of a map. Built only when
// there is a problem, so the valid path allocates nothing.
struct FieldPath {
  std::string_view field;
  std::string_view key;  // empty for a top-level field
  std::string str() const {
    return key.empty() ? std::string(field) : std::string(field) + "." + Clip(key, kMaxKeyBytes);
  }
};

class EventReader {
 public:
  EventReader(const EventContext& context, ProblemSink& sink, Event& event)
      : context_(context), sink_(sink), event_(event) {}

  error_code Read(od::object& object) {
    for (auto field_result : object) {
      od::field field;
      if (error_code err = std::move(field_result).get(field)) return err;
      const bool key_bad_utf8 = HasBadUtf8Key(field);
      std::string_view key;
      if (error_code err = field.unescaped_key().get(key)) return err;
      const std::optional<InField> known = key_bad_utf8 ? std::nullopt : LookupField(key);
      if (!known) {
        Problem(Clip(key, kMaxKeyBytes), key_bad_utf8 ? "unknown field (its name is not valid UTF-8)"
                                                      : UnknownFieldReason(key));
        continue;  // the value is skipped by the iteration
      }
      if (seen_ & Bit(*known)) {
        FieldProblem(*known, "duplicate field (it appears more than once in the event)");
        continue;
      }
      seen_ |= Bit(*known);
      if (error_code err = ReadField(*known, field.value())) return err;
    }
    CheckRequiredAndRelations();
    return SUCCESS;
  }

 private:
  void Problem(std::string field, std::string reason) {
    sink_.Add(context_.index, std::move(field), std::move(reason));
  }
  void FieldProblem(InField field, std::string reason) {
    problem_fields_ |= Bit(field);
    Problem(std::string(Name(field)), std::move(reason));
  }
  // For the many early exits of the readers: a problem is not a parse error.
  error_code Reject(InField field, std::string reason) {
    FieldProblem(field, std::move(reason));
    return SUCCESS;
  }
  error_code MarkProblem(InField field) {
    problem_fields_ |= Bit(field);
    return SUCCESS;
  }

  static std::string UnknownFieldReason(std::string_view key) {
    if (key == "total_tokens") {
      return "unknown field (total_tokens is derived: send input_tokens and output_tokens)";
    }
    const std::string_view suggestion = SuggestFieldName(key);
    if (suggestion.empty()) return "unknown field";
    return "unknown field (did you mean \"" + std::string(suggestion) + "\"?)";
  }

  bool HasBadUtf8(std::string_view raw) const {
    if (context_.bad_utf8->empty()) return false;
    const size_t begin = static_cast<size_t>(raw.data() - context_.buffer);
    return Overlaps(*context_.bad_utf8, begin, begin + raw.size());
  }
  bool HasBadUtf8(od::value& value) const {
    return !context_.bad_utf8->empty() && HasBadUtf8(value.raw_json_token());
  }
  // Must run before unescaped_key(), which consumes the key.
  bool HasBadUtf8Key(od::field& field) const {
    if (context_.bad_utf8->empty()) return false;
    const char* begin = field.key().raw();  // just after the opening quote
    const char* end = begin;
    while (*end != '"') end += *end == '\\' ? 2 : 1;  // the key was checked to be terminated
    return HasBadUtf8(std::string_view(begin, static_cast<size_t>(end - begin)));
  }

  static std::string Got(od::value& value, json_type type) {
    if (type == json_type::object) return "got an object";
    if (type == json_type::array) return "got an array";
    return "got " + Clip(TrimJson(value.raw_json_token()));
  }

  // Consumes a null; a token that starts with 'n' but is not null is malformed JSON.
  static error_code ConsumeNull(od::value& value) {
    bool is_null = false;
    if (error_code err = value.is_null().get(is_null)) return err;
    return is_null ? SUCCESS : simdjson::N_ATOM_ERROR;
  }

  // Null means "absent" for every optional field: many clients serialize a missing value so.
  error_code TypeOrNull(od::value& value, json_type& type, bool& is_null) {
    if (error_code err = value.type().get(type)) return err;
    is_null = type == json_type::null;
    return is_null ? ConsumeNull(value) : SUCCESS;
  }

  // The number token of `value`, or nullopt (with a problem added) when it is not valid.
  std::optional<JsonNumber> NumberToken(InField field, od::value& value) {
    std::optional<JsonNumber> number = SplitJsonNumber(TrimJson(value.raw_json_token()));
    if (!number) FieldProblem(field, "malformed number " + Clip(TrimJson(value.raw_json_token())));
    return number;
  }

  error_code ReadField(InField field, od::value value) {
    switch (field) {
      case InField::kId: return ReadString(field, value, kMaxIdBytes, event_.id);
      case InField::kTs: return ReadTs(value);
      case InField::kExperiment: return ReadString(field, value, kMaxStringBytes, event_.experiment);
      case InField::kRunId: return ReadString(field, value, kMaxStringBytes, event_.run_id);
      case InField::kSessionId: return ReadString(field, value, kMaxStringBytes, event_.session_id);
      case InField::kTraceId: return ReadString(field, value, kMaxStringBytes, event_.trace_id);
      case InField::kUser: return ReadString(field, value, kMaxStringBytes, event_.user);
      case InField::kTeam: return ReadString(field, value, kMaxStringBytes, event_.team);
      case InField::kProvider: return ReadString(field, value, kMaxStringBytes, event_.provider);
      case InField::kModel: return ReadString(field, value, kMaxStringBytes, event_.model);
      case InField::kOperation: return ReadOperation(value);
      case InField::kEndpoint: return ReadString(field, value, kMaxStringBytes, event_.endpoint);
      case InField::kStatus: return ReadStatus(value);
      case InField::kErrorType: return ReadString(field, value, kMaxStringBytes, event_.error_type);
      case InField::kHttpStatus: return ReadHttpStatus(value);
      case InField::kInputTokens: return ReadCount(field, value, event_.input_tokens);
      case InField::kOutputTokens: return ReadCount(field, value, event_.output_tokens);
      case InField::kCachedInputTokens: return ReadCount(field, value, event_.cached_input_tokens);
      case InField::kCacheWriteTokens: return ReadCount(field, value, event_.cache_write_tokens);
      case InField::kReasoningTokens: return ReadCount(field, value, event_.reasoning_tokens);
      case InField::kCostUsd: return ReadCost(value);
      case InField::kLatencyMs: return ReadMillis(field, value, event_.latency_ms);
      case InField::kTtftMs: return ReadMillis(field, value, event_.ttft_ms);
      case InField::kCacheHit: return ReadBool(field, value, event_.cache_hit);
      case InField::kStreaming: return ReadBool(field, value, event_.streaming);
      case InField::kPromptName: return ReadString(field, value, kMaxStringBytes, event_.prompt_name);
      case InField::kPromptVersion:
        return ReadString(field, value, kMaxStringBytes, event_.prompt_version);
      case InField::kScores: return ReadScores(value);
      case InField::kTags: return ReadTags(value);
    }
    return SUCCESS;
  }

  // Reads a string into `text`; false (with a problem added) when it is not a usable string.
  // `field_name` names the problem; a non-string is described by `type_rule`.
  error_code ReadText(od::value& value, json_type type, FieldPath path,
                      size_t max_bytes, std::string_view type_rule, std::string_view& text,
                      bool& usable) {
    usable = false;
    if (type != json_type::string) {
      Problem(path.str(), std::string(type_rule) + ", " + Got(value, type));
      return SUCCESS;
    }
    if (HasBadUtf8(value)) {
      Problem(path.str(), "not valid UTF-8");
      return SUCCESS;
    }
    const error_code err = value.get_string().get(text);
    if (err == simdjson::STRING_ERROR) {
      Problem(path.str(), "invalid escape in the string (e.g. a lone surrogate such as \\ud800)");
      return SUCCESS;
    }
    if (err) return err;
    if (text.size() > max_bytes) {
      Problem(path.str(), "longer than " + std::to_string(max_bytes) + " bytes (got " +
                              std::to_string(text.size()) + ")");
      return SUCCESS;
    }
    usable = true;
    return SUCCESS;
  }

  // An empty string is the same as an absent field (so `experiment: ""` keeps "default").
  error_code ReadString(InField field, od::value& value, size_t max_bytes, std::string& out) {
    json_type type;
    bool is_null = false;
    if (error_code err = TypeOrNull(value, type, is_null); err || is_null) return err;
    std::string_view text;
    bool usable = false;
    const size_t problems_before = sink_.count();
    if (error_code err = ReadText(value, type, {Name(field), {}}, max_bytes,
                                  "must be a string", text, usable)) {
      return err;
    }
    if (sink_.count() != problems_before) problem_fields_ |= Bit(field);
    if (usable && !text.empty()) out.assign(text);
    return SUCCESS;
  }

  error_code ReadTs(od::value& value) {
    constexpr std::string_view kRule = "must be an RFC 3339 string or integer epoch milliseconds";
    json_type type;
    bool is_null = false;
    if (error_code err = TypeOrNull(value, type, is_null); err || is_null) {
      if (is_null) seen_ &= ~Bit(InField::kTs);  // null = missing: reported as required
      return err;
    }
    if (type == json_type::string) {
      std::string_view text;
      bool usable = false;
      if (error_code err = ReadText(value, type, {"ts", {}}, 64, kRule, text, usable)) return err;
      if (!usable) return MarkProblem(InField::kTs);
      Result<int64_t> parsed = ParseRfc3339(text);
      if (!parsed.ok()) return Reject(InField::kTs, parsed.status().message());
      CheckTsRange(*parsed, false);
      return SUCCESS;
    }
    if (type != json_type::number) return Reject(InField::kTs, std::string(kRule) + ", " + Got(value, type));
    std::optional<JsonNumber> number = NumberToken(InField::kTs, value);
    if (!number) return SUCCESS;
    const std::string token = Clip(TrimJson(value.raw_json_token()));
    if (number->has_fraction_or_exponent()) {
      FieldProblem(InField::kTs, std::string(kRule) + " (a whole number), got " + token);
    } else if (number->negative && !number->is_zero()) {
      FieldProblem(InField::kTs, "must not be negative, got " + token);
    } else if (std::optional<uint64_t> ms = JsonNumberToUnsigned(*number, INT64_MAX)) {
      CheckTsRange(static_cast<int64_t>(*ms), true);
    } else {
      FieldProblem(InField::kTs, "after 2200-01-01, got " + token);
    }
    return SUCCESS;
  }

  // Times outside 2000..2200 are nearly always a unit mistake, so the reason names the unit.
  void CheckTsRange(int64_t ms, bool from_number) {
    if (ms >= kMinTsMs && ms < kMaxTsMs) {
      event_.ts_ms = ms;
      return;
    }
    const std::string shown = from_number ? std::to_string(ms) : FormatRfc3339(ms);
    auto in_range = [](int64_t candidate) { return candidate >= kMinTsMs && candidate < kMaxTsMs; };
    std::string reason;
    if (from_number && ms < kMinTsMs && ms <= INT64_MAX / 1000 && in_range(ms * 1000)) {
      reason = "looks like epoch seconds (" + shown + " = " + FormatRfc3339(ms * 1000) +
               "); ts takes epoch milliseconds: send " + std::to_string(ms * 1000);
    } else if (from_number && ms >= kMaxTsMs && in_range(ms / 1000)) {
      reason = "looks like epoch microseconds (" + shown + "); ts takes epoch milliseconds: send " +
               std::to_string(ms / 1000);
    } else if (from_number && ms >= kMaxTsMs && in_range(ms / 1'000'000)) {
      reason = "looks like epoch nanoseconds (" + shown + "); ts takes epoch milliseconds: send " +
               std::to_string(ms / 1'000'000);
    } else if (ms < kMinTsMs) {
      reason = "before 2000-01-01, got " + shown;
    } else {
      reason = "after 2200-01-01, got " + shown;
    }
    FieldProblem(InField::kTs, std::move(reason));
  }

  error_code ReadOperation(od::value& value) {
    json_type type;
    bool is_null = false;
    if (error_code err = TypeOrNull(value, type, is_null); err || is_null) {
      if (is_null) seen_ &= ~Bit(InField::kOperation);
      return err;
    }
    constexpr std::string_view kRule =
        "must be one of \"chat\", \"completion\", \"embedding\", \"tool\", \"run\", \"other\"";
    std::string_view text;
    bool usable = false;
    if (error_code err = ReadText(value, type, {"operation", {}}, 64, kRule, text, usable)) return err;
    if (!usable) return MarkProblem(InField::kOperation);
    if (std::optional<Operation> op = ParseOperation(text)) {
      event_.operation = *op;
    } else {
      FieldProblem(InField::kOperation, std::string(kRule) + ", got \"" + Clip(text) + "\"");
    }
    return SUCCESS;
  }

  error_code ReadStatus(od::value& value) {
    json_type type;
    bool is_null = false;
    if (error_code err = TypeOrNull(value, type, is_null); err || is_null) return err;
    constexpr std::string_view kRule = "must be one of \"ok\", \"error\"";
    std::string_view text;
    bool usable = false;
    if (error_code err = ReadText(value, type, {"status", {}}, 64, kRule, text, usable)) return err;
    if (!usable) return MarkProblem(InField::kStatus);
    if (std::optional<EventStatus> status = ParseEventStatus(text)) {
      event_.status = *status;
    } else {
      FieldProblem(InField::kStatus, std::string(kRule) + ", got \"" + Clip(text) + "\"");
    }
    return SUCCESS;
  }

  error_code ReadHttpStatus(od::value& value) {
    constexpr std::string_view kRule = "must be an integer 100..599";
    json_type type;
    bool is_null = false;
    if (error_code err = TypeOrNull(value, type, is_null); err || is_null) return err;
    if (type != json_type::number) {
      return Reject(InField::kHttpStatus, std::string(kRule) + ", " + Got(value, type));
    }
    std::optional<JsonNumber> number = NumberToken(InField::kHttpStatus, value);
    if (!number) return SUCCESS;
    std::optional<uint64_t> code = JsonNumberToUnsigned(*number, 599);
    if (!code || *code < 100) {
      FieldProblem(InField::kHttpStatus,
                   std::string(kRule) + ", got " + Clip(TrimJson(value.raw_json_token())));
    } else {
      event_.http_status = static_cast<int32_t>(*code);
    }
    return SUCCESS;
  }

  error_code ReadCount(InField field, od::value& value, std::optional<int64_t>& out) {
    constexpr std::string_view kRule = "must be an integer ≥ 0";
    json_type type;
    bool is_null = false;
    if (error_code err = TypeOrNull(value, type, is_null); err || is_null) return err;
    if (type != json_type::number) {
      return Reject(field, std::string(kRule) + ", " + Got(value, type));
    }
    std::optional<JsonNumber> number = NumberToken(field, value);
    if (!number) return SUCCESS;
    const std::string token = Clip(TrimJson(value.raw_json_token()));
    if (number->has_fraction_or_exponent() || (number->negative && !number->is_zero())) {
      FieldProblem(field, std::string(kRule) + ", got " + token);
    } else if (std::optional<uint64_t> count = JsonNumberToUnsigned(*number, kMaxTokenCount)) {
      out = static_cast<int64_t>(*count);
    } else {
      FieldProblem(field, "must be ≤ 2^53 (9007199254740992), got " + token);
    }
    return SUCCESS;
  }

  error_code ReadCost(od::value& value) {
    constexpr std::string_view kRule = "must be a number ≥ 0 (USD)";
    json_type type;
    bool is_null = false;
    if (error_code err = TypeOrNull(value, type, is_null); err || is_null) return err;
    if (type != json_type::number) {
      return Reject(InField::kCostUsd, std::string(kRule) + ", " + Got(value, type));
    }
    std::optional<JsonNumber> number = NumberToken(InField::kCostUsd, value);
    if (!number) return SUCCESS;
    const std::string token = Clip(TrimJson(value.raw_json_token()));
    if (number->negative && !number->is_zero()) {
      FieldProblem(InField::kCostUsd, std::string(kRule) + ", got " + token);
    } else if (std::optional<int64_t> nano = JsonNumberToNano(*number, kMaxCostUsd * kNanoPerUsd)) {
      event_.cost_nano_usd = *nano;
    } else {
      FieldProblem(InField::kCostUsd, "must be ≤ " + std::to_string(kMaxCostUsd) +
                                          " USD for one event, got " + token);
    }
    return SUCCESS;
  }

  // A finite double from a validated number token; nullopt when it overflows double.
  static std::optional<double> ToDouble(std::string_view token) {
    double parsed = 0;
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), parsed);
    if (ec != std::errc() || end != token.data() + token.size() || !std::isfinite(parsed)) {
      return std::nullopt;  // from_chars reports out of range for 1e999 and for denormal underflow
    }
    return parsed == 0 ? 0.0 : parsed;  // -0 is stored as 0
  }

  error_code ReadMillis(InField field, od::value& value, std::optional<double>& out) {
    constexpr std::string_view kRule = "must be a finite number ≥ 0 (milliseconds)";
    json_type type;
    bool is_null = false;
    if (error_code err = TypeOrNull(value, type, is_null); err || is_null) return err;
    if (type != json_type::number) {
      return Reject(field, std::string(kRule) + ", " + Got(value, type));
    }
    std::optional<JsonNumber> number = NumberToken(field, value);
    if (!number) return SUCCESS;
    const std::string_view token = TrimJson(value.raw_json_token());
    std::optional<double> millis = ToDouble(token);
    if (number->negative && !number->is_zero()) {
      FieldProblem(field, std::string(kRule) + ", got " + Clip(token));
    } else if (!millis) {
      FieldProblem(field, std::string(kRule) + ", got " + Clip(token) + " (out of range)");
    } else {
      out = *millis;
    }
    return SUCCESS;
  }

  error_code ReadBool(InField field, od::value& value, std::optional<bool>& out) {
    json_type type;
    bool is_null = false;
    if (error_code err = TypeOrNull(value, type, is_null); err || is_null) return err;
    bool flag = false;
    if (type != json_type::boolean || value.get_bool().get(flag) != SUCCESS) {
      FieldProblem(field, "must be true or false, " + Got(value, type));
      return SUCCESS;
    }
    out = flag;
    return SUCCESS;
  }

  // Reads `tags` / `scores` as an object; `read_entry` handles one (key, value).
  template <typename ReadEntry>
  error_code ReadMap(InField field, od::value& value, std::string_view type_rule, size_t max_entries,
                     std::string_view entry_noun, ReadEntry read_entry) {
    json_type type;
    bool is_null = false;
    if (error_code err = TypeOrNull(value, type, is_null); err || is_null) return err;
    if (type != json_type::object) {
      return Reject(field, std::string(type_rule) + ", " + Got(value, type));
    }
    od::object object;
    if (error_code err = value.get_object().get(object)) return err;
    size_t entries = 0;
    bool reported_too_many = false;
    for (auto entry_result : object) {
      od::field entry;
      if (error_code err = std::move(entry_result).get(entry)) return err;
      const bool key_bad_utf8 = HasBadUtf8Key(entry);
      std::string_view key;
      if (error_code err = entry.unescaped_key().get(key)) return err;
      const FieldPath path{Name(field), key};
      if (key_bad_utf8) {
        Problem(path.str(), "the " + std::string(entry_noun) + " is not valid UTF-8");
        continue;
      }
      if (key.empty()) {
        Problem(std::string(Name(field)), "an empty " + std::string(entry_noun) + " is not allowed");
        continue;
      }
      if (key.size() > kMaxKeyBytes) {
        Problem(path.str(), "the " + std::string(entry_noun) + " is longer than " +
                          std::to_string(kMaxKeyBytes) + " bytes (got " + std::to_string(key.size()) + ")");
        continue;
      }
      if (++entries > max_entries) {
        if (!reported_too_many) {
          FieldProblem(field, "more than " + std::to_string(max_entries) + " entries");
          reported_too_many = true;
        }
        continue;
      }
      if (error_code err = read_entry(key, path, entry.value())) return err;
    }
    return SUCCESS;
  }

  template <typename Value>
  static bool HasKey(const std::vector<std::pair<std::string, Value>>& entries, std::string_view key) {
    return std::any_of(entries.begin(), entries.end(),
                       [&](const auto& entry) { return entry.first == key; });
  }

  error_code ReadScores(od::value& value) {
    return ReadMap(InField::kScores, value, "must be an object of name → number",
                   kMaxScoresPerEvent, "score name",
                   [&](std::string_view name, const FieldPath& path, od::value score) -> error_code {
                     json_type type;
                     bool is_null = false;
                     if (error_code err = TypeOrNull(score, type, is_null); err || is_null) return err;
                     if (HasKey(event_.scores, name)) {
                       Problem(path.str(), "duplicate score name");
                       return SUCCESS;
                     }
                     std::optional<double> parsed;
                     if (type == json_type::number) parsed = ToDouble(TrimJson(score.raw_json_token()));
                     if (!parsed) {
                       Problem(path.str(), "must be a finite number, " + Got(score, type));
                       return SUCCESS;
                     }
                     if (event_.scores.empty()) event_.scores.reserve(4);
                     event_.scores.emplace_back(std::string(name), *parsed);
                     return SUCCESS;
                   });
  }

  error_code ReadTags(od::value& value) {
    return ReadMap(InField::kTags, value, "must be an object of string → string",
                   kMaxTagsPerEvent, "tag key",
                   [&](std::string_view key, const FieldPath& path, od::value tag) -> error_code {
                     json_type type;
                     bool is_null = false;
                     if (error_code err = TypeOrNull(tag, type, is_null); err || is_null) return err;
                     if (HasKey(event_.tags, key)) {
                       Problem(path.str(), "duplicate tag key");
                       return SUCCESS;
                     }
                     std::string key_copy(key);
                     std::string_view text;
                     bool usable = false;
                     if (error_code err = ReadText(tag, type, path, kMaxStringBytes,
                                                   "must be a string (tag values are strings: "
                                                   "write \"3\", not 3)",
                                                   text, usable)) {
                       return err;
                     }
                     if (!usable) return SUCCESS;
                     if (event_.tags.empty()) event_.tags.reserve(4);
                     event_.tags.emplace_back(std::move(key_copy), std::string(text));
                     return SUCCESS;
                   });
  }

  void CheckRequiredAndRelations() {
    if (!(seen_ & Bit(InField::kTs)) && !(problem_fields_ & Bit(InField::kTs))) {
      FieldProblem(InField::kTs, "missing (required)");
    }
    const bool llm = event_.operation == Operation::kChat ||
                     event_.operation == Operation::kCompletion ||
                     event_.operation == Operation::kEmbedding;
    if (llm && event_.model.empty() && !(problem_fields_ & Bit(InField::kModel)) &&
        !(problem_fields_ & Bit(InField::kOperation))) {
      const std::string op(OperationName(event_.operation));
      FieldProblem(InField::kModel,
                   seen_ & Bit(InField::kOperation)
                       ? "missing (required when operation is \"" + op + "\")"
                       : "missing (required: operation defaults to \"chat\"; use operation "
                         "\"tool\", \"run\" or \"other\" for work without a model)");
    }
    if (event_.cached_input_tokens && event_.input_tokens &&
        *event_.cached_input_tokens > *event_.input_tokens) {
      FieldProblem(InField::kCachedInputTokens,
                   "cached_input_tokens (" + FormatInt(*event_.cached_input_tokens) +
                       ") must be ≤ input_tokens (" + FormatInt(*event_.input_tokens) +
                       "): input_tokens includes cached tokens");
    }
    if (event_.reasoning_tokens && event_.output_tokens &&
        *event_.reasoning_tokens > *event_.output_tokens) {
      FieldProblem(InField::kReasoningTokens,
                   "reasoning_tokens (" + FormatInt(*event_.reasoning_tokens) +
                       ") must be ≤ output_tokens (" + FormatInt(*event_.output_tokens) +
                       "): output_tokens includes reasoning tokens");
    }
  }

  const EventContext& context_;
  ProblemSink& sink_;
  Event& event_;
  uint32_t seen_ = 0;            // fields present (and not null)
  uint32_t problem_fields_ = 0;  // fields that already have a problem
};

}  // namespace

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

std::string_view SuggestFieldName(std::string_view unknown) {
  for (const auto& [alias, name] : kAliases) {
    if (EditDistance(alias, unknown) == 0) return name;
  }
  std::string_view best;
  size_t best_distance = unknown.size() <= 4 ? 1 : 2;  // larger distances suggest nonsense
  for (std::string_view name : kInFieldNames) {
    const size_t distance = EditDistance(name, unknown);
    if (distance <= best_distance && (best.empty() || distance < best_distance)) {
      best = name;
      best_distance = distance;
    }
  }
  return best;
}

simdjson::error_code DecodeEventObject(simdjson::ondemand::object& object,
                                       const EventContext& context, ProblemSink& sink,
                                       Event& event) {
  return EventReader(context, sink, event).Read(object);
}

}  // namespace mltrack::ingest
