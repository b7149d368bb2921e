#include <algorithm>
#include <cmath>

#include "query/query_spec.h"

namespace mltrack::query {
namespace {

constexpr double kMaxBin = 9007199254740992.0;  // 2^53: bin indexes stay exact in double

double PowerOfTen(int32_t decimals) {
  double power = 1;
  for (int32_t idx = 0; idx < decimals; ++idx) power *= 10;
  return power;
}

}  // namespace

double GroupBin::width() const {
  return static_cast<double>(width_units) / PowerOfTen(width_decimals);
}

double GroupBin::Lower(int64_t bin) const {
  // One correctly rounded division of exact integers (|bin · units| < 2^53 in practice) gives
  // the double nearest the decimal bound.
  return static_cast<double>(bin) * static_cast<double>(width_units) / PowerOfTen(width_decimals);
}

int64_t GroupBin::BinOf(double value) const {
  const double estimate = std::floor(value / width());
  // Past ±2^53 bins a double no longer tells one bin from the next: refused, never lumped.
  if (!(std::fabs(estimate) < kMaxBin)) return kBinOutOfRange;
  int64_t bin = static_cast<int64_t>(estimate);
  // The division may round across a bound; settle on Lower(bin) ≤ value < Lower(bin + 1).
  if (value < Lower(bin)) --bin;
  else if (value >= Lower(bin + 1)) ++bin;
  return bin;
}

}  // namespace mltrack::query
