// `mltrack import --mlflow-dir PATH --data DIR [--prices FILE]`: reads an MLflow file store
// (mlruns/) and stores each finished run as one event (mlflow/run_event.h). Idempotent: a run's
// event id is derived from its run id, so importing again (or a run also logged live through
// /api/2.0/mlflow/) stores nothing twice.
#include <cstdio>
#include <map>

#include "backend/embedded/embedded_backend.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "cli/setup.h"
#include "ingest/pricing.h"
#include "mlflow/file_store.h"
#include "mlflow/run_event.h"
#include "store/embedded_store.h"

namespace mltrack::cli {
namespace {

constexpr size_t kBatchEvents = 5000;

int Usage(const std::string& why) {
  std::fprintf(stderr, "mltrack import: %s\nusage: mltrack import --mlflow-dir PATH --data DIR [--prices FILE]\n",
               why.c_str());
  return 2;
}

}  // namespace

int RunImport(const std::vector<std::string>& args) {
  Result<Flags> flags = Flags::Parse(args, {"data", "mlflow-dir", "prices"}, {});
  if (!flags.ok()) return Usage(flags.status().message());
  if (!flags->positional().empty()) {
    return Usage("unexpected argument \"" + flags->positional().front() +
                 "\" (this version imports MLflow file stores: --mlflow-dir PATH)");
  }
  if (!flags->Has("mlflow-dir")) return Usage("--mlflow-dir PATH is required");
  if (!flags->Has("data")) return Usage("--data DIR is required");

  Result<mlflow::FileStoreContents> contents = mlflow::ReadFileStore(*flags->Get("mlflow-dir"));
  if (!contents.ok()) {
    std::fprintf(stderr, "mltrack import: %s\n", contents.status().message().c_str());
    return contents.status().code() == StatusCode::kIOError ? 1 : 2;
  }
  for (const std::string& problem : contents->problems) std::fprintf(stderr, "mltrack import: skipped: %s\n", problem.c_str());
  Result<PriceCatalogue> prices = LoadPrices(flags->Get("prices"));
  if (!prices.ok()) {
    std::fprintf(stderr, "mltrack import: %s\n", prices.status().message().c_str());
    return 1;
  }

  std::map<std::string, const mlflow::Experiment*> experiments;
  for (const mlflow::Experiment& experiment : contents->experiments) experiments[experiment.id] = &experiment;
  EventBatch events;
  size_t unfinished = 0, deleted = 0;
  for (const mlflow::Run& run : contents->runs) {
    const mlflow::Experiment& experiment = *experiments.at(run.experiment_id);
    if (run.deleted || experiment.deleted) {
      ++deleted;
      continue;
    }
    std::optional<Event> event = mlflow::RunToEvent(experiment, run);
    if (!event) {
      ++unfinished;
      continue;
    }
    events.push_back(std::move(*event));
  }

  store::StoreOptions store_options;
  store_options.dir = *flags->Get("data");
  Result<std::unique_ptr<store::EmbeddedStore>> store = store::EmbeddedStore::Open(store_options);
  if (!store.ok()) {
    std::fprintf(stderr, "mltrack import: %s\n", store.status().ToString().c_str());
    return 1;
  }
  backend::EmbeddedBackend backend(std::move(*store), /*query_cache_bytes=*/0);
  size_t accepted = 0, duplicates = 0, unpriced = 0;
  for (size_t start = 0; start < events.size(); start += kBatchEvents) {
    EventBatch batch(std::make_move_iterator(events.begin() + start),
                     std::make_move_iterator(events.begin() + std::min(events.size(), start + kBatchEvents)));
    unpriced += ingest::PriceEvents(*prices, batch).unpriced;
    Result<backend::AppendResult> appended = backend.Append(std::move(batch));
    if (!appended.ok()) {
      backend.Close();
      std::fprintf(stderr, "mltrack import: %s (%zu events stored before)\n", appended.status().ToString().c_str(),
                   accepted);
      return 1;
    }
    accepted += appended->accepted;
    duplicates += appended->duplicates;
  }
  backend.Close();
  std::printf(
      "mltrack import: %zu experiments, %zu runs read; %zu events stored, %zu already present; %zu runs not finished "
      "and %zu deleted were skipped; %zu events unpriced\n",
      contents->experiments.size(), contents->runs.size(), accepted, duplicates, unfinished, deleted, unpriced);
  return 0;
}

}  // namespace mltrack::cli
