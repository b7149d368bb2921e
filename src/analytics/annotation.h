#pragma once
// Annotations: marks on the time axis that explain a change — a deploy, an incident, a config
// change — optionally scoped to one dimension value (`provider = anthropic`). They are not
// events: they live in the annotation store (annotation_store.h), are managed through
// /api/v1/annotations and drawn by the dashboards over their time charts (docs/api.md).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/field.h"
#include "core/json_writer.h"
#include "core/status.h"
#include "query/query_spec.h"

namespace mltrack::analytics {

enum class AnnotationKind : uint8_t { kDeploy, kIncident, kConfig };

std::string_view AnnotationKindName(AnnotationKind kind);
std::optional<AnnotationKind> ParseAnnotationKind(std::string_view name);

// What an annotation applies to: events whose dimension `field` equals `value`.
struct AnnotationScope {
  FieldRef field;  // a dimension (model, provider, endpoint, tags.<key>, ...)
  std::string value;
  bool operator==(const AnnotationScope&) const = default;
};

// A plain value type.
struct Annotation {
  int64_t id = 0;          // assigned by the store; never reused
  int64_t ts_ms = 0;       // the moment, or the start of a span
  std::optional<int64_t> end_ms;  // the end of a span (≥ ts_ms); none for a moment
  std::string text;        // 1..kMaxAnnotationText bytes of UTF-8
  AnnotationKind kind = AnnotationKind::kDeploy;
  std::optional<AnnotationScope> scope;
  int64_t created_ms = 0;  // when the store accepted it
  bool operator==(const Annotation&) const = default;
};

inline constexpr size_t kMaxAnnotationText = 1000;

// Parses the body of POST /api/v1/annotations:
//   {"ts": T, "end"?: T, "text": "...", "kind": "deploy"|"incident"|"config",
//    "scope"?: {"field": "provider", "value": "anthropic"}}
// T is RFC 3339, epoch ms or now-<N><unit> (relative to `now_ms`). Every problem is reported at
// once as InvalidArgument with one detail per field ("ts", "end", "text", "kind",
// "scope.field", "scope.value", or an unknown key). The result has id 0 and created_ms 0.
Result<Annotation> ParseAnnotation(std::string_view body, int64_t now_ms);

// Whether the annotation overlaps [from_ms, to_ms): a moment inside it, or a span touching it.
bool AnnotationInRange(const Annotation& annotation, int64_t from_ms, int64_t to_ms);

// Whether a view restricted by `filters` can be concerned by the annotation: unscoped ones
// always are; a scoped one unless an eq/in filter on the same field excludes its value (a
// dashboard filtered to provider=openai does not show an anthropic incident).
bool AnnotationConcerns(const Annotation& annotation, const std::vector<query::Filter>& filters);

// {"id", "ts", "end" (null for a moment), "text", "kind", "scope": {"field", "value"} or null,
//  "created"}; times in epoch ms, like the `t` of every series.
void WriteAnnotationJson(JsonWriter& json, const Annotation& annotation);

}  // namespace mltrack::analytics
