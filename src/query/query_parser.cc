#include "query/query_parser.h"

#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <set>
#include <string>

#include "core/event.h"
#include "core/time.h"
#include "query/time_bucket.h"

namespace mltrack::query {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

constexpr int64_t kDefaultRangeMs = 7LL * 24 * 3600 * 1000;

std::string Path(std::string_view base, size_t index) {
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

const char* TypeName(element_type type) {
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

bool IsNumber(element value) {
  element_type type = value.type();
  return type == element_type::INT64 || type == element_type::UINT64 || type == element_type::DOUBLE;
}

double AsDouble(element value) {
  switch (value.type()) {
    case element_type::INT64: return static_cast<double>(int64_t(value));
    case element_type::UINT64: return static_cast<double>(uint64_t(value));
    default: return double(value);
  }
}

std::optional<int64_t> ParseTime(element value, std::string_view field, int64_t now_ms, Errors& errors) {
  if (value.type() == element_type::INT64) return int64_t(value);
  if (value.type() == element_type::STRING) {
    Result<int64_t> parsed = ParseTimeParam(std::string_view(value), now_ms);
    if (parsed.ok()) return *parsed;
    errors.Add(-1, std::string(field), parsed.status().message());
    return std::nullopt;
  }
  errors.Add(-1, std::string(field),
             std::string("expected RFC 3339, epoch ms or now-<N><unit>, got ") + TypeName(value.type()));
  return std::nullopt;
}

bool IsValidPercentileText(std::string_view text) {
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

struct FilterOpName {
  std::string_view name;
  FilterOp op;
};
constexpr FilterOpName kFilterOps[] = {
    {"eq", FilterOp::kEq},   {"ne", FilterOp::kNe},   {"in", FilterOp::kIn},
    {"not_in", FilterOp::kNotIn}, {"gt", FilterOp::kGt}, {"gte", FilterOp::kGte},
    {"lt", FilterOp::kLt},   {"lte", FilterOp::kLte}, {"contains", FilterOp::kContains},
    {"exists", FilterOp::kExists},
};

bool IsOrderingOp(FilterOp op) {
  return op == FilterOp::kGt || op == FilterOp::kGte || op == FilterOp::kLt || op == FilterOp::kLte;
}

// Whether `field` may be filtered or grouped by / aggregated at all.
bool IsQueryable(const FieldRef& field) {
  const FieldInfo& info = GetFieldInfo(field.id);
  return field.id == FieldId::kTag || field.id == FieldId::kScore || info.dimension || info.measure;
}

// Checks one literal against the field's kind; on success appends it to `out`.
void ParseFilterValue(element value, const FieldRef& field, int64_t index, const std::string& path,
                      Errors& errors, std::vector<FilterValue>& out) {
  FieldKind kind = field.kind();
  if (field.id == FieldId::kTag) kind = FieldKind::kString;
  switch (kind) {
    case FieldKind::kString:
      if (value.type() != element_type::STRING) {
        errors.Add(index, path, std::string("expected a string, got ") + TypeName(value.type()));
        return;
      }
      out.emplace_back(std::string(std::string_view(value)));
      return;
    case FieldKind::kEnum: {
      if (value.type() != element_type::STRING) {
        errors.Add(index, path, std::string("expected a string, got ") + TypeName(value.type()));
        return;
      }
      std::string_view name(value);
      bool known = field.id == FieldId::kOperation ? ParseOperation(name).has_value()
                                                   : ParseEventStatus(name).has_value();
      if (!known) {
        errors.Add(index, path, "unknown " + field.Name() + " \"" + std::string(name) + "\"" +
                                 (field.id == FieldId::kOperation
                                      ? " (one of chat, completion, embedding, tool, run, other)"
                                      : " (one of ok, error)"));
        return;
      }
      out.emplace_back(std::string(name));
      return;
    }
    case FieldKind::kBool:
      if (value.type() != element_type::BOOL) {
        errors.Add(index, path, std::string("expected true or false, got ") + TypeName(value.type()));
        return;
      }
      out.emplace_back(bool(value));
      return;
    default:
      if (!IsNumber(value)) {
        errors.Add(index, path, std::string("expected a number, got ") + TypeName(value.type()));
        return;
      }
      out.emplace_back(AsDouble(value));
      return;
  }
}

void ParseFilter(element item, size_t index, Errors& errors, std::vector<Filter>& filters) {
  const std::string base = Path("filters", index);
  if (item.type() != element_type::OBJECT) {
    errors.Add(static_cast<int64_t>(index), base, std::string("expected an object, got ") + TypeName(item.type()));
    return;
  }
  std::optional<element> field_json, op_json, value_json, values_json;
  for (auto [key, value] : simdjson::dom::object(item)) {
    if (key == "field") field_json = value;
    else if (key == "op") op_json = value;
    else if (key == "value") value_json = value;
    else if (key == "values") values_json = value;
    else errors.Add(static_cast<int64_t>(index), base + "." + std::string(key), "unknown field (expected field, op, value, values)");
  }
  Filter filter;
  bool ok = true;
  auto fail = [&](std::string field, std::string reason) {
    errors.Add(static_cast<int64_t>(index), base + "." + field, std::move(reason));
    ok = false;
  };
  if (!field_json || field_json->type() != element_type::STRING) {
    fail("field", field_json ? "expected a field name string" : "missing (required)");
  } else {
    std::string_view name(*field_json);
    std::optional<FieldRef> ref = ParseFieldRef(name);
    if (!ref || !IsQueryable(*ref)) {
      fail("field", "unknown field \"" + std::string(name) + "\"" + (ref ? " (not filterable; use from/to for ts)" : ""));
    } else {
      filter.field = *ref;
    }
  }
  if (!op_json || op_json->type() != element_type::STRING) {
    fail("op", op_json ? "expected an op string" : "missing (required)");
  } else {
    std::string_view name(*op_json);
    bool found = false;
    for (const FilterOpName& candidate : kFilterOps) {
      if (candidate.name == name) {
        filter.op = candidate.op;
        found = true;
      }
    }
    if (!found) fail("op", "unknown op \"" + std::string(name) + "\" (one of eq, ne, in, not_in, gt, gte, lt, lte, contains, exists)");
  }
  if (!ok) return;

  // Which ops the field's kind supports.
  FieldKind kind = filter.field.id == FieldId::kTag ? FieldKind::kString : filter.field.kind();
  if (filter.op == FilterOp::kContains && kind != FieldKind::kString && kind != FieldKind::kEnum) {
    fail("op", "contains applies to string fields only, not " + filter.field.Name());
    return;
  }
  if (IsOrderingOp(filter.op) && (kind == FieldKind::kEnum || kind == FieldKind::kBool)) {
    fail("op", "ordering ops (gt, gte, lt, lte) do not apply to " + filter.field.Name());
    return;
  }

  if (filter.op == FilterOp::kExists) {
    if (values_json) fail("values", "exists takes an optional boolean \"value\", not \"values\"");
    if (value_json) {
      if (value_json->type() != element_type::BOOL) fail("value", "exists takes true or false");
      else filter.exists = bool(*value_json);
    }
  } else if (filter.op == FilterOp::kIn || filter.op == FilterOp::kNotIn) {
    if (value_json) fail("value", "in/not_in take \"values\" (an array), not \"value\"");
    if (!values_json) {
      fail("values", "missing (required for in/not_in)");
    } else if (values_json->type() != element_type::ARRAY) {
      fail("values", std::string("expected an array, got ") + TypeName(values_json->type()));
    } else {
      size_t value_index = 0;
      for (element value : simdjson::dom::array(*values_json)) {
        ParseFilterValue(value, filter.field, static_cast<int64_t>(index), base + ".values[" + std::to_string(value_index++) + "]", errors, filter.values);
      }
      if (value_index == 0) fail("values", "must not be empty");
    }
  } else {
    if (values_json) fail("values", "this op takes one \"value\", not \"values\"");
    if (!value_json) fail("value", "missing (required for this op)");
    else ParseFilterValue(*value_json, filter.field, static_cast<int64_t>(index), base + ".value", errors, filter.values);
    if (filter.op == FilterOp::kContains && ok && filter.values.size() == 1 &&
        std::get_if<std::string>(&filter.values[0]) == nullptr) {
      fail("value", "contains takes a string");
    }
  }
  if (ok) filters.push_back(std::move(filter));
}

}  // namespace

Result<MetricSpec> ParseMetric(std::string_view text, std::string_view path, int64_t index) {
  auto error = [&](std::string reason) {
    return Status::InvalidArgument("invalid metric \"" + std::string(text) + "\": " + reason,
                                   {{index, std::string(path), std::move(reason)}});
  };
  MetricSpec metric;
  metric.name = std::string(text);
  if (text == "count") {
    metric.kind = AggregateKind::kCount;
    return metric;
  }
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return error("unknown metric \"" + std::string(text) + "\" (use count or <agg>:<field> with agg one of count, sum, avg, min, max, p<N>, uniq, rate)");
  }
  std::string_view agg = text.substr(0, colon);
  std::string_view field_name = text.substr(colon + 1);
  if (agg == "rate") {
    if (field_name != "error" && field_name != "cache_hit" && field_name != "streaming") {
      return error("rate applies to error, cache_hit or streaming, not \"" + std::string(field_name) + "\"");
    }
    metric.kind = AggregateKind::kRate;
    metric.rate_of = std::string(field_name);
    return metric;
  }
  if (agg == "sum") metric.kind = AggregateKind::kSum;
  else if (agg == "avg") metric.kind = AggregateKind::kAvg;
  else if (agg == "min") metric.kind = AggregateKind::kMin;
  else if (agg == "max") metric.kind = AggregateKind::kMax;
  else if (agg == "uniq") metric.kind = AggregateKind::kUniq;
  else if (agg.size() > 1 && agg[0] == 'p') {
    std::string_view number = agg.substr(1);
    double percentile = -1;
    if (IsValidPercentileText(number)) {
      std::from_chars(number.data(), number.data() + number.size(), percentile);
    }
    if (!(percentile >= 0 && percentile <= 100)) {
      return error("percentile must be p<N> with N a number in [0, 100], got \"" + std::string(agg) + "\"");
    }
    metric.kind = AggregateKind::kPercentile;
    metric.percentile = percentile;
  } else if (agg == "count") {
    metric.kind = AggregateKind::kCountPresent;
  } else {
    return error("unknown aggregate \"" + std::string(agg) + "\" (one of count, sum, avg, min, max, p<N>, uniq, rate)");
  }
  std::optional<FieldRef> field = ParseFieldRef(field_name);
  if (!field || !IsQueryable(*field)) {
    return error("unknown field \"" + std::string(field_name) + "\"");
  }
  metric.field = *field;
  const FieldInfo& info = GetFieldInfo(field->id);
  bool measure = field->id == FieldId::kScore || (field->id != FieldId::kTag && info.measure);
  if (metric.kind != AggregateKind::kUniq && metric.kind != AggregateKind::kCountPresent && !measure) {
    return error(std::string(agg) + " needs a numeric field; \"" + std::string(field_name) + "\" is not (use uniq or group_by)");
  }
  return metric;
}

Result<std::pair<FieldRef, GroupBin>> ParseGroupBin(std::string_view text, std::string_view path,
                                                    int64_t index) {
  auto error = [&](std::string reason) {
    reason = "invalid bin \"" + std::string(text) + "\": " + reason;
    return Status::InvalidArgument(reason, {{index, std::string(path), reason}});
  };
  if (!text.starts_with("bin:")) return error("expected bin:<width>:<measure>");
  std::string_view rest = text.substr(4);
  const size_t colon = rest.find(':');
  if (colon == std::string_view::npos) return error("expected bin:<width>:<measure>, e.g. bin:250:latency_ms");
  std::string_view width = rest.substr(0, colon);
  std::string_view field_name = rest.substr(colon + 1);
  GroupBin bin;
  bin.name = std::string(text);
  // The width as an exact decimal: digits with at most one '.', like "250" or "0.05".
  if (!IsValidPercentileText(width)) {
    return error("width must be a positive decimal number such as 250 or 0.05, got \"" + std::string(width) + "\"");
  }
  int64_t units = 0;
  int32_t decimals = 0;
  bool after_dot = false;
  for (char c : width) {
    if (c == '.') {
      after_dot = true;
      continue;
    }
    if (units > (int64_t{1} << 50)) return error("width has too many digits");
    units = units * 10 + (c - '0');
    decimals += after_dot ? 1 : 0;
  }
  if (units == 0) return error("width must be greater than 0");
  if (decimals > 15) return error("width has more than 15 decimals");
  bin.width_units = units;
  bin.width_decimals = decimals;
  std::optional<FieldRef> field = ParseFieldRef(field_name);
  if (!field || !IsQueryable(*field)) return error("unknown field \"" + std::string(field_name) + "\"");
  const bool measure = field->id == FieldId::kScore || (field->id != FieldId::kTag && GetFieldInfo(field->id).measure);
  if (!measure) return error("\"" + std::string(field_name) + "\" is not a numeric field");
  return std::pair<FieldRef, GroupBin>{*field, std::move(bin)};
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
  std::optional<element> from_json, to_json, filters_json, group_json, bucket_json, metrics_json, order_json, limit_json;
  for (auto [key, value] : simdjson::dom::object(root)) {
    if (key == "from") from_json = value;
    else if (key == "to") to_json = value;
    else if (key == "filters") filters_json = value;
    else if (key == "group_by") group_json = value;
    else if (key == "bucket") bucket_json = value;
    else if (key == "metrics") metrics_json = value;
    else if (key == "order_by") order_json = value;
    else if (key == "limit") limit_json = value;
    else errors.Add(-1, std::string(key), "unknown field (expected from, to, filters, group_by, bucket, metrics, order_by, limit)");
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
