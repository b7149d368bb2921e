#include "query/query_result.h"

#include "core/json_writer.h"

namespace mltrack::query {
namespace {

void WriteCell(JsonWriter& writer, const Cell& cell) {
  struct Visitor {
    JsonWriter& writer;
    void operator()(std::monostate) { writer.Null(); }
    void operator()(int64_t value) { writer.Int(value); }
    void operator()(double value) { writer.Double(value); }
    void operator()(MoneyValue value) { writer.Money(value.nano_usd); }
    void operator()(const std::string& value) { writer.String(value); }
    void operator()(bool value) { writer.Bool(value); }
  };
  std::visit(Visitor{writer}, cell);
}

}  // namespace

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
