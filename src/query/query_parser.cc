#include "query/query_parser.h"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "core/event.h"
#include "core/time.h"
#include "core/time_zone.h"
#include "query/filter_parser.h"
#include "query/parse_support.h"
#include "query/time_bucket.h"

namespace mltrack::query {
namespace {

using namespace parse;  // NOLINT: .cc file

constexpr int64_t kDefaultRangeMs = 7LL * 24 * 3600 * 1000;


}  // namespace

Status ValidateTimeZone(std::string_view tz) {
  if (tz == "UTC") return Status::OK();
  Result<std::shared_ptr<const TimeZone>> zone = TimeZone::Load(tz);
  return zone.ok() ? Status::OK() : zone.status();
}

Result<QuerySpec> ParseQuerySpec(std::string_view json, int64_t now_ms) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  element root;
  if (auto error = parser.parse(padded).get(root); error) {
    return Status::InvalidArgument(std::string("invalid query: not JSON: ") + simdjson::error_message(error),
                                   {{-1, "", std::string("not JSON: ") + simdjson::error_message(error)}});
  }
  if (root.type() != element_type::OBJECT) {
    return Status::InvalidArgument("invalid query: expected a JSON object", {{-1, "", "expected a JSON object"}});
  }
  Errors errors;
  QuerySpec spec;
  std::optional<element> from_json, to_json, filters_json, group_json, bucket_json, metrics_json, order_json, limit_json,
      tz_json;
  for (auto [key, value] : simdjson::dom::object(root)) {
    if (key == "from") from_json = value;
    else if (key == "to") to_json = value;
    else if (key == "filters") filters_json = value;
    else if (key == "group_by") group_json = value;
    else if (key == "bucket") bucket_json = value;
    else if (key == "metrics") metrics_json = value;
    else if (key == "order_by") order_json = value;
    else if (key == "limit") limit_json = value;
    else if (key == "tz") tz_json = value;
    else errors.Add(-1, std::string(key), "unknown field (expected from, to, filters, group_by, bucket, tz, metrics, order_by, limit)");
  }

  spec.to_ms = now_ms;
  spec.from_ms = now_ms - kDefaultRangeMs;
  bool times_ok = true;
  if (to_json) {
    std::optional<int64_t> to = ParseTime(*to_json, "to", now_ms, errors);
    if (to) spec.to_ms = *to;
    else times_ok = false;
  }
  if (from_json) {
    std::optional<int64_t> from = ParseTime(*from_json, "from", now_ms, errors);
    if (from) spec.from_ms = *from;
    else times_ok = false;
  } else if (to_json) {
    spec.from_ms = spec.to_ms - kDefaultRangeMs;
  }
  if (times_ok && spec.from_ms > spec.to_ms) errors.Add(-1, "from", "is after \"to\"");

  if (filters_json) {
    if (filters_json->type() != element_type::ARRAY) {
      errors.Add(-1, "filters", std::string("expected an array, got ") + TypeName(filters_json->type()));
    } else {
      size_t index = 0;
      for (element item : simdjson::dom::array(*filters_json)) ParseFilter(item, index++, errors, spec.filters);
    }
  }

  if (tz_json) {
    if (tz_json->type() != element_type::STRING) {
      errors.Add(-1, "tz", std::string("expected an IANA time zone name such as \"Europe/Berlin\", got ") +
                               TypeName(tz_json->type()));
    } else {
      const std::string_view tz(*tz_json);
      Status valid = ValidateTimeZone(tz);
      if (valid.ok()) spec.tz = std::string(tz);
      else errors.Add(valid);
    }
  }

  std::set<std::string> columns;
  if (bucket_json) {
    if (bucket_json->type() != element_type::STRING) {
      errors.Add(-1, "bucket", std::string("expected a string such as \"auto\" or \"1h\", got ") + TypeName(bucket_json->type()));
    } else {
      Result<BucketWidth> width = ParseBucket(std::string_view(*bucket_json), spec.from_ms, spec.to_ms);
      if (width.ok()) {
        spec.bucket_ms = width->ms;
        spec.bucket_months = width->months;
        columns.insert("t");
      } else {
        errors.Add(width.status());
      }
    }
  }

  if (group_json) {
    if (group_json->type() != element_type::ARRAY) {
      errors.Add(-1, "group_by", std::string("expected an array of field names, got ") + TypeName(group_json->type()));
    } else {
      size_t index = 0;
      for (element item : simdjson::dom::array(*group_json)) {
        std::string path = Path("group_by", index);
        int64_t item_index = static_cast<int64_t>(index++);
        if (item.type() != element_type::STRING) {
          errors.Add(item_index, path, std::string("expected a field name, got ") + TypeName(item.type()));
          continue;
        }
        std::string_view name(item);
        if (name.starts_with("bin:")) {
          Result<std::pair<FieldRef, GroupBin>> bin = ParseGroupBin(name, path, item_index);
          if (!bin.ok()) {
            errors.Add(bin.status());
          } else if (!columns.insert(std::string(name)).second) {
            errors.Add(item_index, path, "duplicate column \"" + std::string(name) + "\"");
          } else {
            spec.group_bins.resize(spec.group_by.size());
            spec.group_by.push_back(bin->first);
            spec.group_bins.push_back(std::move(bin->second));
          }
          continue;
        }
        std::optional<FieldRef> field = ParseFieldRef(name);
        if (!field || !IsQueryable(*field)) {
          errors.Add(item_index, path, "unknown field \"" + std::string(name) + "\"");
        } else if (field->id != FieldId::kTag && !GetFieldInfo(field->id).dimension) {
          errors.Add(item_index, path, "\"" + std::string(name) + "\" is a measure, not a dimension; aggregate it instead");
        } else if (!columns.insert(field->Name()).second) {
          errors.Add(item_index, path, "duplicate column \"" + std::string(name) + "\"");
        } else {
          spec.group_by.push_back(*field);
          if (!spec.group_bins.empty()) spec.group_bins.emplace_back();
        }
      }
    }
  }

  if (!metrics_json) {
    spec.metrics.push_back(*ParseMetric("count"));
    columns.insert("count");
  } else if (metrics_json->type() != element_type::ARRAY) {
    errors.Add(-1, "metrics", std::string("expected an array of metric names, got ") + TypeName(metrics_json->type()));
  } else {
    size_t index = 0;
    for (element item : simdjson::dom::array(*metrics_json)) {
      std::string path = Path("metrics", index);
      int64_t item_index = static_cast<int64_t>(index++);
      if (item.type() != element_type::STRING) {
        errors.Add(item_index, path, std::string("expected a metric string, got ") + TypeName(item.type()));
        continue;
      }
      Result<MetricSpec> metric = ParseMetric(std::string_view(item), path, item_index);
      if (!metric.ok()) {
        errors.Add(metric.status());
      } else if (!columns.insert(metric->name).second) {
        errors.Add(item_index, path, "duplicate column \"" + metric->name + "\"");
      } else {
        spec.metrics.push_back(std::move(metric).value());
      }
    }
    if (index == 0) errors.Add(-1, "metrics", "must not be empty");
  }

  if (order_json) {
    if (order_json->type() != element_type::ARRAY) {
      errors.Add(-1, "order_by", std::string("expected an array, got ") + TypeName(order_json->type()));
    } else {
      size_t index = 0;
      for (element item : simdjson::dom::array(*order_json)) {
        std::string path = Path("order_by", index);
        int64_t item_index = static_cast<int64_t>(index++);
        OrderBy order;
        std::optional<std::string_view> column;
        if (item.type() == element_type::STRING) {
          column = std::string_view(item);
        } else if (item.type() == element_type::OBJECT) {
          for (auto [key, value] : simdjson::dom::object(item)) {
            if (key == "metric" || key == "field" || key == "column") {
              if (value.type() != element_type::STRING) errors.Add(item_index, path + "." + std::string(key), "expected a column name");
              else column = std::string_view(value);
            } else if (key == "dir") {
              std::string_view dir = value.type() == element_type::STRING ? std::string_view(value) : "";
              if (dir == "desc") order.descending = true;
              else if (dir != "asc") errors.Add(item_index, path + ".dir", "expected \"asc\" or \"desc\"");
            } else {
              errors.Add(item_index, path + "." + std::string(key), "unknown field (expected metric, field or column, and dir)");
            }
          }
        } else {
          errors.Add(item_index, path, std::string("expected an object, got ") + TypeName(item.type()));
          continue;
        }
        if (!column) {
          errors.Add(item_index, path + ".metric", "missing (name an output column)");
        } else if (!columns.contains(std::string(*column))) {
          errors.Add(item_index, path, "\"" + std::string(*column) + "\" is not an output column (order by \"t\", a group_by field or a metric of this query)");
        } else if (std::any_of(spec.metrics.begin(), spec.metrics.end(), [&](const MetricSpec& metric) {
                     return metric.kind == AggregateKind::kDays && metric.name == *column;
                   })) {
          errors.Add(item_index, path, "\"" + std::string(*column) + "\" is a list and cannot order rows");
        } else {
          order.column = std::string(*column);
          spec.order_by.push_back(std::move(order));
        }
      }
    }
  }

  spec.limit = kDefaultQueryLimit;
  if (limit_json) {
    if (limit_json->type() != element_type::INT64 && limit_json->type() != element_type::UINT64) {
      errors.Add(-1, "limit", std::string("expected an integer, got ") + TypeName(limit_json->type()));
    } else if (limit_json->type() == element_type::UINT64 || int64_t(*limit_json) > kMaxQueryLimit) {
      errors.Add(-1, "limit", "at most " + std::to_string(kMaxQueryLimit));
    } else if (int64_t(*limit_json) < 1) {
      errors.Add(-1, "limit", "must be at least 1");
    } else {
      spec.limit = int64_t(*limit_json);
    }
  }

  if (!errors.empty()) return errors.ToStatus();
  return spec;
}

}  // namespace mltrack::query
