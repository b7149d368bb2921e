#include "server/live/live_subscription.h"

#include <algorithm>
#include <array>

#include <simdjson.h>

namespace mltrack::server::live {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

constexpr std::array<std::string_view, 5> kDimensions = {"experiment", "model", "provider", "user", "team"};

Status Bad(std::string field, std::string reason) {
  std::string message = field + ": " + reason;
  return Status::InvalidArgument(std::move(message), {ErrorDetail{-1, std::move(field), std::move(reason)}});
}

// Appends one filter of the subscription as dashboard query parameters.
Status AddFilter(std::string_view key, element value, analytics::QueryParams& params) {
  const std::string field = "filters." + std::string(key);
  if (key == "from" || key == "to") {
    if (value.is_string()) {
      params.emplace_back(std::string(key), std::string(value.get_string().value()));
    } else if (value.is_int64()) {
      params.emplace_back(std::string(key), std::to_string(value.get_int64().value()));
    } else {
      return Bad(field, "must be a time: RFC 3339, epoch ms or now-<duration>");
    }
    return Status::OK();
  }
  if (key == "bucket" || key == "tz") {
    if (!value.is_string()) return Bad(field, "must be a string");
    params.emplace_back(std::string(key), std::string(value.get_string().value()));
    return Status::OK();
  }
  if (std::find(kDimensions.begin(), kDimensions.end(), key) != kDimensions.end()) {
    if (value.is_string()) {
      params.emplace_back(std::string(key), std::string(value.get_string().value()));
      return Status::OK();
    }
    if (!value.is_array()) return Bad(field, "must be a string or an array of strings");
    for (element item : simdjson::dom::array(value)) {
      if (!item.is_string()) return Bad(field, "must be a string or an array of strings");
      params.emplace_back(std::string(key), std::string(item.get_string().value()));
    }
    return Status::OK();
  }
  if (key == "tags") {
    if (!value.is_object()) return Bad(field, "must be an object of tag key to value");
    for (auto [tag, tag_value] : simdjson::dom::object(value)) {
      if (!tag_value.is_string()) return Bad(field + "." + std::string(tag), "must be a string");
      if (tag.empty()) return Bad(field, "a tag key must not be empty");
      params.emplace_back("tag", std::string(tag) + ":" + std::string(tag_value.get_string().value()));
    }
    return Status::OK();
  }
  return Bad(field, "unknown filter; expected from, to, experiment, model, provider, user, team, tags, bucket or tz");
}

std::string CanonicalKey(analytics::QueryParams params) {
  std::sort(params.begin(), params.end());
  std::string key;
  for (const auto& [name, value] : params) {
    key += name;
    key += '=';
    key += value;
    key += '\n';
  }
  return key;
}

std::string_view StringField(const Event& event, FieldId id) {
  switch (id) {
    case FieldId::kExperiment: return event.experiment;
    case FieldId::kModel: return event.model;
    case FieldId::kProvider: return event.provider;
    case FieldId::kUser: return event.user;
    case FieldId::kTeam: return event.team;
    default: return {};
  }
}

}  // namespace

Result<LiveSubscription> ParseSubscribe(std::string_view message, int64_t now_ms) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(message);
  element root;
  if (parser.parse(padded).get(root) != simdjson::SUCCESS) {
    return Bad("message", "not valid JSON");
  }
  if (!root.is_object()) return Bad("message", "must be a JSON object");
  LiveSubscription subscription;
  bool typed = false;
  for (auto [key, value] : simdjson::dom::object(root)) {
    if (key == "type") {
      if (!value.is_string() || value.get_string().value() != "subscribe") {
        return Bad("type", "must be \"subscribe\"");
      }
      typed = true;
    } else if (key == "events") {
      if (!value.is_int64() || value.get_int64().value() < 0 ||
          value.get_int64().value() > static_cast<int64_t>(kMaxLiveEvents)) {
        return Bad("events", "must be an integer from 0 to " + std::to_string(kMaxLiveEvents));
      }
      subscription.events = static_cast<size_t>(value.get_int64().value());
    } else if (key == "filters") {
      if (!value.is_object()) return Bad("filters", "must be an object");
      for (auto [name, filter] : simdjson::dom::object(value)) {
        MLTRACK_RETURN_IF_ERROR(AddFilter(name, filter, subscription.params));
      }
    } else {
      return Bad(std::string(key), "unknown field; expected type, filters and events");
    }
  }
  if (!typed) return Bad("type", "missing; must be \"subscribe\"");
  Result<analytics::DashboardParams> params = analytics::ParseDashboardParams(subscription.params, now_ms);
  if (!params.ok()) {
    const ErrorDetail& first = params.status().details().at(0);
    const std::string field = first.field == "tag" ? "filters.tags" : "filters." + first.field;
    return Bad(field, first.reason);
  }
  subscription.key = CanonicalKey(subscription.params);
  return subscription;
}

Result<analytics::DashboardParams> ParamsAt(const LiveSubscription& subscription, int64_t now_ms) {
  return analytics::ParseDashboardParams(subscription.params, now_ms);
}

bool OpenEnded(const LiveSubscription& subscription) {
  for (const auto& [name, value] : subscription.params) {
    if (name == "to") return value.rfind("now", 0) == 0;
  }
  return true;
}

bool EventMatches(const analytics::DashboardParams& params, bool open_ended, const Event& event) {
  if (event.ts_ms < params.from_ms || (!open_ended && event.ts_ms >= params.to_ms)) return false;
  for (const query::Filter& filter : params.filters) {
    if (filter.op != query::FilterOp::kEq && filter.op != query::FilterOp::kIn) continue;
    std::string_view actual;
    bool present = true;
    if (filter.field.id == FieldId::kTag) {
      auto tag = std::find_if(event.tags.begin(), event.tags.end(),
                              [&](const auto& pair) { return pair.first == filter.field.key; });
      present = tag != event.tags.end();
      if (present) actual = tag->second;
    } else if (std::find(kDimensions.begin(), kDimensions.end(), filter.field.Name()) != kDimensions.end()) {
      actual = StringField(event, filter.field.id);
    } else {
      continue;
    }
    const bool listed = present && std::any_of(filter.values.begin(), filter.values.end(), [&](const auto& value) {
                          const std::string* text = std::get_if<std::string>(&value);
                          return text != nullptr && *text == actual;
                        });
    if (!listed) return false;
  }
  return true;
}

}  // namespace mltrack::server::live
