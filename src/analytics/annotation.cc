#include "analytics/annotation.h"

#include <simdjson.h>

#include <algorithm>

#include "core/time.h"

namespace mltrack::analytics {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// A time given as an RFC 3339 string, "now-7d", or an integer epoch ms.
std::optional<int64_t> ReadTime(element value, int64_t now_ms, std::string& reason) {
  if (value.type() == element_type::STRING) {
    Result<int64_t> parsed = ParseTimeParam(std::string_view(value), now_ms);
    if (parsed.ok()) return *parsed;
    reason = parsed.status().message();
    return std::nullopt;
  }
  if (value.type() == element_type::INT64 || value.type() == element_type::UINT64) {
    int64_t ms = 0;
    if (value.get(ms) == simdjson::SUCCESS && ms >= 0) return ms;
  }
  reason = "must be an RFC 3339 time, now-<N><unit>, or epoch milliseconds";
  return std::nullopt;
}

void ReadScope(element value, Annotation& out, std::vector<ErrorDetail>& errors) {
  if (value.type() == element_type::NULL_VALUE) return;
  if (value.type() != element_type::OBJECT) {
    errors.push_back({-1, "scope", "must be an object {\"field\", \"value\"} or null"});
    return;
  }
  AnnotationScope scope;
  bool has_field = false, has_value = false;
  for (auto [key, item] : simdjson::dom::object(value)) {
    if (key == "field") {
      std::string_view name;
      std::optional<FieldRef> field;
      if (item.get(name) == simdjson::SUCCESS) field = ParseFieldRef(name);
      if (!field || field->kind() != FieldKind::kString || !GetFieldInfo(field->id).dimension ||
          (field->id == FieldId::kTag && field->key.empty())) {
        errors.push_back({-1, "scope.field", "must name a dimension such as provider, model, endpoint or tags.<key>"});
        continue;
      }
      scope.field = *field;
      has_field = true;
    } else if (key == "value") {
      std::string_view text;
      if (item.get(text) != simdjson::SUCCESS || text.empty()) {
        errors.push_back({-1, "scope.value", "must be a non-empty string"});
        continue;
      }
      scope.value = std::string(text);
      has_value = true;
    } else {
      errors.push_back({-1, "scope." + std::string(key), "unknown key (scope has field and value)"});
    }
  }
  if (!has_field && std::none_of(errors.begin(), errors.end(), [](const ErrorDetail& e) { return e.field == "scope.field"; })) {
    errors.push_back({-1, "scope.field", "missing (required in a scope)"});
  }
  if (!has_value && std::none_of(errors.begin(), errors.end(), [](const ErrorDetail& e) { return e.field == "scope.value"; })) {
    errors.push_back({-1, "scope.value", "missing (required in a scope)"});
  }
  if (has_field && has_value) out.scope = std::move(scope);
}

}  // namespace

std::string_view AnnotationKindName(AnnotationKind kind) {
  switch (kind) {
    case AnnotationKind::kDeploy: return "deploy";
    case AnnotationKind::kIncident: return "incident";
    case AnnotationKind::kConfig: return "config";
  }
  return "deploy";
}

std::optional<AnnotationKind> ParseAnnotationKind(std::string_view name) {
  for (AnnotationKind kind : {AnnotationKind::kDeploy, AnnotationKind::kIncident, AnnotationKind::kConfig}) {
    if (AnnotationKindName(kind) == name) return kind;
  }
  return std::nullopt;
}

Result<Annotation> ParseAnnotation(std::string_view body, int64_t now_ms) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(body);
  element root;
  if (auto error = parser.parse(padded).get(root); error) {
    return Status::InvalidArgument(std::string("invalid annotation: body is not JSON: ") + simdjson::error_message(error),
                                   {{-1, "body", std::string("not JSON: ") + simdjson::error_message(error)}});
  }
  if (root.type() != element_type::OBJECT) {
    return Status::InvalidArgument("invalid annotation: body must be a JSON object",
                                   {{-1, "body", "must be a JSON object"}});
  }
  Annotation out;
  std::vector<ErrorDetail> errors;
  bool has_ts = false, has_text = false, has_kind = false;
  for (auto [key, value] : simdjson::dom::object(root)) {
    std::string reason;
    if (key == "ts") {
      if (std::optional<int64_t> ts = ReadTime(value, now_ms, reason)) {
        out.ts_ms = *ts;
        has_ts = true;
      } else {
        errors.push_back({-1, "ts", reason});
        has_ts = true;  // reported
      }
    } else if (key == "end") {
      if (value.type() == element_type::NULL_VALUE) continue;
      if (std::optional<int64_t> end = ReadTime(value, now_ms, reason)) {
        out.end_ms = *end;
      } else {
        errors.push_back({-1, "end", reason});
      }
    } else if (key == "text") {
      has_text = true;
      std::string_view text;
      if (value.get(text) != simdjson::SUCCESS) {
        errors.push_back({-1, "text", "must be a string"});
      } else if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        errors.push_back({-1, "text", "must not be empty"});
      } else if (text.size() > kMaxAnnotationText) {
        errors.push_back({-1, "text", "longer than " + std::to_string(kMaxAnnotationText) + " bytes"});
      } else {
        out.text = std::string(text);
      }
    } else if (key == "kind") {
      has_kind = true;
      std::string_view name;
      std::optional<AnnotationKind> kind;
      if (value.get(name) == simdjson::SUCCESS) kind = ParseAnnotationKind(name);
      if (kind) {
        out.kind = *kind;
      } else {
        errors.push_back({-1, "kind", "must be one of deploy, incident, config"});
      }
    } else if (key == "scope") {
      ReadScope(value, out, errors);
    } else {
      errors.push_back({-1, std::string(key), "unknown key (an annotation has ts, end, text, kind, scope)"});
    }
  }
  if (!has_ts) errors.push_back({-1, "ts", "missing (required)"});
  if (!has_text) errors.push_back({-1, "text", "missing (required)"});
  if (!has_kind) errors.push_back({-1, "kind", "missing (required: deploy, incident or config)"});
  if (out.end_ms && has_ts && *out.end_ms < out.ts_ms &&
      std::none_of(errors.begin(), errors.end(), [](const ErrorDetail& e) { return e.field == "ts" || e.field == "end"; })) {
    errors.push_back({-1, "end", "must not be before ts"});
  }
  if (!errors.empty()) {
    std::string message = "invalid annotation: " + errors.front().field + " " + errors.front().reason;
    if (errors.size() > 1) message += " (and " + std::to_string(errors.size() - 1) + " more)";
    return Status::InvalidArgument(std::move(message), std::move(errors));
  }
  return out;
}

bool AnnotationInRange(const Annotation& annotation, int64_t from_ms, int64_t to_ms) {
  const int64_t end = annotation.end_ms.value_or(annotation.ts_ms);
  return annotation.ts_ms < to_ms && end >= from_ms;
}

bool AnnotationConcerns(const Annotation& annotation, const std::vector<query::Filter>& filters) {
  if (!annotation.scope) return true;
  for (const query::Filter& filter : filters) {
    if (filter.field != annotation.scope->field) continue;
    if (filter.op != query::FilterOp::kEq && filter.op != query::FilterOp::kIn) continue;
    const bool listed = std::any_of(filter.values.begin(), filter.values.end(), [&](const query::FilterValue& value) {
      const auto* text = std::get_if<std::string>(&value);
      return text && *text == annotation.scope->value;
    });
    if (!listed) return false;
  }
  return true;
}

void WriteAnnotationJson(JsonWriter& json, const Annotation& annotation) {
  json.BeginObject();
  json.Key("id");
  json.Int(annotation.id);
  json.Key("ts");
  json.Int(annotation.ts_ms);
  json.Key("end");
  if (annotation.end_ms) {
    json.Int(*annotation.end_ms);
  } else {
    json.Null();
  }
  json.Key("text");
  json.String(annotation.text);
  json.Key("kind");
  json.String(AnnotationKindName(annotation.kind));
  json.Key("scope");
  if (annotation.scope) {
    json.BeginObject();
    json.Key("field");
    json.String(annotation.scope->field.Name());
    json.Key("value");
    json.String(annotation.scope->value);
    json.EndObject();
  } else {
    json.Null();
  }
  json.Key("created");
  json.Int(annotation.created_ms);
  json.EndObject();
}

}  // namespace mltrack::analytics
