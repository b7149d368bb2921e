#pragma once
// The fields of one MLflow REST request, read the way MLflow's server reads them: a JSON body
// for POST, the query string for GET. Each getter checks the field's type and says, as an
// InvalidArgument whose detail names the field, what is wrong; fields the server does not know
// are ignored, as MLflow's server ignores them (newer clients send more than this subset reads).
// A body that is not a JSON object is InvalidArgument with the field "body" (MALFORMED_REQUEST).
// Not thread-safe; one per request.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "core/status.h"
#include "mlflow/tracking_model.h"

namespace mltrack::mlflow {

// MLflow's own limits (mlflow/utils/validation.py), so a client gets the same refusals here.
inline constexpr size_t kMaxKeyLength = 250;
inline constexpr size_t kMaxParamValueLength = 6000;
inline constexpr size_t kMaxTagValueLength = 8000;
inline constexpr size_t kMaxBatchMetrics = 1000;
inline constexpr size_t kMaxBatchParams = 100;
inline constexpr size_t kMaxBatchTags = 100;
inline constexpr size_t kMaxSearchResults = 50000;

class RequestFields {
 public:
  static Result<RequestFields> FromJson(std::string_view body);
  static RequestFields FromQuery(std::vector<std::pair<std::string, std::string>> query);

  RequestFields(RequestFields&&) = default;
  RequestFields& operator=(RequestFields&&) = default;

  // nullopt when absent (or JSON null).
  Result<std::optional<std::string>> String(std::string_view name) const;
  Result<std::string> RequiredString(std::string_view name) const;
  Result<std::optional<int64_t>> Int(std::string_view name) const;
  Result<std::optional<double>> Number(std::string_view name) const;
  // A JSON array of strings, or a repeated query parameter.
  Result<std::vector<std::string>> StringList(std::string_view name) const;
  // MLflow's [{"key": ..., "value": ...}] lists (tags, params), key and value checked against
  // the limits above; `value_limit` is the tag or param limit.
  Result<std::vector<std::pair<std::string, std::string>>> KeyValues(std::string_view name, size_t value_limit) const;
  // [{"key", "value", "timestamp", "step"}]; timestamp defaults to `now_ms`, step to 0.
  Result<std::vector<std::pair<std::string, Metric>>> Metrics(std::string_view name, int64_t now_ms) const;

 private:
  RequestFields() = default;
  // The JSON value of `name`; nullopt when absent or null (JSON bodies only).
  std::optional<simdjson::dom::element> JsonField(std::string_view name) const;
  std::optional<std::string> QueryField(std::string_view name) const;

  bool json_ = false;
  std::unique_ptr<simdjson::dom::parser> parser_;
  simdjson::dom::object object_;
  std::vector<std::pair<std::string, std::string>> query_;
};

// InvalidArgument naming `field`: "Invalid value for parameter '<field>': <reason>".
Status InvalidField(std::string_view field, const std::string& reason);
// Checks a metric/param/tag key: non-empty, at most kMaxKeyLength, no "..", not absolute.
Status CheckKey(std::string_view field, std::string_view key);

}  // namespace mltrack::mlflow
