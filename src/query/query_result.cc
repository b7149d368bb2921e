#include "query/query_result.h"

#include <cinttypes>
#include <cmath>
#include <cstdio>

#include "core/event.h"
#include "core/json_writer.h"

namespace mltrack::query {
namespace {

std::string Digits(unsigned __int128 magnitude) {
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude != 0);
  return digits;
}

void WriteCell(JsonWriter& writer, const Cell& cell) {
  struct Visitor {
    JsonWriter& writer;
    void operator()(std::monostate) { writer.Null(); }
    void operator()(int64_t value) { writer.Int(value); }
    void operator()(double value) { writer.Double(value); }
    void operator()(MoneyValue value) { writer.Money(value.nano_usd); }
    void operator()(const std::string& value) { writer.String(value); }
    void operator()(bool value) { writer.Bool(value); }
    void operator()(const WideNumber& value) { writer.Raw(value.text); }
    void operator()(const IntList& list) {
      writer.BeginArray();
      for (int64_t value : list.values) writer.Int(value);
      writer.EndArray();
    }
  };
  std::visit(Visitor{writer}, cell);
}

}  // namespace

Cell IntegerSumCell(__int128 sum, bool money) {
  if (sum >= INT64_MIN && sum <= INT64_MAX) {
    if (money) return MoneyValue{static_cast<int64_t>(sum)};
    return static_cast<int64_t>(sum);
  }
  const unsigned __int128 magnitude = sum < 0 ? -static_cast<unsigned __int128>(sum) : static_cast<unsigned __int128>(sum);
  std::string text = sum < 0 ? "-" : "";
  if (!money) return WideNumber{text + Digits(magnitude)};
  text += Digits(magnitude / kNanoPerUsd);
  std::string fraction = Digits(magnitude % kNanoPerUsd);
  fraction.insert(0, 9 - fraction.size(), '0');
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  if (!fraction.empty()) text += "." + fraction;
  return WideNumber{text};
}

Cell DoubleSumCell(long double sum) {
  const double narrow = static_cast<double>(sum);
  if (std::isfinite(narrow) || !std::isfinite(sum)) return narrow;
  char text[64];
  std::snprintf(text, sizeof(text), "%.17Lg", sum);
  return WideNumber{text};
}

std::string QueryResultToJson(const QueryResult& result) {
  JsonWriter writer;
  writer.BeginObject();
  writer.Key("columns");
  writer.BeginArray();
  for (const std::string& column : result.columns) writer.String(column);
  writer.EndArray();
  writer.Key("rows");
  writer.BeginArray();
  for (const std::vector<Cell>& row : result.rows) {
    writer.BeginArray();
    for (const Cell& cell : row) WriteCell(writer, cell);
    writer.EndArray();
  }
  writer.EndArray();
  writer.Key("stats");
  writer.BeginObject();
  writer.Key("scanned");
  writer.Int(static_cast<int64_t>(result.scanned));
  writer.Key("elapsed_ms");
  writer.Double(result.elapsed_ms);
  writer.Key("cache");
  writer.BeginObject();
  writer.Key("hits");
  writer.Int(static_cast<int64_t>(result.cache_hits));
  writer.Key("misses");
  writer.Int(static_cast<int64_t>(result.cache_misses));
  writer.EndObject();
  writer.Key("quarantined");
  writer.BeginArray();
  for (const store::QuarantinedSegment& segment : result.quarantined) {
    writer.BeginObject();
    writer.Key("file");
    writer.String(segment.file);
    writer.Key("offset");
    writer.Int(static_cast<int64_t>(segment.offset));
    writer.Key("rows");
    writer.Int(static_cast<int64_t>(segment.rows));
    writer.Key("what");
    writer.String(segment.what);
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  writer.Key("limit");
  writer.BeginObject();
  writer.Key("applied");
  writer.Int(result.limit_applied);
  writer.Key("truncated");
  writer.Bool(result.truncated);
  writer.Key("total_groups");
  writer.Int(static_cast<int64_t>(result.total_groups));
  writer.EndObject();
  if (!result.tz.empty()) {
    writer.Key("tz");
    writer.String(result.tz);
  }
  writer.EndObject();
  return std::move(writer).Take();
}

}  // namespace mltrack::query
