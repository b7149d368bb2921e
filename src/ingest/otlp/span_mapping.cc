#include "ingest/otlp/span_mapping.h"

#include <cctype>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ingest/event_decoder.h"
#include "ingest/event_object.h"
#include "ingest/otlp/span_attributes.h"
#include "ingest/problem_sink.h"

namespace mltrack::ingest::otlp {
namespace {

using Kind = AttributeValue::Kind;

constexpr uint64_t kNanosPerMs = 1'000'000;
// The event OpenLLMetry adds to a streaming span for each chunk received.
constexpr std::string_view kChunkEventName = "llm.content.completion.chunk";

// gen_ai.provider.name values (and older gen_ai.system ones) → the price catalogue's provider ids.
std::string ProviderId(std::string_view name) {
  static constexpr std::pair<std::string_view, std::string_view> kIds[] = {
      {"gcp.gen_ai", "google"},       {"gcp.vertex_ai", "google"},  {"gcp.gemini", "google"},
      {"vertex_ai", "google"},        {"gemini", "google"},         {"azure.ai.inference", "azure"},
      {"azure.ai.openai", "azure"},   {"az.ai.openai", "azure"},    {"az.ai.inference", "azure"},
      {"aws.bedrock", "aws"},         {"x_ai", "x-ai"},             {"xai", "x-ai"},
      {"mistral_ai", "mistral"},      {"mistralai", "mistral"},
  };
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [semconv, id] : kIds) {
    if (lower == semconv) return std::string(id);
  }
  return lower;
}

std::optional<Operation> OperationOf(std::string_view name) {
  if (name == "chat" || name == "generate_content") return Operation::kChat;
  if (name == "text_completion" || name == "completion") return Operation::kCompletion;
  if (name == "embeddings" || name == "embedding") return Operation::kEmbedding;
  return std::nullopt;
}

// What one resource contributes to each of its spans.
struct ResourceFields {
  RoleValues roles;
  std::vector<const Attribute*> tags;
};

class SpanMapper {
 public:
  SpanMapper(const TraceData& traces, ProblemSink& sink, MappedSpans& out) : sink_(sink), out_(out) {
    resources_.resize(traces.resources.size());
    for (size_t resource_idx = 0; resource_idx < traces.resources.size(); ++resource_idx) {
      ResourceFields& fields = resources_[resource_idx];
      for (const Attribute& attribute : traces.resources[resource_idx]) {
        if (std::optional<Role> role = LookupRole(attribute.key)) {
          fields.roles.Set(*role, attribute);
        } else if (IsContentAttribute(attribute.key)) {
          ++dropped_per_resource_;
        } else if (!IsInfrastructureAttribute(attribute.key)) {
          fields.tags.push_back(&attribute);
        }
      }
    }
  }

  void Map(int64_t span_idx, const Span& span) {
    span_idx_ = span_idx;
    span_ = &span;
    RoleValues roles;
    std::vector<const Attribute*> tags;
    for (const Attribute& attribute : span.attributes) {
      if (std::optional<Role> role = LookupRole(attribute.key)) {
        roles.Set(*role, attribute);
      } else if (IsContentAttribute(attribute.key)) {
        ++out_.dropped_attributes;
      } else {
        tags.push_back(&attribute);
      }
    }
    const std::optional<Operation> operation = Classify(roles);
    if (!operation) {
      ++out_.not_llm;
      return;
    }
    const Attribute* model = roles.First(Role::kResponseModel, Role::kRequestModel, Role::kOiModel);
    std::optional<std::string> model_name = model ? ValueText(model->value) : std::nullopt;
    if (!model_name || model_name->empty()) {
      ++out_.without_model;
      return;
    }
    const ResourceFields& resource = resources_[span.position.resource];
    Event event;
    event.operation = *operation;
    Text(model, event.model);
    if (const Attribute* request = roles.Get(Role::kRequestModel); request && model != request) {
      std::optional<std::string> requested = ValueText(request->value);
      if (requested && *requested != event.model) tags.push_back(request);
    }
    if (const Attribute* provider = roles.First(Role::kProviderName, Role::kSystem, Role::kOiProvider, Role::kOiSystem)) {
      std::string name;
      Text(provider, name);
      event.provider = ProviderId(name);
    }
    MapTimes(roles, event);
    MapUsage(roles, event);
    MapStatus(roles, event);
    MapIdentity(roles, resource, event);
    MapTags(tags, resource, event);
    out_.events.push_back(std::move(event));
  }

  size_t dropped_per_resource() const { return dropped_per_resource_; }

 private:
  void Problem(std::string_view field, std::string reason) {
    sink_.Add(span_idx_, std::string(field),
              std::move(reason) + " (span " + span_->position.str() + " \"" + Clip(span_->name, 60) + "\")");
  }

  std::optional<Operation> Classify(const RoleValues& roles) const {
    auto text = [](const Attribute* attribute) {
      return attribute && attribute->value.kind == Kind::kString ? attribute->value.text : std::string_view();
    };
    if (const Attribute* name = roles.Get(Role::kOperationName)) return OperationOf(text(name));
    if (const Attribute* type = roles.Get(Role::kRequestType)) return OperationOf(text(type));
    if (const Attribute* kind = roles.Get(Role::kOiSpanKind)) {
      if (text(kind) == "LLM") return Operation::kChat;
      if (text(kind) == "EMBEDDING") return Operation::kEmbedding;
      return std::nullopt;
    }
    if (roles.First(Role::kProviderName, Role::kSystem) && roles.First(Role::kRequestModel, Role::kResponseModel)) {
      return Operation::kChat;
    }
    return std::nullopt;
  }

  // A mapped string field: any scalar as text, at most kMaxStringBytes.
  void Text(const Attribute* attribute, std::string& out) {
    if (attribute == nullptr) return;
    std::optional<std::string> text = ValueText(attribute->value);
    if (!text) return;
    if (text->size() > kMaxStringBytes) {
      Problem(attribute->key, "longer than " + std::to_string(kMaxStringBytes) + " bytes (" +
                                  std::to_string(text->size()) + ")");
      return;
    }
    out = std::move(*text);
  }

  std::optional<int64_t> Count(const Attribute* attribute) {
    if (attribute == nullptr) return std::nullopt;
    const AttributeValue& value = attribute->value;
    constexpr std::string_view kRule = "must be an integer ≥ 0";
    std::optional<int64_t> count;
    if (value.kind == Kind::kInt) {
      count = value.int_value;
    } else if (value.kind == Kind::kDouble && std::isfinite(value.double_value) &&
               value.double_value == std::floor(value.double_value) && std::fabs(value.double_value) <= 9.2e18) {
      count = static_cast<int64_t>(value.double_value);
    } else if (value.kind == Kind::kString && !value.text.empty() && value.text.size() <= 18 &&
               value.text.find_first_not_of("0123456789") == std::string_view::npos) {
      count = std::stoll(std::string(value.text));
    } else if (value.kind == Kind::kEmpty) {
      return std::nullopt;
    }
    if (!count || *count < 0) {
      Problem(attribute->key, std::string(kRule) + ", got " + Clip(ValueText(value).value_or(""), 40));
      return std::nullopt;
    }
    if (static_cast<uint64_t>(*count) > kMaxTokenCount) {
      Problem(attribute->key, "must be ≤ 2^53, got " + std::to_string(*count));
      return std::nullopt;
    }
    return count;
  }

  std::optional<double> Seconds(const Attribute* attribute) {
    if (attribute == nullptr) return std::nullopt;
    const AttributeValue& value = attribute->value;
    double seconds = value.kind == Kind::kDouble ? value.double_value
                     : value.kind == Kind::kInt  ? static_cast<double>(value.int_value)
                                                 : -1;
    if (!std::isfinite(seconds) || seconds < 0) {
      Problem(attribute->key, "must be a finite number of seconds ≥ 0, got " + Clip(ValueText(value).value_or(""), 40));
      return std::nullopt;
    }
    return seconds;
  }

  void MapTimes(const RoleValues& roles, Event& event) {
    const Span& span = *span_;
    const uint64_t start_ms = span.start_time_unix_nano / kNanosPerMs;
    if (start_ms < static_cast<uint64_t>(kMinTsMs) || start_ms >= static_cast<uint64_t>(kMaxTsMs)) {
      Problem("startTimeUnixNano", "must be nanoseconds since 1970 within 2000..2200, got " +
                                       std::to_string(span.start_time_unix_nano));
      return;
    }
    event.ts_ms = static_cast<int64_t>(start_ms);
    if (span.end_time_unix_nano != 0) {
      if (span.end_time_unix_nano < span.start_time_unix_nano) {
        Problem("endTimeUnixNano", "is before startTimeUnixNano (" + std::to_string(span.end_time_unix_nano) + " < " +
                                       std::to_string(span.start_time_unix_nano) + ")");
        return;
      }
      event.latency_ms = static_cast<double>(span.end_time_unix_nano - span.start_time_unix_nano) / kNanosPerMs;
    }
    const Attribute* ttft = roles.Get(Role::kTimeToFirstChunk);
    if (ttft != nullptr) {
      if (std::optional<double> seconds = Seconds(ttft)) event.ttft_ms = *seconds * 1000;
    } else {
      for (const SpanEvent& span_event : span.events) {
        if (span_event.name != kChunkEventName || span_event.time_unix_nano < span.start_time_unix_nano) continue;
        event.ttft_ms = static_cast<double>(span_event.time_unix_nano - span.start_time_unix_nano) / kNanosPerMs;
        event.streaming = true;
        break;
      }
    }
    if (event.ttft_ms && event.latency_ms && *event.ttft_ms > *event.latency_ms + 1) {
      Problem(ttft ? ttft->key : std::string_view("events"),
              "the first chunk (" + std::to_string(*event.ttft_ms) + " ms) comes after the span's end (" +
                  std::to_string(*event.latency_ms) + " ms)");
    }
  }

  void MapUsage(const RoleValues& roles, Event& event) {
    event.input_tokens = Count(roles.First(Role::kInputTokens, Role::kPromptTokens, Role::kOiPromptTokens));
    event.output_tokens = Count(roles.First(Role::kOutputTokens, Role::kCompletionTokens, Role::kOiCompletionTokens));
    event.cached_input_tokens = Count(roles.First(Role::kCacheRead, Role::kOiCacheRead));
    event.cache_write_tokens = Count(roles.First(Role::kCacheCreation, Role::kOiCacheWrite));
    event.reasoning_tokens = Count(roles.First(Role::kReasoning, Role::kOiReasoning));
    // The conventions count cache reads and writes inside input tokens and reasoning inside
    // output tokens; an instrumentation that reports them beside (Anthropic's own usage does)
    // shows it by parts larger than the whole, and then the parts are added.
    const int64_t cache_parts = event.cached_input_tokens.value_or(0) + event.cache_write_tokens.value_or(0);
    if (cache_parts > 0 && cache_parts > event.input_tokens.value_or(0)) {
      event.input_tokens = event.input_tokens.value_or(0) + cache_parts;
    }
    if (event.reasoning_tokens && *event.reasoning_tokens > event.output_tokens.value_or(0)) {
      event.output_tokens = event.output_tokens.value_or(0) + *event.reasoning_tokens;
    }
  }

  void MapStatus(const RoleValues& roles, Event& event) {
    const Attribute* error_type = roles.Get(Role::kErrorType);
    if (span_->status_code == SpanStatusCode::kError || error_type != nullptr) {
      event.status = EventStatus::kError;
      Text(error_type, event.error_type);
      if (event.error_type.empty()) event.error_type = "error";
    }
    std::optional<int64_t> code;
    if (const Attribute* status = roles.Get(Role::kHttpStatus)) {
      code = status->value.kind == Kind::kInt ? std::optional<int64_t>(status->value.int_value) : std::nullopt;
      if (!code && status->value.kind == Kind::kString) {
        std::string_view text = status->value.text;
        if (text.size() == 3 && text.find_first_not_of("0123456789") == std::string_view::npos) code = std::stoi(std::string(text));
      }
      if (!code || *code < 100 || *code > 599) {
        Problem(status->key, "must be an integer 100..599, got " + Clip(ValueText(status->value).value_or(""), 40));
        return;
      }
    } else if (event.error_type.size() == 3 && event.error_type.find_first_not_of("0123456789") == std::string::npos &&
               event.error_type[0] >= '1' && event.error_type[0] <= '5') {
      code = std::stoi(event.error_type);  // error.type "429": the conventions' example for HTTP errors
    }
    if (code) event.http_status = static_cast<int32_t>(*code);
  }

  void MapIdentity(const RoleValues& roles, const ResourceFields& resource, Event& event) {
    auto either = [&](Role role) { return roles.Get(role) ? roles.Get(role) : resource.roles.Get(role); };
    const Attribute* experiment = either(Role::kExperiment);
    if (experiment == nullptr) experiment = resource.roles.Get(Role::kServiceName);
    Text(experiment, event.experiment);
    if (event.experiment.empty()) event.experiment = "default";
    Text(either(Role::kUserId), event.user);
    Text(either(Role::kTeam), event.team);
    Text(either(Role::kRunId), event.run_id);
    const Attribute* session = either(Role::kSessionId);
    Text(session ? session : either(Role::kConversationId), event.session_id);
    if (const Attribute* stream = roles.Get(Role::kStream); stream && stream->value.kind == Kind::kBool) {
      event.streaming = stream->value.bool_value;
    }
    if (const Attribute* hash = roles.Get(Role::kInputHash)) {
      std::optional<std::string> text = ValueText(hash->value);
      if (text && !text->empty() && !IsValidInputHash(*text)) {
        Problem(hash->key, "must be 1.." + std::to_string(kMaxInputHashBytes) +
                               " bytes of printable ASCII without spaces (e.g. a hex SHA-256), got \"" +
                               Clip(*text, 40) + "\"");
      } else if (text) {
        event.input_hash = std::move(*text);
      }
    }
    event.trace_id = std::string(span_->trace_id);
    if (!span_->trace_id.empty() && !span_->span_id.empty()) {
      event.id = std::string(span_->trace_id) + "-" + std::string(span_->span_id);
    }
  }

  // Span attributes first, then the resource's; the first of each key wins.
  void MapTags(const std::vector<const Attribute*>& span_tags, const ResourceFields& resource, Event& event) {
    auto add = [&](const Attribute* attribute) {
      std::optional<std::string> value = ValueText(attribute->value);
      if (!value || value->empty()) return;
      const std::string_view key = attribute->key;
      for (const auto& [existing, unused] : event.tags) {
        if (existing == key) return;
      }
      if (key.empty() || key.size() > kMaxKeyBytes || value->size() > kMaxStringBytes ||
          event.tags.size() >= kMaxTagsPerEvent) {
        ++out_.dropped_attributes;
        return;
      }
      event.tags.emplace_back(std::string(key), std::move(*value));
    };
    for (const Attribute* attribute : span_tags) add(attribute);
    for (const Attribute* attribute : resource.tags) add(attribute);
  }

  ProblemSink& sink_;
  MappedSpans& out_;
  std::vector<ResourceFields> resources_;
  size_t dropped_per_resource_ = 0;
  int64_t span_idx_ = 0;
  const Span* span_ = nullptr;
};

}  // namespace

Result<MappedSpans> MapSpans(const TraceData& traces) {
  MappedSpans out;
  out.spans = traces.spans.size();
  out.events.reserve(traces.spans.size());
  ProblemSink sink(kMaxListedProblems);
  SpanMapper mapper(traces, sink, out);
  for (size_t span_idx = 0; span_idx < traces.spans.size(); ++span_idx) {
    mapper.Map(static_cast<int64_t>(span_idx), traces.spans[span_idx]);
  }
  if (sink.count() > 0) {
    const size_t problems = sink.count();
    return Status::InvalidArgument(std::to_string(problems) + (problems == 1 ? " problem" : " problems") +
                                       " in LLM spans; nothing was stored",
                                   std::move(sink).Take());
  }
  out.dropped_attributes += mapper.dropped_per_resource();
  return out;
}

}  // namespace mltrack::ingest::otlp
