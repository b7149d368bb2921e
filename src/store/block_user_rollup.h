#pragma once
// Per-block user rollups (segment format version 5, docs/segment_format.md "User rollups"): a
// block's rows grouped by (user, team, experiment, model, provider) — version 5 by (user, team,
// experiment) — each entry with its row count, errors, priced rows, the sums of input tokens,
// output tokens and cost, and the time range of its rows. A query grouped by any of those fields
// and filtered by them only then adds one entry per group instead of reading its rows
// (query/block_scan.cc, AnsweredByRollup). An entry names one of its rows (`row`), through which
// the query reads the entry's codes exactly as it reads a row's, so the rollup holds no codes of
// its own.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/field.h"
#include "store/segment_format.h"

namespace mltrack::store {

struct BlockValues;  // block_slices.h

// One sum per entry: 32-bit when every entry's sum of the block fits, else 64-bit (tokens and
// most cost sums fit: 12 of the 40 bytes an entry would take).
class RollupSums {
 public:
  void Assign(const std::vector<int64_t>& sums);
  size_t size() const { return narrow_.empty() ? wide_.size() : narrow_.size(); }
  int64_t operator[](size_t entry) const { return narrow_.empty() ? wide_[entry] : int64_t{narrow_[entry]}; }
  bool operator==(const RollupSums& other) const = default;
  // fn(i, sum of entry entries[i]) for i in [0, count).
  template <typename Fn>
  void ForEach(const uint32_t* entries, size_t count, Fn&& fn) const {
    if (!narrow_.empty()) {
      const int32_t* sums = narrow_.data();
      for (size_t idx = 0; idx < count; ++idx) fn(idx, int64_t{sums[entries[idx]]});
    } else {
      const int64_t* sums = wide_.data();
      for (size_t idx = 0; idx < count; ++idx) fn(idx, sums[entries[idx]]);
    }
  }
  size_t MemoryBytes() const { return narrow_.capacity() * sizeof(int32_t) + wide_.capacity() * sizeof(int64_t); }

 private:
  std::vector<int32_t> narrow_;
  std::vector<int64_t> wide_;
};

struct UserRollup {
  // Whether entries are keyed by model and provider too (version 7); version-5 and -6 rollups are keyed
  // by (user, team, experiment) alone.
  bool by_model = true;
  // Per entry, ascending by `row`: the first row of the entry within the block, its rows − 1.
  std::vector<uint16_t> row;
  std::vector<uint16_t> rows_minus_one;
  std::vector<uint16_t> errors;  // rows with status error
  std::vector<uint16_t> priced;  // rows with a cost_usd
  // The entry's first and last ts, as milliseconds after the block's min_ts.
  std::vector<uint32_t> first_ms;
  std::vector<uint32_t> last_ms;
  // Sums of the present values (absent ones add 0).
  RollupSums input_tokens;
  RollupSums output_tokens;
  RollupSums cost;

  size_t size() const { return row.size(); }
  uint64_t rows(size_t entry) const { return uint64_t{rows_minus_one[entry]} + 1; }
  // Whether every row of an entry has the entry's value of `field` (the key: user, team,
  // experiment, and model and provider when by_model), so that a group-by or filter of it treats
  // the entry as one of its rows.
  bool Keys(FieldId field) const {
    return field == FieldId::kUser || field == FieldId::kTeam || field == FieldId::kExperiment ||
           (by_model && (field == FieldId::kModel || field == FieldId::kProvider));
  }
  size_t MemoryBytes() const;
};

// A block is rolled up only when its entries are at most this share of its rows (1/4): fewer
// entries than that would not pay for their memory.
inline constexpr size_t kRollupRowsPerEntry = 4;

// The rollup of one block's values (ts and the static field columns, as the segment writer keeps
// them), keyed by model and provider too unless `by_model` is false (as version 5 wrote it);
// empty when the block does not qualify (too many entries, a count or sum past the stored widths,
// a time range past 49 days).
UserRollup RollUpUsers(const BlockValues& values, bool by_model = true);

// Serialization of one block's rollup: varint entries · per entry (varint row − previous row ·
// varint rows − 1 · varint errors · varint priced · varint first_ms · varint last_ms − first_ms ·
// zigzag input_tokens · zigzag output_tokens · zigzag cost). 0 entries: no rollup.
void EncodeUserRollup(const UserRollup& rollup, std::string* out);
// Decodes one block's rollup of a block of `block_rows` rows spanning `span_ms`, keyed by model
// too when `by_model` (the footer's version ≥ 6); false when the bytes are malformed or
// inconsistent (rows ascending and inside the block, the entries' rows adding up to the block's,
// errors and priced ≤ rows, times inside the block's range).
bool DecodeUserRollup(segment::FooterReader& reader, uint32_t block_rows, int64_t span_ms, bool by_model,
                      UserRollup* out);

}  // namespace mltrack::store
