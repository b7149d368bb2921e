#pragma once
// Compares two JSON answers of the two backends, value by value, and says where they differ.

#include <functional>
#include <string>

namespace mltrack::integration {

// The relative difference allowed for a number at `path` ("cards.avg_latency_ms.value",
// "rows[3][2]"); 0 = must be equal.
using Tolerance = std::function<double(const std::string& path)>;

// "" when equal (numbers within the tolerance; object keys in any order), else the first
// difference with its path. `skip` paths (prefix match) are not compared.
std::string JsonDifference(const std::string& expected, const std::string& actual, const Tolerance& tolerance,
                           const std::vector<std::string>& skip = {});

}  // namespace mltrack::integration
