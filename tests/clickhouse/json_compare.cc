#include "json_compare.h"

#include <simdjson.h>

#include <cmath>
#include <vector>

namespace mltrack::integration {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

bool Skipped(const std::string& path, const std::vector<std::string>& skip) {
  for (const std::string& prefix : skip) {
    if (path.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

bool IsNumber(element_type type) {
  return type == element_type::INT64 || type == element_type::UINT64 || type == element_type::DOUBLE;
}

std::string Diff(element expected, element actual, const std::string& path, const Tolerance& tolerance,
                 const std::vector<std::string>& skip) {
  if (Skipped(path, skip)) return "";
  const element_type want = expected.type();
  const element_type got = actual.type();
  if (IsNumber(want) && IsNumber(got)) {
    const double a = double(expected);
    const double b = double(actual);
    if (a == b) return "";
    const double allowed = tolerance(path);
    if (allowed > 0 && std::fabs(a - b) <= allowed * std::max(std::fabs(a), std::fabs(b))) return "";
    return path + ": expected " + simdjson::to_string(expected) + ", got " + simdjson::to_string(actual);
  }
  if (want != got) return path + ": expected " + simdjson::to_string(expected) + ", got " + simdjson::to_string(actual);
  switch (want) {
    case element_type::ARRAY: {
      std::vector<element> left, right;
      for (element item : expected.get_array()) left.push_back(item);
      for (element item : actual.get_array()) right.push_back(item);
      if (left.size() != right.size()) {
        return path + ": " + std::to_string(left.size()) + " items expected, got " + std::to_string(right.size());
      }
      for (size_t idx = 0; idx < left.size(); ++idx) {
        std::string diff = Diff(left[idx], right[idx], path + "[" + std::to_string(idx) + "]", tolerance, skip);
        if (!diff.empty()) return diff;
      }
      return "";
    }
    case element_type::OBJECT: {
      simdjson::dom::object left = expected.get_object();
      simdjson::dom::object right = actual.get_object();
      if (left.size() != right.size()) return path + ": objects differ in their keys";
      for (auto field : left) {
        element other;
        if (right[field.key].get(other)) return path + ": key " + std::string(field.key) + " is missing";
        const std::string child = path.empty() ? std::string(field.key) : path + "." + std::string(field.key);
        std::string diff = Diff(field.value, other, child, tolerance, skip);
        if (!diff.empty()) return diff;
      }
      return "";
    }
    default:
      if (simdjson::to_string(expected) == simdjson::to_string(actual)) return "";
      return path + ": expected " + simdjson::to_string(expected) + ", got " + simdjson::to_string(actual);
  }
}

}  // namespace

std::string JsonDifference(const std::string& expected, const std::string& actual, const Tolerance& tolerance,
                           const std::vector<std::string>& skip) {
  simdjson::dom::parser left_parser, right_parser;
  element left, right;
  if (left_parser.parse(expected).get(left)) return "expected answer is not JSON: " + expected.substr(0, 200);
  if (right_parser.parse(actual).get(right)) return "actual answer is not JSON: " + actual.substr(0, 200);
  return Diff(left, right, "", tolerance, skip);
}

}  // namespace mltrack::integration
