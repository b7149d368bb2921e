#include "backend/clickhouse/sql_compiler.h"

#include <gtest/gtest.h>

#include "backend/clickhouse/row_binary.h"
#include "query/query_parser.h"

namespace mltrack::backend::clickhouse {
namespace {

query::QuerySpec Parse(const std::string& json) {
  Result<query::QuerySpec> spec = query::ParseQuerySpec(json, 1'767'225'600'000);
  EXPECT_TRUE(spec.ok()) << spec.status().ToString();
  return spec.ok() ? *spec : query::QuerySpec{};
}

// User input reaches the SQL only as \xHH-escaped literals: the text stays printable ASCII and
// no hostile value appears in it raw, wherever it was written (filter value, tag key, score).
TEST(CompileQuery, HostileValuesNeverAppearRawInTheSql) {
  const std::string hostile = R"(x'); DROP TABLE events; --\\ \u0000 \n é)";
  const std::string spec_json = R"({"from":946684800000,"to":946684801000,
      "filters":[{"field":"tags.)" + std::string("k'ey") + R"(","op":"eq","value":")" + hostile + R"("},
                 {"field":"user","op":"contains","value":"a'b"},
                 {"field":"model","op":"in","values":["it's","\\"]}],
      "group_by":["tags.a'b"],"metrics":["count","sum:scores.s'core","p50:scores.s'core"]})";
  const CompiledQuery compiled = CompileQuery(Parse(spec_json), {"`db`.`events`", true});
  for (char c : compiled.sql) {
    const auto byte = static_cast<unsigned char>(c);
    EXPECT_TRUE(byte >= 0x20 && byte < 0x7F) << "non-ASCII byte " << int(byte) << " in " << compiled.sql;
  }
  // "DROP TABLE" may appear, inside its literal: what must not appear is a quote that ends one.
  for (const char* raw : {"x'", "k'ey", "a'b", "it's", "s'core", "\\ "}) {
    EXPECT_EQ(compiled.sql.find(raw), std::string::npos) << raw << " in " << compiled.sql;
  }
  EXPECT_NE(compiled.sql.find("'k\\x27ey'"), std::string::npos) << compiled.sql;
  EXPECT_NE(compiled.sql.find("'x\\x27); DROP TABLE events; --\\x5C \\x00 \\x0A \\xC3\\xA9'"), std::string::npos)
      << compiled.sql;
  EXPECT_TRUE(compiled.sql.ends_with(" FORMAT RowBinary"));
}

// The answer is finished by the embedded store's rules: bucket starts, money, averages from
// exact parts, the numpy-linear percentile from its two neighbours, order and limit.
TEST(ReadQueryResult, FinishesRowsAsTheEmbeddedStoreDoes) {
  const query::QuerySpec spec = Parse(R"({"from":946684800000,"to":947894400000,"bucket":"1w","group_by":["status"],
      "metrics":["sum:cost_usd","avg:input_tokens","p50:latency_ms","rate:error"],
      "order_by":[{"metric":"sum:cost_usd","dir":"desc"}],"limit":1})");
  const CompiledQuery compiled = CompileQuery(spec, {"t", true});
  // Columns on the wire: bucket, status code, sum, avg sum, avg count, p50 n, low, high, hits, total.
  ASSERT_EQ(compiled.wire.size(), 10u);
  std::string rows;
  RowBinaryWriter writer(&rows);
  auto add_row = [&](int64_t bucket, int64_t status, int64_t nano, int64_t tokens, int64_t n, double low,
                     double high) {
    writer.Fixed<int64_t>(bucket);
    writer.Fixed<int64_t>(status);
    writer.Fixed<int64_t>(nano);
    writer.Fixed<int64_t>(tokens);
    writer.Fixed<int64_t>(3);
    writer.Fixed<int64_t>(n);
    writer.Fixed<double>(low);
    writer.Fixed<double>(high);
    writer.Fixed<int64_t>(status);
    writer.Fixed<int64_t>(1);
  };
  add_row(1564, 0, 1'500'000'000, 10, 4, 2.0, 3.0);  // the week starting Monday 1999-12-27
  add_row(1565, 1, 2'000'000'001, 7, 0, 0, 0);
  Result<query::QueryResult> result = ReadQueryResult(spec, compiled, rows);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->columns, (std::vector<std::string>{"t", "status", "sum:cost_usd", "avg:input_tokens",
                                                       "p50:latency_ms", "rate:error"}));
  EXPECT_EQ(result->total_groups, 2u);
  EXPECT_TRUE(result->truncated);
  ASSERT_EQ(result->rows.size(), 1u);
  const std::vector<query::Cell>& row = result->rows[0];
  EXPECT_EQ(std::get<int64_t>(row[0]), 946'857'600'000LL);  // Monday 2000-01-03 (week 1565 of the Monday grid)
  EXPECT_EQ(std::get<std::string>(row[1]), "error");
  EXPECT_EQ(std::get<query::MoneyValue>(row[2]).nano_usd, 2'000'000'001);
  EXPECT_DOUBLE_EQ(std::get<double>(row[3]), 7.0 / 3.0);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(row[4]));  // no values: null
  EXPECT_DOUBLE_EQ(std::get<double>(row[5]), 1.0);

  // p50 of 4 values {.., 2, 3, ..}: h = 1.5 → 2 + 0.5 · (3 − 2).
  query::QuerySpec ungrouped = Parse(R"({"from":946684800000,"to":946684800001,"metrics":["p50:latency_ms"]})");
  const CompiledQuery one = CompileQuery(ungrouped, {"t", true});
  std::string cells;
  RowBinaryWriter(&cells).Fixed<int64_t>(4);
  RowBinaryWriter(&cells).Fixed<double>(2.0);
  RowBinaryWriter(&cells).Fixed<double>(3.0);
  Result<query::QueryResult> percentile = ReadQueryResult(ungrouped, one, cells);
  ASSERT_TRUE(percentile.ok());
  EXPECT_EQ(std::get<double>(percentile->rows[0][0]), 2.5);
}

// Local-time buckets: one grid expression per stretch of constant offset, chosen by multiIf on
// ts; the indexes that come back become starts through the bucketer.
TEST(CompileQuery, LocalTimeBucketsPickTheirStretchOfOffset) {
  const query::QuerySpec spec = Parse(R"({"from":1761955200000,"to":1762214400000,"bucket":"1d",
      "tz":"America/New_York","metrics":["count"]})");  // 2025-11-01 .. 11-04, DST ends 11-02 06:00Z
  Result<std::optional<LocalBuckets>> local = LocalBucketsFor(spec);
  ASSERT_TRUE(local.ok() && local->has_value());
  ASSERT_EQ((*local)->spans.size(), 2u);
  EXPECT_EQ((*local)->spans[1].start_ms, 1762063200000);
  EXPECT_EQ((*local)->spans[0].offset_ms, -4 * 3'600'000);
  EXPECT_EQ((*local)->spans[1].offset_ms, -5 * 3'600'000);
  CompileOptions options{"t", true, (*local)->spans};
  const CompiledQuery compiled = CompileQuery(spec, options);
  EXPECT_NE(compiled.sql.find("multiIf(`ts` < 1762063200000, "), std::string::npos) << compiled.sql;
  EXPECT_NE(compiled.sql.find("(`ts` + -14400000)"), std::string::npos) << compiled.sql;
  EXPECT_NE(compiled.sql.find("(`ts` + -18000000)"), std::string::npos) << compiled.sql;
  std::string rows;
  RowBinaryWriter writer(&rows);
  // Index 0 is the local day holding `from` (10-31 EDT), so 2 is 11-02: 25 hours from 04:00Z.
  writer.Fixed<int64_t>(2);
  writer.Fixed<int64_t>(9);
  Result<query::QueryResult> result = ReadQueryResult(spec, compiled, rows, &(*local)->bucketer);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(std::get<int64_t>(result->rows[0][0]), 1762056000000);
}

// What the embedded store answers but this backend does not compile yet is refused by name,
// never sent as a wrong SELECT.
TEST(CheckCompilable, RefusesDaysAndPerKeyBoundsByName) {
  EXPECT_TRUE(CheckCompilable(Parse(R"({"from":946684800000,"to":946771200000,"metrics":["count"]})")).ok());
  const Status days = CheckCompilable(Parse(
      R"({"from":946684800000,"to":946771200000,"group_by":["user"],"metrics":["count","days:ts"]})"));
  ASSERT_EQ(days.code(), StatusCode::kInvalidArgument);
  ASSERT_EQ(days.details().size(), 1u);
  EXPECT_EQ(days.details()[0].index, 1);
  EXPECT_EQ(days.details()[0].field, "metrics");
  EXPECT_NE(days.details()[0].reason.find("days:ts"), std::string::npos);
  const Status bounds = CheckCompilable(Parse(
      R"({"from":946684800000,"to":946771200000,"metrics":["count"],
          "filters":[{"field":"ts","op":"gte","by":"user","bounds":{"ann":946700000000}}]})"));
  ASSERT_EQ(bounds.code(), StatusCode::kInvalidArgument);
  ASSERT_EQ(bounds.details().size(), 1u);
  EXPECT_EQ(bounds.details()[0].field, "filters.by");
}

TEST(ReadQueryResult, RefusesATruncatedAnswer) {
  query::QuerySpec spec = Parse(R"({"from":946684800000,"to":946684800001,"metrics":["count"]})");
  const CompiledQuery compiled = CompileQuery(spec, {"t", true});
  Result<query::QueryResult> result = ReadQueryResult(spec, compiled, std::string("\x01\x02", 2));
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace mltrack::backend::clickhouse
