#include "query/slice_rows.h"

#include <algorithm>

#include "query/chunk_gathers.h"

namespace mltrack::query {
namespace {

// A set of codes as a bitmap by code: one bit test per row. The bitmap grows to the largest code
// asked for and is cleared of the set's codes when the set is done with.
class CodeSet {
 public:
  explicit CodeSet(const std::vector<uint32_t>& codes) : codes_(codes) {
    std::vector<uint64_t>& words = Words();
    for (uint32_t code : codes_) {
      if (code / 64 >= words.size()) words.resize(code / 64 + 1, 0);
      words[code / 64] |= uint64_t{1} << (code % 64);
    }
    words_ = words.data();
    limit_ = words.size() * 64;
  }
  ~CodeSet() {
    for (uint32_t code : codes_) words_[code / 64] &= ~(uint64_t{1} << (code % 64));
  }
  CodeSet(const CodeSet&) = delete;
  CodeSet& operator=(const CodeSet&) = delete;

  bool Has(uint64_t code) const { return code < limit_ && ((words_[code / 64] >> (code % 64)) & 1) != 0; }

 private:
  static std::vector<uint64_t>& Words() {
    thread_local std::vector<uint64_t> words;
    return words;
  }
  const std::vector<uint32_t>& codes_;
  uint64_t* words_ = nullptr;
  uint64_t limit_ = 0;
};

const uint64_t* GatherSliceCodes(const Plan& plan, const store::ColumnBlock& block, FieldId field,
                                 const uint32_t* rows, size_t count) {
  thread_local std::vector<uint64_t> codes(kChunkRows);
  if (codes.size() < count) codes.resize(count);
  GatherCode(ResolveColumn(*plan.snapshot, FieldRef{field, {}}), block, rows, count, codes.data());
  return codes.data();
}

}  // namespace

size_t KeepSliceRows(const Plan& plan, const store::ColumnBlock& block, const SliceRows& slice_rows,
                     const uint32_t* rows, size_t count, uint32_t* out_rows, uint64_t* out_codes) {
  ChunkGathers::Forget(out_rows);
  thread_local std::vector<uint32_t> wanted;
  wanted.clear();
  for (const std::vector<uint32_t>& list : slice_rows.codes) wanted.insert(wanted.end(), list.begin(), list.end());
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  const bool every_row = std::any_of(slice_rows.codes.begin(), slice_rows.codes.end(),
                                     [](const std::vector<uint32_t>& list) { return list.empty(); });
  const uint64_t* codes = GatherSliceCodes(plan, block, slice_rows.field, rows, count);
  const CodeSet set(wanted);
  size_t size = 0;
  for (size_t idx = 0; idx < count; ++idx) {
    out_rows[size] = rows[idx];
    out_codes[size] = codes[idx];
    size += every_row || set.Has(codes[idx]);
  }
  return size;
}

void UpdateOnly(const Plan& plan, const store::ColumnBlock& block, const uint32_t* rows, size_t count,
                const uint32_t* groups, Partial& partial, const std::vector<size_t>& only,
                const SliceRows* slice_rows, const uint64_t* row_codes) {
  if (slice_rows == nullptr || !slice_rows->restricted()) {
    for (const size_t metric_idx : only) partial.metrics[metric_idx]->Update(block, rows, count, groups);
    return;
  }
  thread_local std::vector<uint32_t> sub_rows(kChunkRows);
  thread_local std::vector<uint32_t> sub_groups(kChunkRows);
  if (row_codes == nullptr) row_codes = GatherSliceCodes(plan, block, slice_rows->field, rows, count);
  const std::vector<uint32_t>* previous = nullptr;
  size_t sub_count = 0;
  for (size_t index = 0; index < only.size(); ++index) {
    MetricAccumulator& metric = *partial.metrics[only[index]];
    const std::vector<uint32_t>& list = slice_rows->codes[index];
    if (list.empty()) {
      metric.Update(block, rows, count, groups);
      continue;
    }
    if (previous == nullptr || *previous != list) {  // metrics of one list share the selection
      ChunkGathers::Forget(sub_rows.data());
      const CodeSet set(list);
      sub_count = 0;
      for (size_t idx = 0; idx < count; ++idx) {
        sub_rows[sub_count] = rows[idx];
        if (groups) sub_groups[sub_count] = groups[idx];
        sub_count += set.Has(row_codes[idx]);
      }
      previous = &list;
    }
    if (sub_count > 0) metric.Update(block, sub_rows.data(), sub_count, groups ? sub_groups.data() : nullptr);
  }
}

}  // namespace mltrack::query
