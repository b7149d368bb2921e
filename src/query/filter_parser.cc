#include "query/filter_parser.h"

#include <cmath>
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

}  // namespace

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


}  // namespace mltrack::query::parse
