// libFuzzer target: MLflow search text (runs/search and experiments/search `filter`, `order_by`
// entries) through the hand-written scanner of src/mlflow/search_filter, and a parsed filter
// matched against a run and an experiment. The first line is the filter; every further line an
// order_by entry. Never crash, loop or run undefined behaviour (make fuzz; seeds in
// tests/fuzz/mlflow_filter/).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mlflow/search_filter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mltrack::mlflow;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const size_t newline = text.find('\n');
  const std::string_view filter = text.substr(0, newline);
  std::vector<std::string> order;
  for (size_t start = newline; start != std::string_view::npos && start < text.size();) {
    const size_t end = text.find('\n', start + 1);
    order.emplace_back(text.substr(start + 1, end == std::string_view::npos ? end : end - start - 1));
    start = end;
  }
  static const Run run = [] {
    Run made;
    made.run_id = "0123456789abcdef0123456789abcdef";
    made.experiment_id = "1";
    made.run_name = "train-a";
    made.start_time = 1767225600000;
    made.params = {{"model", "x"}, {"lr", "0.1"}};
    made.tags = {{"mlflow.runName", "train-a"}};
    made.metrics = {{"rmse", {0.5, 1767225600000, 3}}};
    return made;
  }();
  static const Experiment experiment = [] {
    Experiment made;
    made.id = "1";
    made.name = "training";
    made.tags = {{"team", "a"}};
    return made;
  }();
  if (mltrack::Result<SearchFilter> parsed = ParseRunFilter(filter); parsed.ok()) (void)RunMatches(*parsed, run);
  if (mltrack::Result<SearchFilter> parsed = ParseExperimentFilter(filter); parsed.ok()) {
    (void)ExperimentMatches(*parsed, experiment);
  }
  if (mltrack::Result<std::vector<OrderKey>> keys = ParseRunOrder(order); keys.ok()) {
    std::vector<Run> runs = {run, run};
    runs[1].run_id = "f123456789abcdef0123456789abcdef";
    SortRuns(runs, *keys);
  }
  return 0;
}
