#include "backend/clickhouse/event_search_sql.h"

#include <chrono>
#include <cmath>
#include <utility>

#include "backend/clickhouse/event_rows.h"
#include "backend/clickhouse/sql_expressions.h"
#include "backend/clickhouse/sql_literal.h"

namespace mltrack::backend::clickhouse {
namespace {

using query::SearchSort;

// The sort value as the shared order defines it (-1 when absent), and its literal.
std::string ValueExpr(SearchSort sort) {
  switch (sort) {
    case SearchSort::kTs: return "`ts`";
    case SearchSort::kCost: return "ifNull(`cost_nano_usd`, -1)";
    case SearchSort::kLatency: return "ifNull(`latency_ms`, " + SqlDouble(-1.0) + ")";
  }
  return "`ts`";
}

std::string ValueLiteral(SearchSort sort, double value) {
  return sort == SearchSort::kLatency ? SqlDouble(value) : SqlInt(static_cast<int64_t>(value));
}

std::string TextSql(const std::string& q) {
  const std::string needle = SqlString(query::LowerAscii(q));
  std::string sql = "(";
  for (const char* column : {"`model`", "`user`", "`experiment`", "`trace_id`", "`session_id`", "`input_hash`"}) {
    sql += "position(lower(" + std::string(column) + "), " + needle + ") > 0 OR ";
  }
  return sql + "arrayExists(v -> position(lower(v), " + needle + ") > 0, `tags.value`))";
}

}  // namespace

std::string SearchSql(const query::EventSearch& search, const std::string& source, size_t limit,
                      const query::SearchKey* group) {
  const std::string value = ValueExpr(search.sort);
  std::string sql = "SELECT " + std::string(EventColumnList()) + " FROM " + source + " WHERE `ts` >= " +
                    SqlInt(search.from_ms) + " AND `ts` < " + SqlInt(search.to_ms);
  for (const query::Filter& filter : search.filters) sql += " AND " + FilterSql(filter);
  if (!search.q.empty()) sql += " AND " + TextSql(search.q);
  if (group) {
    sql += " AND " + value + " = " + ValueLiteral(search.sort, group->primary) + " AND `ts` = " + SqlInt(group->ts);
  } else if (search.cursor) {
    const query::SearchKey& key = search.cursor->key;
    const char* beyond = search.descending ? " < " : " > ";
    const char* within = search.descending ? " <= " : " >= ";
    sql += " AND (" + value + beyond + ValueLiteral(search.sort, key.primary) + " OR (" + value + " = " +
           ValueLiteral(search.sort, key.primary) + " AND `ts`" + within + SqlInt(key.ts) + "))";
  }
  const char* dir = search.descending ? " DESC" : " ASC";
  sql += " ORDER BY " + value + dir + ", `ts`" + dir;
  if (!group) sql += " LIMIT " + std::to_string(limit);
  return sql + " FORMAT RowBinary";
}

Result<query::EventPage> RunSearch(HttpClient& client, const std::string& source, const query::EventSearch& search) {
  const auto started = std::chrono::steady_clock::now();
  const size_t wanted = search.limit + (search.cursor ? search.cursor->skip : 0) + 1;
  Result<std::string> rows = client.Execute(SearchSql(search, source, wanted));
  if (!rows.ok()) return rows.status();
  Result<EventBatch> events = DecodeEventRows(*rows);
  if (!events.ok()) return events.status();
  query::EventPage page;
  page.stats.scanned = events->size();
  if (events->size() == wanted) {
    // The LIMIT may have cut the last (value, ts) group: read it whole, since the tie-break
    // hash that orders it is computed here.
    const Event& last = events->back();
    const query::SearchKey group{query::SortValue(last, search.sort), last.ts_ms, 0};
    Result<std::string> group_rows = client.Execute(SearchSql(search, source, 0, &group));
    if (!group_rows.ok()) return group_rows.status();
    Result<EventBatch> whole = DecodeEventRows(*group_rows);
    if (!whole.ok()) return whole.status();
    std::erase_if(*events, [&](const Event& event) {
      return query::SortValue(event, search.sort) == group.primary && event.ts_ms == group.ts;
    });
    page.stats.scanned += whole->size();
    for (Event& event : *whole) events->push_back(std::move(event));
  }
  query::CutPage(std::move(*events), search, page);
  page.stats.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return page;
}

}  // namespace mltrack::backend::clickhouse
