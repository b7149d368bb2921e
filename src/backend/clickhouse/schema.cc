#include "backend/clickhouse/schema.h"

#include <charconv>

namespace mltrack::backend::clickhouse {
namespace {

// The events table of migration 1, as it was created then: later columns come by ALTER (below), so
// that a new database and an upgraded one end up the same.
constexpr const char* kEventColumns = R"((
  `key` String, `batch` String, `id` String, `ts` Int64,
  `experiment` String, `run_id` String, `session_id` String, `trace_id` String, `user` String, `team` String,
  `provider` String, `model` String, `operation` UInt8, `endpoint` String, `status` UInt8, `error_type` String,
  `http_status` Nullable(Int32), `input_tokens` Nullable(Int64), `output_tokens` Nullable(Int64),
  `cached_input_tokens` Nullable(Int64), `cache_write_tokens` Nullable(Int64), `reasoning_tokens` Nullable(Int64),
  `cost_nano_usd` Nullable(Int64), `latency_ms` Nullable(Float64), `ttft_ms` Nullable(Float64),
  `cache_hit` Nullable(UInt8), `streaming` Nullable(UInt8), `prompt_name` String, `prompt_version` String,
  `scores` Nested(`name` String, `value` Float64), `tags` Nested(`key` String, `value` String)))";

constexpr const char* kEventEngine =
    " ENGINE = ReplacingMergeTree() PARTITION BY toYYYYMM(toDateTime(intDiv(`ts`, 1000), 'UTC'))"
    " ORDER BY (`ts`, `key`)";

constexpr const char* kAppendColumns =
    "(`node` String, `seq` UInt64, `batch` String, `rows` UInt64, `min_ts` Int64, `max_ts` Int64, `at_ms` UInt64)";
constexpr const char* kAppendEngine = " ENGINE = MergeTree() ORDER BY (`at_ms`, `node`)";

// Tag keys (kind 0) and score names (kind 1) with the earliest ts a writer saw them at (several
// rows per name; readers take the min). Replacing drops only exact repeats.
constexpr const char* kFieldNameColumns = "(`kind` UInt8, `name` String, `first_ts` Int64)";
constexpr const char* kFieldNameEngine = " ENGINE = ReplacingMergeTree() ORDER BY (`kind`, `name`, `first_ts`)";

// CREATE TABLE for `name` holding `columns`: the table itself, or with a cluster a local table
// on this shard plus the Distributed table over all shards.
std::vector<std::string> CreateTable(const ConnectionOptions& options, const std::string& name,
                                     const std::string& columns, const std::string& engine,
                                     const std::string& sharding_key) {
  const std::string db = "`" + options.database + "`.";
  if (options.cluster.empty()) {
    return {"CREATE TABLE IF NOT EXISTS " + db + "`" + name + "` " + columns + engine};
  }
  return {"CREATE TABLE IF NOT EXISTS " + db + "`" + name + "_local` " + columns + engine,
          "CREATE TABLE IF NOT EXISTS " + db + "`" + name + "` " + columns + " ENGINE = Distributed(`" +
              options.cluster + "`, `" + options.database + "`, `" + name + "_local`, " + sharding_key + ")"};
}

// Adds `column` (with its type) after `after` to the events table, or with a cluster to this
// shard's local table and the Distributed table. Not `ADD COLUMN IF NOT EXISTS`: ClickHouse 18.16
// has no such syntax; Migrate takes "already exists" as done instead.
std::vector<std::string> AddEventColumn(const ConnectionOptions& options, const std::string& column,
                                        const std::string& after) {
  const std::string db = "`" + options.database + "`.";
  const std::string add = " ADD COLUMN " + column + " AFTER " + after;
  if (options.cluster.empty()) return {"ALTER TABLE " + db + "`events`" + add};
  return {"ALTER TABLE " + db + "`events_local`" + add, "ALTER TABLE " + db + "`events`" + add};
}

// The field_names table, filled from the events already stored (running it twice only adds
// repeats, which readers' min() ignores). With a cluster each shard fills its local table from
// its own events (the other shards may not have their tables yet); readers of the Distributed
// table take the min over all shards.
std::vector<std::string> FieldNamesMigration(const ConnectionOptions& options) {
  std::vector<std::string> statements =
      CreateTable(options, "field_names", kFieldNameColumns, kFieldNameEngine, "cityHash64(`name`)");
  const std::string db = "`" + options.database + "`.";
  const std::string local = options.cluster.empty() ? "" : "_local";
  for (const auto& [kind, column] : {std::pair{0, "`tags.key`"}, std::pair{1, "`scores.name`"}}) {
    statements.push_back("INSERT INTO " + db + "`field_names" + local + "` SELECT " + std::to_string(kind) +
                         ", `k`, min(`ts`) FROM " + db + "`events" + local + "` ARRAY JOIN " + column +
                         " AS `k` GROUP BY `k`");
  }
  return statements;
}

}  // namespace

std::vector<Migration> Migrations(const ConnectionOptions& options) {
  return {
      {1, "events table", CreateTable(options, "events", kEventColumns, kEventEngine, "cityHash64(`key`)")},
      {2, "appends table", CreateTable(options, "appends", kAppendColumns, kAppendEngine, "cityHash64(`batch`)")},
      {3, "events.input_hash", AddEventColumn(options, "`input_hash` String", "`prompt_version`")},
      {4, "field names table", FieldNamesMigration(options)},
  };
}

Result<int> Migrate(HttpClient& client) {
  const ConnectionOptions& options = client.options();
  Result<std::string> created =
      client.Execute("CREATE DATABASE IF NOT EXISTS `" + options.database + "`", {}, /*database=*/false);
  if (!created.ok()) return created.status();
  const std::string table = "`" + options.database + "`.`schema_migrations`";
  Result<std::string> made = client.Execute("CREATE TABLE IF NOT EXISTS " + table +
                                            " (`version` UInt32, `name` String, `applied_ms` UInt64)"
                                            " ENGINE = TinyLog");
  if (!made.ok()) return made.status();
  Result<std::string> current = client.Execute("SELECT max(`version`) FROM " + table + " FORMAT TabSeparated");
  if (!current.ok()) return current.status();
  int version = 0;
  std::from_chars(current->data(), current->data() + current->size(), version);
  for (const Migration& migration : Migrations(options)) {
    if (migration.version <= version) continue;
    for (const std::string& statement : migration.statements) {
      Result<std::string> applied = client.Execute(statement);
      // A column added before a crash kept its migration from being recorded: done already.
      const bool added_before = !applied.ok() && statement.find(" ADD COLUMN ") != std::string::npos &&
                                applied.status().message().find("column with this name already exists") != std::string::npos;
      if (!applied.ok() && !added_before) return applied.status();
    }
    Result<std::string> recorded = client.Execute(
        "INSERT INTO " + table + " SELECT " + std::to_string(migration.version) + ", '" + migration.name +
        "', toUInt64(now()) * 1000");
    if (!recorded.ok()) return recorded.status();
    version = migration.version;
  }
  return version;
}

}  // namespace mltrack::backend::clickhouse
