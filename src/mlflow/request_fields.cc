#include "mlflow/request_fields.h"

#include <charconv>
#include <cctype>
#include <cmath>
#include <memory>

namespace mltrack::mlflow {
namespace {

// An int64 as a JSON number or, as proto3 JSON writes int64, a string of digits.
bool ReadInt(simdjson::dom::element element, int64_t& out) {
  if (!element.get(out)) return true;
  std::string_view text;
  if (!element.get(text)) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return !text.empty() && ec == std::errc() && end == text.data() + text.size();
  }
  double number = 0;
  if (!element.get(number) && std::floor(number) == number && std::abs(number) < 9.2e18) {
    out = static_cast<int64_t>(number);
    return true;
  }
  return false;
}

}  // namespace

Status InvalidField(std::string_view field, const std::string& reason) {
  return Status::InvalidArgument("Invalid value for parameter '" + std::string(field) + "': " + reason,
                                 {{-1, std::string(field), reason}});
}

Status CheckKey(std::string_view field, std::string_view key) {
  if (key.empty()) return InvalidField(field, "the key is empty");
  if (key.size() > kMaxKeyLength) {
    return InvalidField(field, "the key \"" + std::string(key.substr(0, 40)) + "...\" is longer than " +
                                   std::to_string(kMaxKeyLength) + " characters");
  }
  if (key.front() == '/' || key.find("..") != std::string_view::npos) {
    return InvalidField(field, "the key \"" + std::string(key) + "\" is not a relative path without \"..\"");
  }
  return Status::OK();
}

Result<RequestFields> RequestFields::FromJson(std::string_view body) {
  RequestFields fields;
  fields.json_ = true;
  fields.parser_ = std::make_unique<simdjson::dom::parser>();
  std::string_view trimmed = body;
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.front()))) trimmed.remove_prefix(1);
  if (trimmed.empty()) {
    // An empty body is an empty request.
    if (fields.parser_->parse("{}", 2).get(fields.object_)) return Status::Internal("parsing {}");
    return fields;
  }
  simdjson::dom::element root;
  if (auto error = fields.parser_->parse(body.data(), body.size()).get(root)) {
    return Status::InvalidArgument(std::string("Malformed request body: ") + simdjson::error_message(error),
                                   {{-1, "body", "not valid JSON"}});
  }
  if (root.get(fields.object_)) {
    return Status::InvalidArgument("Malformed request body: not a JSON object", {{-1, "body", "not a JSON object"}});
  }
  return fields;
}

RequestFields RequestFields::FromQuery(std::vector<std::pair<std::string, std::string>> query) {
  RequestFields fields;
  fields.query_ = std::move(query);
  return fields;
}

std::optional<simdjson::dom::element> RequestFields::JsonField(std::string_view name) const {
  simdjson::dom::element element;
  if (object_.at_key(name).get(element) || element.is_null()) return std::nullopt;
  return element;
}

std::optional<std::string> RequestFields::QueryField(std::string_view name) const {
  for (const auto& [key, value] : query_) {
    if (key == name) return value;
  }
  return std::nullopt;
}

Result<std::optional<std::string>> RequestFields::String(std::string_view name) const {
  if (!json_) return QueryField(name);
  std::optional<simdjson::dom::element> element = JsonField(name);
  if (!element) return std::optional<std::string>();
  std::string_view text;
  if (element->get(text)) return InvalidField(name, "must be a string");
  return std::optional<std::string>(std::string(text));
}

Result<std::string> RequestFields::RequiredString(std::string_view name) const {
  Result<std::optional<std::string>> value = String(name);
  if (!value.ok()) return value.status();
  if (!*value || (*value)->empty()) return InvalidField(name, "is required and must not be empty");
  return std::move(**value);
}

Result<std::optional<int64_t>> RequestFields::Int(std::string_view name) const {
  if (!json_) {
    std::optional<std::string> text = QueryField(name);
    if (!text) return std::optional<int64_t>();
    int64_t value = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (text->empty() || ec != std::errc() || end != text->data() + text->size()) {
      return InvalidField(name, "must be a whole number, got \"" + *text + "\"");
    }
    return std::optional<int64_t>(value);
  }
  std::optional<simdjson::dom::element> element = JsonField(name);
  if (!element) return std::optional<int64_t>();
  int64_t value = 0;
  if (ReadInt(*element, value)) return std::optional<int64_t>(value);
  return InvalidField(name, "must be a whole number");
}

Result<std::optional<double>> RequestFields::Number(std::string_view name) const {
  double value = 0;
  if (!json_) {
    std::optional<std::string> text = QueryField(name);
    if (!text) return std::optional<double>();
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (text->empty() || ec != std::errc() || end != text->data() + text->size()) {
      return InvalidField(name, "must be a number, got \"" + *text + "\"");
    }
    return std::optional<double>(value);
  }
  std::optional<simdjson::dom::element> element = JsonField(name);
  if (!element) return std::optional<double>();
  if (element->get(value)) return InvalidField(name, "must be a number");
  return std::optional<double>(value);
}

Result<std::vector<std::string>> RequestFields::StringList(std::string_view name) const {
  std::vector<std::string> out;
  if (!json_) {
    for (const auto& [key, value] : query_) {
      if (key == name) out.push_back(value);
    }
    return out;
  }
  std::optional<simdjson::dom::element> element = JsonField(name);
  if (!element) return out;
  simdjson::dom::array array;
  if (element->get(array)) return InvalidField(name, "must be an array of strings");
  for (simdjson::dom::element item : array) {
    std::string_view text;
    if (item.get(text)) return InvalidField(name, "must be an array of strings");
    out.emplace_back(text);
  }
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> RequestFields::KeyValues(std::string_view name,
                                                                                   size_t value_limit) const {
  std::vector<std::pair<std::string, std::string>> out;
  if (!json_) return out;
  std::optional<simdjson::dom::element> element = JsonField(name);
  if (!element) return out;
  simdjson::dom::array array;
  if (element->get(array)) return InvalidField(name, "must be an array of {\"key\", \"value\"} objects");
  for (simdjson::dom::element item : array) {
    std::string_view key, value;
    if (item["key"].get(key)) return InvalidField(name, "every entry needs a string \"key\"");
    simdjson::dom::element value_element;
    if (!item["value"].get(value_element) && !value_element.is_null() && value_element.get(value)) {
      return InvalidField(name, "the value of \"" + std::string(key) + "\" must be a string");
    }
    MLTRACK_RETURN_IF_ERROR(CheckKey(name, key));
    if (value.size() > value_limit) {
      return InvalidField(name, "the value of \"" + std::string(key) + "\" is longer than " +
                                    std::to_string(value_limit) + " characters");
    }
    out.emplace_back(std::string(key), std::string(value));
  }
  return out;
}

Result<std::vector<std::pair<std::string, Metric>>> RequestFields::Metrics(std::string_view name, int64_t now_ms) const {
  std::vector<std::pair<std::string, Metric>> out;
  if (!json_) return out;
  std::optional<simdjson::dom::element> element = JsonField(name);
  if (!element) return out;
  simdjson::dom::array array;
  if (element->get(array)) return InvalidField(name, "must be an array of metric objects");
  for (simdjson::dom::element item : array) {
    std::string_view key;
    Metric metric;
    if (item["key"].get(key)) return InvalidField(name, "every metric needs a string \"key\"");
    MLTRACK_RETURN_IF_ERROR(CheckKey(name, key));
    if (item["value"].get(metric.value) || !std::isfinite(metric.value)) {
      return InvalidField(name, "the value of metric \"" + std::string(key) + "\" must be a finite number");
    }
    simdjson::dom::element field;
    metric.timestamp = now_ms;
    if (!item["timestamp"].get(field) && !field.is_null() && !ReadInt(field, metric.timestamp)) {
      return InvalidField(name, "the timestamp of metric \"" + std::string(key) + "\" must be epoch milliseconds");
    }
    if (!item["step"].get(field) && !field.is_null() && !ReadInt(field, metric.step)) {
      return InvalidField(name, "the step of metric \"" + std::string(key) + "\" must be a whole number");
    }
    out.emplace_back(std::string(key), metric);
  }
  return out;
}

}  // namespace mltrack::mlflow
