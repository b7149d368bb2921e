#include "query/filter_parser.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "core/event.h"

namespace mltrack::query::parse {
namespace {

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

// {"field": "ts", "op": "gt"|"gte"|"lt"|"lte", "by": <string dimension>, "bounds": {value: ms}}.
void ParseKeyedBound(const std::optional<element>& op_json, const std::optional<element>& value_json,
                     const std::optional<element>& values_json, const std::optional<element>& by_json,
                     const std::optional<element>& bounds_json, size_t index, Errors& errors,
                     std::vector<Filter>& filters) {
  const std::string base = Path("filters", index);
  const int64_t item = static_cast<int64_t>(index);
  Filter filter;
  filter.field = FieldRef{FieldId::kTs, {}};
  bool ok = true;
  auto fail = [&](const std::string& field, std::string reason) {
    errors.Add(item, base + "." + field, std::move(reason));
    ok = false;
  };
  std::string_view op = op_json && op_json->type() == element_type::STRING ? std::string_view(*op_json) : "";
  bool known_op = false;
  for (const FilterOpName& candidate : kFilterOps) {
    if (candidate.name == op && IsOrderingOp(candidate.op)) {
      filter.op = candidate.op;
      known_op = true;
    }
  }
  if (!known_op) fail("op", "ts takes gt, gte, lt or lte with per-key bounds");
  if (value_json || values_json) fail(value_json ? "value" : "values", "ts takes \"by\" and \"bounds\" (use from/to for one time range)");
  std::optional<FieldRef> by;
  if (by_json && by_json->type() == element_type::STRING) by = ParseFieldRef(std::string_view(*by_json));
  if (!by || !(by->id == FieldId::kTag || by->kind() == FieldKind::kString) || !IsQueryable(*by)) {
    fail("by", by_json ? "expected a string dimension (e.g. user, session_id, tags.<key>)" : "missing (required for ts)");
  } else {
    filter.by = *by;
  }
  if (!bounds_json || bounds_json->type() != element_type::OBJECT) {
    fail("bounds", bounds_json ? "expected an object of value → epoch ms" : "missing (required for ts)");
  } else {
    for (auto [key, value] : simdjson::dom::object(*bounds_json)) {
      if (value.type() != element_type::INT64 && value.type() != element_type::UINT64) {
        fail("bounds." + std::string(key), "expected epoch milliseconds (an integer)");
        continue;
      }
      filter.bounds.emplace_back(std::string(key), value.type() == element_type::INT64
                                                       ? int64_t(value)
                                                       : static_cast<int64_t>(std::min<uint64_t>(uint64_t(value), INT64_MAX)));
    }
  }
  if (ok) filters.push_back(std::move(filter));
}

}  // namespace

void ParseFilter(element item, size_t index, Errors& errors, std::vector<Filter>& filters) {
  const std::string base = Path("filters", index);
  if (item.type() != element_type::OBJECT) {
    errors.Add(static_cast<int64_t>(index), base, std::string("expected an object, got ") + TypeName(item.type()));
    return;
  }
  std::optional<element> field_json, op_json, value_json, values_json, by_json, bounds_json;
  for (auto [key, value] : simdjson::dom::object(item)) {
    if (key == "field") field_json = value;
    else if (key == "op") op_json = value;
    else if (key == "value") value_json = value;
    else if (key == "values") values_json = value;
    else if (key == "by") by_json = value;
    else if (key == "bounds") bounds_json = value;
    else errors.Add(static_cast<int64_t>(index), base + "." + std::string(key), "unknown field (expected field, op, value, values; by and bounds for ts)");
  }
  if (field_json && field_json->type() == element_type::STRING && std::string_view(*field_json) == "ts") {
    if (!by_json && !bounds_json) {
      errors.Add(static_cast<int64_t>(index), base + ".field",
                 "ts is filtered only by per-key bounds (\"by\" and \"bounds\"); use from/to for a time range");
      return;
    }
    ParseKeyedBound(op_json, value_json, values_json, by_json, bounds_json, index, errors, filters);
    return;
  }
  if (by_json || bounds_json) {
    errors.Add(static_cast<int64_t>(index), base + (by_json ? ".by" : ".bounds"), "by and bounds apply to the field ts only");
    return;
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


}  // namespace mltrack::query::parse
