#pragma once
// Shared by the QuerySpec parser's files (query_parser.cc, filter_parser.cc, metric_parser.cc):
// the error collector and small JSON helpers. Internal to src/query.

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/field.h"
#include "core/status.h"
#include "core/time.h"

namespace mltrack::query::parse {

using simdjson::dom::element;
using simdjson::dom::element_type;

inline std::string Path(std::string_view base, size_t index) {
  return std::string(base) + "[" + std::to_string(index) + "]";
}

// Collects every problem of one request.
class Errors {
 public:
  void Add(int64_t index, std::string field, std::string reason) {
    details_.push_back({index, std::move(field), std::move(reason)});
  }
  void Add(const Status& status) {
    for (const ErrorDetail& detail : status.details()) details_.push_back(detail);
  }
  bool empty() const { return details_.empty(); }
  Status ToStatus() const {
    const ErrorDetail& first = details_.front();
    std::string message = "invalid query: " + first.field + ": " + first.reason;
    if (details_.size() > 1) message += " (and " + std::to_string(details_.size() - 1) + " more)";
    return Status::InvalidArgument(std::move(message), details_);
  }

 private:
  std::vector<ErrorDetail> details_;
};

inline const char* TypeName(element_type type) {
  switch (type) {
    case element_type::ARRAY: return "an array";
    case element_type::OBJECT: return "an object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE: return "a number";
    case element_type::STRING: return "a string";
    case element_type::BOOL: return "a boolean";
    case element_type::NULL_VALUE: return "null";
  }
  return "a value";
}

inline bool IsNumber(element value) {
  element_type type = value.type();
  return type == element_type::INT64 || type == element_type::UINT64 || type == element_type::DOUBLE;
}

inline double AsDouble(element value) {
  switch (value.type()) {
    case element_type::INT64: return static_cast<double>(int64_t(value));
    case element_type::UINT64: return static_cast<double>(uint64_t(value));
    default: return double(value);
  }
}

// Whether `field` may be filtered or grouped by / aggregated at all.
inline bool IsQueryable(const FieldRef& field) {
  const FieldInfo& info = GetFieldInfo(field.id);
  return field.id == FieldId::kTag || field.id == FieldId::kScore || info.dimension || info.measure;
}

// A decimal written with digits and at most one '.', neither first nor last ("99.9", "0.05").
inline bool IsValidPercentileText(std::string_view text) {
  if (text.empty()) return false;
  bool dot = false;
  for (char c : text) {
    if (c == '.') {
      if (dot) return false;
      dot = true;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return text.front() != '.' && text.back() != '.';
}

// A request's time (`from`, `to`): RFC 3339, epoch ms or now-<N><unit>, inside the API's
// 2000–2200; nullopt with the problem added to `errors` otherwise.
inline std::optional<int64_t> ParseTime(element value, std::string_view field, int64_t now_ms, Errors& errors) {
  Result<int64_t> parsed = Status::InvalidArgument("");
  if (value.type() == element_type::INT64) {
    parsed = int64_t(value);
  } else if (value.type() == element_type::STRING) {
    parsed = ParseTimeParam(std::string_view(value), now_ms);
  }
  if (value.type() == element_type::INT64 || value.type() == element_type::STRING) {
    if (parsed.ok()) {
      Status in_range = CheckApiTime(*parsed);
      if (in_range.ok()) return *parsed;
      parsed = in_range;
    }
    errors.Add(-1, std::string(field), parsed.status().message());
    return std::nullopt;
  }
  errors.Add(-1, std::string(field),
             std::string("expected RFC 3339, epoch ms or now-<N><unit>, got ") + TypeName(value.type()));
  return std::nullopt;
}

}  // namespace mltrack::query::parse
