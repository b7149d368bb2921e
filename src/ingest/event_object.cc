#include "ingest/event_object.h"

#include <optional>
#include <string>
#include <utility>

#include "core/time.h"
#include "ingest/event_fields.h"
#include "ingest/event_maps.h"
#include "ingest/field_suggestion.h"
#include "ingest/json_number.h"

namespace mltrack::ingest {
namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;
using simdjson::SUCCESS;
using od::json_type;

constexpr uint32_t Bit(EventField field) { return 1u << static_cast<unsigned>(field); }

// Fields for which null undoes "seen": a null ts is reported as missing, and after a null
// operation the missing-model reason says that operation defaulted to "chat". (Any other field
// sent as null and then again is a duplicate.)
constexpr uint32_t kNullIsUnseen = Bit(EventField::kTs) | Bit(EventField::kOperation);

std::string FormatInt(uint64_t value) { return std::to_string(value); }

class EventReader : public ValueReader {
 public:
  EventReader(const EventContext& context, ProblemSink& sink, Event& event)
      : ValueReader(context, sink), event_(event) {}

  error_code Read(od::object& object) {
    for (auto field_result : object) {
      od::field field;
      if (error_code err = std::move(field_result).get(field)) return err;
      const bool key_bad_utf8 = HasBadUtf8Key(field);
      std::string_view key;
      if (error_code err = Key(field, key)) return err;
      const std::optional<EventField> known = key_bad_utf8 ? std::nullopt : LookupEventField(key);
      if (!known) {
        Problem(Clip(key, kMaxKeyBytes), key_bad_utf8
                                             ? "unknown field (its name is not valid UTF-8)"
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
  void FieldProblem(EventField field, std::string reason) {
    problem_fields_ |= Bit(field);
    Problem(std::string(EventFieldName(field)), std::move(reason));
  }
  // For the many early exits of the readers: a problem is not a parse error.
  error_code Reject(EventField field, std::string reason) {
    FieldProblem(field, std::move(reason));
    return SUCCESS;
  }
  error_code MarkProblem(EventField field) {
    problem_fields_ |= Bit(field);
    return SUCCESS;
  }

  error_code TypeOrNull(EventField field, od::value& value, json_type& type, bool& is_null) {
    if (error_code err = ValueReader::TypeOrNull(value, type, is_null)) return err;
    if (is_null && (Bit(field) & kNullIsUnseen)) seen_ &= ~Bit(field);
    return SUCCESS;
  }

  // The number token of a numeric field; nullopt (with a problem added unless the value is null)
  // when the value is null, not a number (described by `rule`), or a malformed number.
  error_code ReadNumber(EventField field, od::value& value, std::string_view rule,
                        std::optional<JsonNumber>& number) {
    json_type type;
    bool is_null = false;
    if (error_code err = TypeOrNull(field, value, type, is_null); err || is_null) return err;
    if (type != json_type::number) {
      return Reject(field, std::string(rule) + ", " + Got(value, type));
    }
    number = NumberToken(field, value);
    return SUCCESS;
  }
  // The number token of `value`, or nullopt (with a problem added) when it is not valid.
  std::optional<JsonNumber> NumberToken(EventField field, od::value& value) {
    std::optional<JsonNumber> number = SplitJsonNumber(TrimJson(value.raw_json_token()));
    if (!number) FieldProblem(field, "malformed number " + Clip(TrimJson(value.raw_json_token())));
    return number;
  }

  error_code ReadField(EventField field, od::value value) {
    using enum EventField;
    switch (field) {
      case kId: return ReadString(field, value, kMaxIdBytes, event_.id);
      case kTs: return ReadTs(value);
      case kExperiment: return ReadString(field, value, kMaxStringBytes, event_.experiment);
      case kRunId: return ReadString(field, value, kMaxStringBytes, event_.run_id);
      case kSessionId: return ReadString(field, value, kMaxStringBytes, event_.session_id);
      case kTraceId: return ReadString(field, value, kMaxStringBytes, event_.trace_id);
      case kUser: return ReadString(field, value, kMaxStringBytes, event_.user);
      case kTeam: return ReadString(field, value, kMaxStringBytes, event_.team);
      case kProvider: return ReadString(field, value, kMaxStringBytes, event_.provider);
      case kModel: return ReadString(field, value, kMaxStringBytes, event_.model);
      case kOperation:
        return ReadEnum(field, value, kOperationRule, ParseOperation, event_.operation);
      case kEndpoint: return ReadString(field, value, kMaxStringBytes, event_.endpoint);
      case kStatus: return ReadEnum(field, value, kStatusRule, ParseEventStatus, event_.status);
      case kErrorType: return ReadString(field, value, kMaxStringBytes, event_.error_type);
      case kHttpStatus: return ReadHttpStatus(value);
      case kInputTokens: return ReadCount(field, value, event_.input_tokens);
      case kOutputTokens: return ReadCount(field, value, event_.output_tokens);
      case kCachedInputTokens: return ReadCount(field, value, event_.cached_input_tokens);
      case kCacheWriteTokens: return ReadCount(field, value, event_.cache_write_tokens);
      case kReasoningTokens: return ReadCount(field, value, event_.reasoning_tokens);
      case kCostUsd: return ReadCost(value);
      case kLatencyMs: return ReadMillis(field, value, event_.latency_ms);
      case kTtftMs: return ReadMillis(field, value, event_.ttft_ms);
      case kCacheHit: return ReadBool(field, value, event_.cache_hit);
      case kStreaming: return ReadBool(field, value, event_.streaming);
      case kPromptName: return ReadString(field, value, kMaxStringBytes, event_.prompt_name);
      case kPromptVersion: return ReadString(field, value, kMaxStringBytes, event_.prompt_version);
      case kInputHash: return ReadInputHash(value);
      case kScores: return ReadScores(*this, value, event_.scores);
      case kTags: return ReadTags(*this, value, event_.tags);
    }
    return SUCCESS;
  }

  // An empty string is the same as an absent field (so `experiment: ""` keeps "default").
  error_code ReadString(EventField field, od::value& value, size_t max_bytes, std::string& out) {
    json_type type;
    bool is_null = false;
    if (error_code err = TypeOrNull(field, value, type, is_null); err || is_null) return err;
    std::string_view text;
    bool usable = false;
    const size_t problems_before = problem_count();
    if (error_code err = ReadText(value, type, {EventFieldName(field), {}}, max_bytes,
                                  "must be a string", text, usable)) {
      return err;
    }
    if (problem_count() != problems_before) problem_fields_ |= Bit(field);
    if (usable && !text.empty()) out.assign(text);
    return SUCCESS;
  }

  // A bounded fingerprint: printable ASCII without spaces, so it can be shown and compared as is.
  error_code ReadInputHash(od::value& value) {
    if (error_code err = ReadString(EventField::kInputHash, value, kMaxInputHashBytes, event_.input_hash)) return err;
    if (!event_.input_hash.empty() && !IsValidInputHash(event_.input_hash)) {
      FieldProblem(EventField::kInputHash,
                   "must be printable ASCII without spaces (e.g. a hex SHA-256), got \"" + Clip(event_.input_hash) + "\"");
      event_.input_hash.clear();
    }
    return SUCCESS;
  }

  static constexpr std::string_view kOperationRule =
      "must be one of \"chat\", \"completion\", \"embedding\", \"tool\", \"run\", \"other\"";
  static constexpr std::string_view kStatusRule = "must be one of \"ok\", \"error\"";

  // A field whose value is one of a few names: `parse` maps the text to the enum, or nullopt.
  template <typename Enum>
  error_code ReadEnum(EventField field, od::value& value, std::string_view rule,
                      std::optional<Enum> (*parse)(std::string_view), Enum& out) {
    json_type type;
    bool is_null = false;
    if (error_code err = TypeOrNull(field, value, type, is_null); err || is_null) return err;
    std::string_view text;
    bool usable = false;
    const FieldPath path{EventFieldName(field), {}};
    if (error_code err = ReadText(value, type, path, 64, rule, text, usable)) return err;
    if (!usable) return MarkProblem(field);
    if (std::optional<Enum> parsed = parse(text)) {
      out = *parsed;
    } else {
      FieldProblem(field, std::string(rule) + ", got \"" + Clip(text) + "\"");
    }
    return SUCCESS;
  }

  error_code ReadTs(od::value& value) {
    constexpr std::string_view kRule = "must be an RFC 3339 string or integer epoch milliseconds";
    json_type type;
    bool is_null = false;
    if (error_code err = TypeOrNull(EventField::kTs, value, type, is_null); err || is_null) {
      return err;
    }
    if (type == json_type::string) {
      std::string_view text;
      bool usable = false;
      if (error_code err = ReadText(value, type, {"ts", {}}, 64, kRule, text, usable)) return err;
      if (!usable) return MarkProblem(EventField::kTs);
      Result<int64_t> parsed = ParseRfc3339(text);
      if (!parsed.ok()) return Reject(EventField::kTs, parsed.status().message());
      CheckTsRange(*parsed, false);
      return SUCCESS;
    }
    if (type != json_type::number) {
      return Reject(EventField::kTs, std::string(kRule) + ", " + Got(value, type));
    }
    std::optional<JsonNumber> number = NumberToken(EventField::kTs, value);
    if (!number) return SUCCESS;
    // Built only for a problem: the valid path copies nothing.
    auto token = [&value] { return Clip(TrimJson(value.raw_json_token())); };
    if (number->has_fraction_or_exponent()) {
      FieldProblem(EventField::kTs, std::string(kRule) + " (a whole number), got " + token());
    } else if (number->negative && !number->is_zero()) {
      FieldProblem(EventField::kTs, "must not be negative, got " + token());
    } else if (std::optional<uint64_t> ms = JsonNumberToUnsigned(*number, INT64_MAX)) {
      CheckTsRange(static_cast<int64_t>(*ms), true);
    } else {
      FieldProblem(EventField::kTs, "after 2200-01-01, got " + token());
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
    FieldProblem(EventField::kTs, std::move(reason));
  }

  error_code ReadHttpStatus(od::value& value) {
    constexpr std::string_view kRule = "must be an integer 100..599";
    std::optional<JsonNumber> number;
    const EventField field = EventField::kHttpStatus;
    if (error_code err = ReadNumber(field, value, kRule, number); err || !number) return err;
    std::optional<uint64_t> code = JsonNumberToUnsigned(*number, 599);
    if (!code || *code < 100) {
      FieldProblem(field, std::string(kRule) + ", got " + Clip(TrimJson(value.raw_json_token())));
    } else {
      event_.http_status = static_cast<int32_t>(*code);
    }
    return SUCCESS;
  }

  error_code ReadCount(EventField field, od::value& value, std::optional<int64_t>& out) {
    constexpr std::string_view kRule = "must be an integer ≥ 0";
    std::optional<JsonNumber> number;
    if (error_code err = ReadNumber(field, value, kRule, number); err || !number) return err;
    // Built only for a problem: the valid path copies nothing.
    auto token = [&value] { return Clip(TrimJson(value.raw_json_token())); };
    if (number->has_fraction_or_exponent() || (number->negative && !number->is_zero())) {
      FieldProblem(field, std::string(kRule) + ", got " + token());
    } else if (std::optional<uint64_t> count = JsonNumberToUnsigned(*number, kMaxTokenCount)) {
      out = static_cast<int64_t>(*count);
    } else {
      FieldProblem(field, "must be ≤ 1000000000 (10^9 tokens for one call), got " + token());
    }
    return SUCCESS;
  }

  error_code ReadCost(od::value& value) {
    constexpr std::string_view kRule = "must be a number ≥ 0 (USD)";
    std::optional<JsonNumber> number;
    if (error_code err = ReadNumber(EventField::kCostUsd, value, kRule, number); err || !number) {
      return err;
    }
    // Built only for a problem: the valid path copies nothing.
    auto token = [&value] { return Clip(TrimJson(value.raw_json_token())); };
    if (number->negative && !number->is_zero()) {
      FieldProblem(EventField::kCostUsd, std::string(kRule) + ", got " + token());
    } else if (std::optional<int64_t> nano = JsonNumberToNano(*number, kMaxCostUsd * kNanoPerUsd)) {
      event_.cost_nano_usd = *nano;
    } else {
      FieldProblem(EventField::kCostUsd, "must be ≤ " + std::to_string(kMaxCostUsd) +
                                             " USD for one event, got " + token());
    }
    return SUCCESS;
  }

  error_code ReadMillis(EventField field, od::value& value, std::optional<double>& out) {
    constexpr std::string_view kRule = "must be a finite number ≥ 0 (milliseconds)";
    std::optional<JsonNumber> number;
    if (error_code err = ReadNumber(field, value, kRule, number); err || !number) return err;
    const std::string_view token = TrimJson(value.raw_json_token());
    std::optional<double> millis = ToFiniteDouble(token);
    if (number->negative && !number->is_zero()) {
      FieldProblem(field, std::string(kRule) + ", got " + Clip(token));
    } else if (!millis) {
      FieldProblem(field, std::string(kRule) + ", got " + Clip(token) + " (out of range)");
    } else if (*millis > kMaxMillis) {
      FieldProblem(field, "must be ≤ 604800000 (7 days in milliseconds), got " + Clip(token));
    } else {
      out = *millis;
    }
    return SUCCESS;
  }

  error_code ReadBool(EventField field, od::value& value, std::optional<bool>& out) {
    json_type type;
    bool is_null = false;
    if (error_code err = TypeOrNull(field, value, type, is_null); err || is_null) return err;
    bool flag = false;
    if (type != json_type::boolean || value.get_bool().get(flag) != SUCCESS) {
      FieldProblem(field, "must be true or false, " + Got(value, type));
      return SUCCESS;
    }
    out = flag;
    return SUCCESS;
  }

  void CheckRequiredAndRelations() {
    if (!(seen_ & Bit(EventField::kTs)) && !(problem_fields_ & Bit(EventField::kTs))) {
      FieldProblem(EventField::kTs, "missing (required)");
    }
    const bool llm = event_.operation == Operation::kChat ||
                     event_.operation == Operation::kCompletion ||
                     event_.operation == Operation::kEmbedding;
    if (llm && event_.model.empty() && !(problem_fields_ & Bit(EventField::kModel)) &&
        !(problem_fields_ & Bit(EventField::kOperation))) {
      const std::string op(OperationName(event_.operation));
      FieldProblem(EventField::kModel,
                   seen_ & Bit(EventField::kOperation)
                       ? "missing (required when operation is \"" + op + "\")"
                       : "missing (required: operation defaults to \"chat\"; use operation "
                         "\"tool\", \"run\" or \"other\" for work without a model)");
    }
    if (event_.cached_input_tokens && event_.input_tokens &&
        *event_.cached_input_tokens > *event_.input_tokens) {
      FieldProblem(EventField::kCachedInputTokens,
                   "cached_input_tokens (" + FormatInt(*event_.cached_input_tokens) +
                       ") must be ≤ input_tokens (" + FormatInt(*event_.input_tokens) +
                       "): input_tokens includes cached tokens");
    }
    if (event_.reasoning_tokens && event_.output_tokens &&
        *event_.reasoning_tokens > *event_.output_tokens) {
      FieldProblem(EventField::kReasoningTokens,
                   "reasoning_tokens (" + FormatInt(*event_.reasoning_tokens) +
                       ") must be ≤ output_tokens (" + FormatInt(*event_.output_tokens) +
                       "): output_tokens includes reasoning tokens");
    }
  }

  Event& event_;
  uint32_t seen_ = 0;            // fields present (and not null)
  uint32_t problem_fields_ = 0;  // fields that already have a problem
};

}  // namespace

simdjson::error_code DecodeEventObject(simdjson::ondemand::object& object,
                                       const EventContext& context, ProblemSink& sink,
                                       Event& event) {
  return EventReader(context, sink, event).Read(object);
}

}  // namespace mltrack::ingest
