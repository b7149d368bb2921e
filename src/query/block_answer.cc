#include "query/block_answer.h"

#include <vector>

#include "store/block_summary.h"

namespace mltrack::query {

bool AnswerFromSummary(const Plan& plan, const store::ColumnBlock& block, Partial& partial,
                       std::vector<size_t>* unanswered, uint32_t* group) {
  unanswered->clear();
  const store::BlockSummary& summary = *block.summary;
  std::vector<uint64_t> key(plan.key_words, 0);
  const store::ColumnSummary* varying = nullptr;
  size_t varying_idx = 0;
  for (size_t part_idx = 0; part_idx < plan.parts.size(); ++part_idx) {
    const KeyPart& part = plan.parts[part_idx];
    if (part.bin) return false;
    if (part.is_bucket) {
      const int64_t first = plan.bucketer->Index(block.min_ts);
      if (plan.bucketer->Index(block.max_ts) != first) return false;
      if (!FitsPart(plan, part_idx, static_cast<uint64_t>(first))) return false;
      SetPartCode(plan, part_idx, static_cast<uint64_t>(first), key.data());
      continue;
    }
    const store::ColumnSummary* column = SummaryOf(part.source, summary);
    if (column == nullptr) return false;
    uint32_t code = 0;
    if (column->SingleCode(summary.rows, &code)) {
      if (!FitsPart(plan, part_idx, code)) return false;
      SetPartCode(plan, part_idx, code, key.data());
    } else if (varying == nullptr && column->type == store::ColumnSummary::Type::kCodes && column->exact) {
      varying = column;
      varying_idx = part_idx;
    } else {
      return false;
    }
  }
  if (varying != nullptr) {
    for (const auto& metric : partial.metrics) {
      if (!metric->counts_rows()) return false;
    }
    for (const auto& [code, rows] : varying->codes) {
      if (!FitsPart(plan, varying_idx, code)) return false;
    }
    const uint64_t base = plan.packed ? key[0] : 0;
    for (const auto& [code, rows] : varying->codes) {
      if (plan.packed) key[0] = base;
      SetPartCode(plan, varying_idx, code, key.data());
      const uint32_t group = partial.table.FindOrInsert(key.data());
      for (auto& metric : partial.metrics) {
        metric->Resize(partial.table.size());
        metric->AddRows(group, rows);
      }
    }
    return true;
  }
  *group = partial.table.FindOrInsert(key.data());
  for (size_t metric_idx = 0; metric_idx < partial.metrics.size(); ++metric_idx) {
    MetricAccumulator& metric = *partial.metrics[metric_idx];
    metric.Resize(partial.table.size());
    if (metric.CanAddSummary(block)) {
      metric.AddSummary(block, *group);
    } else {
      unanswered->push_back(metric_idx);
    }
  }
  return true;
}

}  // namespace mltrack::query
