#include "backend/clickhouse/sql_compiler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <map>

#include "backend/clickhouse/row_binary.h"
#include "query/aggregate/quantile.h"
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
  // Columns on the wire: bucket, status code, sum, avg sum, avg count, p50's n, values, min, max,
  // zeros, hits, total.
  ASSERT_EQ(compiled.wire.size(), 12u);
  EXPECT_EQ(compiled.key_columns, 2u);
  ASSERT_EQ(compiled.sketch_sql.size(), 1u);  // latency_ms's counts per bucket, for large groups
  std::string rows;
  RowBinaryWriter writer(&rows);
  auto add_row = [&](int64_t bucket, int64_t status, int64_t nano, int64_t tokens, std::vector<double> values) {
    writer.Fixed<int64_t>(bucket);
    writer.Fixed<int64_t>(status);
    writer.Fixed<int64_t>(nano);
    writer.Fixed<int64_t>(tokens);
    writer.Fixed<int64_t>(3);
    writer.Fixed<int64_t>(static_cast<int64_t>(values.size()));
    writer.Varint(values.size());
    for (double value : values) writer.Fixed<double>(value);
    writer.Nullable<double>(values.empty() ? std::nullopt : std::optional<double>(values[0]));
    writer.Nullable<double>(values.empty() ? std::nullopt : std::optional<double>(values.back()));
    writer.Fixed<int64_t>(0);
    writer.Fixed<int64_t>(status);
    writer.Fixed<int64_t>(1);
  };
  add_row(1564, 0, 1'500'000'000, 10, {1.0, 2.0, 3.0, 4.0});  // the week starting Monday 1999-12-27
  add_row(1565, 1, 2'000'000'001, 7, {});
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

  // p50 of 4 values {4, 1, 3, 2} (unsorted, as groupArray gives them): h = 1.5 → 2 + 0.5 · (3 − 2).
  query::QuerySpec ungrouped = Parse(R"({"from":946684800000,"to":946684800001,"metrics":["p50:latency_ms"]})");
  const CompiledQuery one = CompileQuery(ungrouped, {"t", true});
  std::string cells;
  RowBinaryWriter cell_writer(&cells);
  cell_writer.Fixed<int64_t>(4);
  cell_writer.Varint(4);
  for (double value : {4.0, 1.0, 3.0, 2.0}) cell_writer.Fixed<double>(value);
  cell_writer.Nullable<double>(1.0);
  cell_writer.Nullable<double>(4.0);
  cell_writer.Fixed<int64_t>(0);
  Result<query::QueryResult> percentile = ReadQueryResult(ungrouped, one, cells);
  ASSERT_TRUE(percentile.ok());
  EXPECT_EQ(std::get<double>(percentile->rows[0][0]), 2.5);
}

// A group past the embedded store's exact limit: its percentiles come from the counts per
// sketch bucket of a second SELECT, finished by the embedded Quantile itself, so they equal the
// embedded answer bit for bit (negative values, zeros and several levels of one field included).
TEST(ReadQueryResult, LargeGroupsAreFinishedFromTheSketchCountsAsTheEmbeddedStoreDoes) {
  const query::QuerySpec spec = Parse(R"({"from":946684800000,"to":946684800001,"group_by":["model"],
      "metrics":["p50:latency_ms","count","p99:latency_ms","p0:latency_ms"]})");
  const CompiledQuery compiled = CompileQuery(spec, {"t", false});
  ASSERT_EQ(compiled.sketch_sql.size(), 1u);
  EXPECT_NE(compiled.sketch_sql[0].find("GROUP BY _c0, _bucket"), std::string::npos) << compiled.sketch_sql[0];
  std::vector<double> values;
  for (int idx = 0; idx < 3000; ++idx) values.push_back(idx % 7 == 0 ? 0.0 : (idx % 5 == 0 ? -1.0 : 1.0) * (idx * 1.37 + 0.5));
  query::aggregate::Quantile::State embedded;
  for (double value : values) query::aggregate::Quantile::Update(embedded, value);
  std::string rows;
  RowBinaryWriter writer(&rows);
  writer.String("gpt-4");
  writer.Fixed<int64_t>(3000);
  writer.Varint(0);  // past the limit: no values
  writer.Nullable<double>(*std::min_element(values.begin(), values.end()));
  writer.Nullable<double>(*std::max_element(values.begin(), values.end()));
  writer.Fixed<int64_t>(std::count(values.begin(), values.end(), 0.0));
  writer.Fixed<int64_t>(3000);
  // The sketch rows: key, bucket (the pattern's top bits, sign included), count.
  std::map<int64_t, int64_t> buckets;
  for (double value : values) {
    if (value != 0) ++buckets[static_cast<int64_t>(std::bit_cast<uint64_t>(value) >> 45)];
  }
  std::string sketch;
  RowBinaryWriter sketch_writer(&sketch);
  for (const auto& [bucket, count] : buckets) {
    sketch_writer.String("gpt-4");
    sketch_writer.Fixed<int64_t>(bucket);
    sketch_writer.Fixed<int64_t>(count);
  }
  int statements = 0;
  auto run = [&](const std::string& sql) -> Result<std::string> {
    ++statements;
    EXPECT_EQ(sql, compiled.sketch_sql[0]);
    return sketch;
  };
  EXPECT_FALSE(ReadQueryResult(spec, compiled, rows).ok());  // large groups need the runner
  Result<query::QueryResult> result = ReadQueryResult(spec, compiled, rows, {}, run);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(statements, 1);  // one sketch SELECT per field, shared by its percentiles
  ASSERT_EQ(result->rows.size(), 1u);
  EXPECT_EQ(std::get<double>(result->rows[0][1]), *query::aggregate::Quantile::Finalize(embedded, 50));
  EXPECT_EQ(std::get<int64_t>(result->rows[0][2]), 3000);
  EXPECT_EQ(std::get<double>(result->rows[0][3]), *query::aggregate::Quantile::Finalize(embedded, 99));
  EXPECT_EQ(std::get<double>(result->rows[0][4]), *query::aggregate::Quantile::Finalize(embedded, 0));
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
  Result<query::QueryResult> result = ReadQueryResult(spec, compiled, rows, {&(*local)->bucketer, nullptr});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(std::get<int64_t>(result->rows[0][0]), 1762056000000);
}

// days:ts: the distinct day numbers of each group, sorted, which come back as day starts (UTC
// midnights, or local midnights through the day bucketer with a zone).
TEST(CompileQuery, DaysAreSortedDistinctDayNumbersReadBackAsStarts) {
  const query::QuerySpec spec = Parse(
      R"({"from":946684800000,"to":947894400000,"group_by":["user"],"metrics":["count","days:ts"]})");
  const CompiledQuery compiled = CompileQuery(spec, {"t", true});
  EXPECT_NE(compiled.sql.find("CAST(arraySort(groupUniqArray((intDiv(`ts`, 86400000) - (`ts` % 86400000 < 0)))) "
                              "AS Array(Int64))"),
            std::string::npos)
      << compiled.sql;
  ASSERT_EQ(compiled.wire.size(), 3u);
  EXPECT_EQ(compiled.wire[2], Wire::kInt64Array);
  std::string rows;
  RowBinaryWriter writer(&rows);
  writer.String("ann");
  writer.Fixed<int64_t>(3);
  writer.Varint(2);
  writer.Fixed<int64_t>(10957);  // 2000-01-01
  writer.Fixed<int64_t>(10959);
  writer.String("bob");
  writer.Fixed<int64_t>(0);
  writer.Varint(0);
  Result<query::QueryResult> result = ReadQueryResult(spec, compiled, rows);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->rows.size(), 2u);
  EXPECT_EQ(std::get<query::IntList>(result->rows[0][2]).values,
            (std::vector<int64_t>{946684800000, 946857600000}));
  EXPECT_TRUE(std::get<query::IntList>(result->rows[1][2]).values.empty());

  // Kathmandu (UTC+05:45): local days by the clock span; index 0 is the local day holding from.
  const query::QuerySpec zoned = Parse(
      R"({"from":946684800000,"to":947894400000,"tz":"Asia/Kathmandu","metrics":["days:ts"]})");
  Result<std::optional<LocalBuckets>> days = LocalDaysFor(zoned);
  ASSERT_TRUE(days.ok() && days->has_value());
  EXPECT_FALSE(LocalBucketsFor(zoned)->has_value());  // no bucket
  CompileOptions options{"t", true, {}, (*days)->spans};
  const CompiledQuery local = CompileQuery(zoned, options);
  EXPECT_NE(local.sql.find("(`ts` + 20700000)"), std::string::npos) << local.sql;
  std::string cells;
  RowBinaryWriter list(&cells);
  list.Varint(1);
  list.Fixed<int64_t>(1);
  Result<query::QueryResult> answer = ReadQueryResult(zoned, local, cells, {nullptr, &(*days)->bucketer});
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  // 2000-01-02 00:00 in Kathmandu is 2000-01-01 18:15 UTC.
  EXPECT_EQ(std::get<query::IntList>(answer->rows[0][0]).values, (std::vector<int64_t>{946750500000}));
}

// A per-key ts bound looks the row's key up with transform(): the last bound of a key listed
// twice, none for "" (the absent value), and a bound no ts passes for unlisted keys.
TEST(CompileQuery, PerKeyBoundsLookUpEachRowsKey) {
  // The SQL of a count over one day under `filter`.
  auto sql = [](const std::string& filter) {
    return CompileQuery(Parse(R"({"from":946684800000,"to":946771200000,"metrics":["count"],"filters":[)" + filter +
                              "]}"),
                        {"t", true})
        .sql;
  };
  const std::string after = sql(R"({"field":"ts","op":"gte","by":"user","bounds":{"b'ob":946700000000,"ann":946690000000,"":1}})");
  EXPECT_NE(after.find("(`ts` >= transform(`user`, CAST(['ann', 'b\\x27ob'] AS Array(String)), "
                       "CAST([946690000000, 946700000000] AS Array(Int64)), toInt64(9223372036854775807)))"),
            std::string::npos)
      << after;
  const std::string before = sql(R"({"field":"ts","op":"lt","by":"tags.team","bounds":{"x":946700000000}})");
  EXPECT_NE(before.find("`ts` < transform(`tags.value`[indexOf(`tags.key`, 'team')], CAST(['x'] AS "
                        "Array(String)), CAST([946700000000] AS Array(Int64)), toInt64(0))"),
            std::string::npos)
      << before;
  const std::string none = sql(R"({"field":"ts","op":"gt","by":"user","bounds":{}})");
  EXPECT_NE(none.find(" AND (0)"), std::string::npos) << none;
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
