#pragma once
// The query executor's internal state: a QuerySpec resolved against one snapshot (Plan) and the
// groups and aggregate states one scanning thread builds (Partial). Shared by the executor
// (query_executor.cc), the block scan (block_scan.cc) and whole-block answers from block
// summaries (block_answer.cc); not a public interface.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/status.h"
#include "query/column_source.h"
#include "query/group_table.h"
#include "query/metric_accumulator.h"
#include "query/query_spec.h"
#include "query/row_filter.h"
#include "query/time_bucket.h"
#include "store/table_snapshot.h"

namespace mltrack::query {

// Rows processed together: every per-row scratch array of a chunk stays in L1.
inline constexpr size_t kChunkRows = 2048;

// The dictionary ids an `eq` / `in` filter of the query lets through for a string group part,
// numbered 1, 2, … in id order (0 stays absent), so that the part takes a few bits of the key
// instead of the dictionary's width (the anomalies' hourly series of 100 users: 7 bits, not 14,
// and the key fits a direct table instead of a hash).
struct DenseIds {
  std::vector<uint32_t> code_of;  // by dictionary id (< its size at planning): 0 = not let through
  std::vector<uint32_t> id_of;    // by dense code: id_of[0] = 0 (absent)
  // The dense code of `id`; 0 for absent, and for an id the filter drops (which no kept row has).
  uint64_t Code(uint64_t id) const { return id < code_of.size() ? code_of[id] : 0; }
  bool Kept(uint64_t id) const { return id == 0 || Code(id) != 0; }
};

// One component of the group key: the time bucket, a group_by dimension or a measure's bin.
struct KeyPart {
  bool is_bucket = false;
  const GroupBin* bin = nullptr;
  ColumnSource source;
  unsigned shift = 0;  // bit offset in a packed key
  // Set when a filter restricts this (string or tag) part to a few values: the key holds their
  // dense codes, not dictionary ids (PartCodes, SetPartCode and PartCode translate).
  std::shared_ptr<const DenseIds> dense;
};

class LimitGuard;

// Everything resolved once per query against the snapshot. Immutable while scanning.
struct Plan {
  const QuerySpec* spec = nullptr;
  const store::TableSnapshot* snapshot = nullptr;
  LimitGuard* guard = nullptr;  // the execution's limits (may be null); thread-safe
  std::vector<RowFilter> filters;
  std::optional<TimeBucketer> bucketer;
  // The days of days:ts in the query's zone (set when a metric asks for days).
  std::optional<DayGrid> days;
  std::vector<KeyPart> parts;
  bool packed = true;     // all parts fit one uint64 word
  size_t key_words = 1;
  unsigned key_bits = 0;  // total bits of a packed key
  // Packed keys of at most this many bits index a direct table instead of hashing.
  static constexpr unsigned kDirectBits = 16;
  // ... and up to this many in the scanning threads' own partials (a 4 MiB table each, not one
  // per cached segment run): (user, team, experiment) over 10,000 users is 20 bits.
  static constexpr unsigned kWideDirectBits = 20;
  bool direct() const { return packed && key_bits <= kDirectBits; }
  // A single bin part: groups come from a window over bin numbers.
  bool bin_window() const { return parts.size() == 1 && parts[0].bin != nullptr; }
};

// `guard` (may be null; kept in the plan for the scan) stops the compilation of many filters at the deadline or once their
// tables pass the memory limit.
Result<Plan> MakePlan(const QuerySpec& spec, const store::TableSnapshot& snapshot, LimitGuard* guard = nullptr);

// The code of part `part_idx` in a group key (a dense part's dictionary id).
uint64_t PartCode(const Plan& plan, const uint64_t* key, size_t part_idx);
// Whether `code` fits the bits of part `part_idx` in a packed key (always, unpacked), and is a
// value a dense part holds.
bool FitsPart(const Plan& plan, size_t part_idx, uint64_t code);
// Sets part `part_idx` of `key` (plan.key_words words, zeroed beforehand) to `code` (a dense
// part's dictionary id).
void SetPartCode(const Plan& plan, size_t part_idx, uint64_t code, uint64_t* key);

// Per-thread aggregation state.
struct Partial {
  explicit Partial(const Plan& plan);

  GroupTable table;
  std::vector<std::unique_ptr<MetricAccumulator>> metrics;
  // One-group states of the same metrics for rows read apart (AnswerAcrossBucketEdge), made on
  // first use; never merged or cached as they are.
  std::vector<std::unique_ptr<MetricAccumulator>> scratch;
  uint64_t scanned = 0;
  // Every metric counts rows (MetricAccumulator::counts_rows), and there is at least one.
  bool counts_only = false;
  // Scratch reused across chunks.
  std::vector<uint32_t> rows;
  std::vector<uint32_t> groups;
  std::vector<uint64_t> codes;
  std::vector<double> values;
  std::vector<uint64_t> keys;
  std::vector<uint32_t> direct;  // packed key → group + 1 (0 = not seen), when Direct(plan)
  unsigned direct_bits = Plan::kDirectBits;  // widest key indexed directly by this partial
  bool Direct(const Plan& plan) const { return plan.packed && plan.key_bits <= direct_bits; }
  // plan.bin_window(): bin (window_low + i) → group + 1; absent → absent_group + 1.
  std::vector<uint32_t> window;
  int64_t window_low = 0;
  uint32_t absent_group = 0;
  // The largest |value| whose bin was past ±2^53 (GroupBin::kBinOutOfRange), 0 when none, and
  // its key part: the executor refuses such a query.
  double bin_out_of_range = 0;
  const KeyPart* bin_out_of_range_part = nullptr;
};

// Folds `from` into `into`.
void MergePartial(Partial& into, Partial& from);

// The bytes a partial holds: groups, aggregate states and per-group scratch (O(groups) for
// percentile and uniq states).
size_t PartialBytes(const Partial& partial);

}  // namespace mltrack::query
