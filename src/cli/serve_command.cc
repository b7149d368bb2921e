// `mltrack serve`: opens the store, optionally fills it with demo traffic, and serves the API
// and the web app until SIGTERM/SIGINT, then closes the store (which syncs) and exits 0.
#include <malloc.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <filesystem>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "backend/clickhouse/clickhouse_backend.h"
#include "backend/embedded/embedded_backend.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "cli/setup.h"
#include "core/time.h"
#include "core/version.h"
#include "ingest/pricing.h"
#include "server/app_context.h"
#include "server/router.h"
#include "server/server.h"
#include "server/static_assets.h"
#include "server/static_files.h"
#include "store/embedded_store.h"

namespace mltrack::cli {
namespace {

// Appends a few demo events every second so that live views move; stops on Stop().
class LiveTrickle {
 public:
  LiveTrickle(backend::Backend& backend, const PriceCatalogue& prices)
      : backend_(backend), prices_(prices), thread_([this] { Loop(); }) {}
  ~LiveTrickle() { Stop(); }

  void Stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Loop() {
    ingest::DemoTraffic traffic(static_cast<uint64_t>(NowMs()));
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; })) {
      lock.unlock();
      EventBatch batch = traffic.Live(NowMs(), 1 + static_cast<size_t>(NowMs() % 4));
      ingest::PriceEvents(prices_, batch);
      Result<backend::AppendResult> appended = backend_.Append(std::move(batch));
      if (!appended.ok()) spdlog::warn("demo trickle: {}", appended.status().ToString());
      lock.lock();
    }
  }

  backend::Backend& backend_;
  const PriceCatalogue& prices_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

int Fail(const std::string& message, int code) {
  std::fprintf(stderr, "mltrack serve: %s\n", message.c_str());
  return code;
}

// The embedded store in --data (the default backend).
Result<std::unique_ptr<backend::Backend>> OpenEmbedded(const Flags& flags, size_t query_cache_bytes) {
  store::StoreOptions store_options;
  store_options.dir = *flags.Get("data");
  if (flags.Has("retention")) {  // e.g. 90d: segments whose newest event is older are deleted
    Result<int64_t> retention = ParseDuration(*flags.Get("retention"));
    if (!retention.ok() || *retention <= 0) {
      return Status::InvalidArgument("--retention must be a duration such as 90d");
    }
    store_options.retention_ms = *retention;
  }
  Result<std::unique_ptr<store::EmbeddedStore>> store = store::EmbeddedStore::Open(store_options);
  if (!store.ok()) return Status::IOError(store.status().ToString());
  // From now on allocations of 8 MiB and more (seal and compaction buffers, decoded segments)
  // are mapped and unmapped on their own, so freeing them returns the memory at once; glibc's
  // default raises this threshold up to 32 MiB as such blocks are freed, after which they stay
  // in its heap. At 10M events ingested over HTTP, RSS after the dashboards: 76 bytes/event
  // without this, 56 with it (one run each); ingest CPU 56 -> 61 s. 256 KiB (request bodies
  // too) gave the same RSS for 65-71 s. Not before the open: a restart would fault in every
  // temporary buffer afresh.
  ::mallopt(M_MMAP_THRESHOLD, 8 << 20);
  return std::unique_ptr<backend::Backend>(
      std::make_unique<backend::EmbeddedBackend>(std::move(*store), query_cache_bytes));
}

// --store clickhouse://HOST:PORT/DB: events in ClickHouse, the queue of unshipped batches in
// --data/clickhouse-queue (docs/deploy/clickhouse.md).
Result<std::unique_ptr<backend::Backend>> OpenClickHouse(const Flags& flags) {
  if (flags.Has("retention")) {
    return Status::InvalidArgument("--retention applies to the embedded store; with --store clickhouse://... "
                                   "retention is ClickHouse's (docs/deploy/clickhouse.md)");
  }
  Result<backend::clickhouse::ConnectionOptions> connection =
      backend::clickhouse::ParseClickHouseUrl(*flags.Get("store"));
  if (!connection.ok()) return connection.status();
  backend::clickhouse::BackendOptions options;
  options.connection = std::move(*connection);
  options.queue_dir = std::filesystem::path(*flags.Get("data")) / "clickhouse-queue";
  if (flags.Has("clickhouse-queue")) {  // bound of the local queue, e.g. 4GiB
    Result<size_t> bytes = ParseByteSize(*flags.Get("clickhouse-queue"));
    if (!bytes.ok() || *bytes == 0) return Status::InvalidArgument("--clickhouse-queue must be a size such as 1GiB");
    options.queue_max_bytes = *bytes;
  }
  Result<std::unique_ptr<backend::clickhouse::ClickHouseBackend>> opened =
      backend::clickhouse::ClickHouseBackend::Open(std::move(options));
  if (!opened.ok()) return Status::IOError("opening the ClickHouse backend: " + opened.status().message());
  return std::unique_ptr<backend::Backend>(std::move(*opened));
}

}  // namespace

int RunServe(const std::vector<std::string>& args) {
  Result<Flags> flags = Flags::Parse(
      args, {"data", "listen", "prices", "max-body", "max-inflight", "max-inflight-wait-ms", "web-dir", "log-level", "demo-events", "retention", "query-cache", "workers", "store", "clickhouse-queue"},
      {"demo"});
  if (!flags.ok()) return Fail(flags.status().message(), 2);
  if (!flags->Has("data")) return Fail("--data DIR is required", 2);

  spdlog::level::level_enum level = spdlog::level::from_str(flags->GetOr("log-level", "info"));
  spdlog::set_level(level);

  server::ServerOptions server_options;
  server_options.listen = flags->GetOr("listen", "127.0.0.1:8080");
  if (flags->Has("max-body")) {
    Result<size_t> bytes = ParseByteSize(*flags->Get("max-body"));
    if (!bytes.ok()) return Fail("--max-body: " + bytes.status().message(), 2);
    server_options.max_body_bytes = *bytes;
  }
  if (flags->Has("max-inflight")) {  // request bodies held at once before 503 overloaded; 0 = no limit
    Result<size_t> bytes = ParseByteSize(*flags->Get("max-inflight"));
    if (!bytes.ok()) return Fail("--max-inflight: " + bytes.status().message(), 2);
    server_options.max_inflight_body_bytes = *bytes;
  }
  if (flags->Has("max-inflight-wait-ms")) {  // how long a body that does not fit waits for room
    Result<size_t> ms = ParseCount(*flags->Get("max-inflight-wait-ms"));
    if (!ms.ok()) return Fail("--max-inflight-wait-ms must be a number of milliseconds", 2);
    server_options.body_budget_wait = std::chrono::milliseconds(*ms);
  }
  if (flags->Has("workers")) {  // handler threads (ingest handlers wait in the group commit)
    Result<size_t> workers = ParseByteSize(*flags->Get("workers"));
    if (!workers.ok() || *workers == 0 || *workers > 256) return Fail("--workers must be a number from 1 to 256", 2);
    server_options.worker_threads = static_cast<int>(*workers);
  }
  if (flags->Has("web-dir")) server_options.web_dir = *flags->Get("web-dir");
  ingest::DemoOptions demo_options;
  if (flags->Has("demo-events")) {
    Result<size_t> events = ParseCount(*flags->Get("demo-events"));
    if (!events.ok() || *events == 0) return Fail("--demo-events must be a positive whole number", 2);
    demo_options.events = *events;
  }

  size_t query_cache_bytes = query::QueryCache::kDefaultCapacityBytes;  // 0 turns the cache off
  if (flags->Has("query-cache")) {
    Result<size_t> bytes = ParseByteSize(*flags->Get("query-cache"));
    if (!bytes.ok()) return Fail("--query-cache: " + bytes.status().message(), 2);
    query_cache_bytes = *bytes;
  }

  Result<PriceCatalogue> prices = LoadPrices(flags->Get("prices"));
  if (!prices.ok()) return Fail(prices.status().message(), 1);

  std::unique_ptr<backend::Backend> backend;
  std::string serving;
  if (flags->Has("store")) {
    Result<std::unique_ptr<backend::Backend>> opened = OpenClickHouse(*flags);
    if (!opened.ok()) return Fail(opened.status().message(), opened.status().code() == StatusCode::kInvalidArgument ? 2 : 1);
    backend = std::move(*opened);
    serving = *flags->Get("store");
  } else {
    Result<std::unique_ptr<backend::Backend>> opened = OpenEmbedded(*flags, query_cache_bytes);
    if (!opened.ok()) return Fail(opened.status().message(), opened.status().code() == StatusCode::kInvalidArgument ? 2 : 1);
    backend = std::move(*opened);
    serving = *flags->Get("data");
  }
  for (const backend::Problem& problem : backend->GetStats().problems) {
    spdlog::error("store problem in {} at byte {}: {}", problem.file, problem.offset, problem.what);
  }

  Result<std::unique_ptr<analytics::AnnotationStore>> annotations =
      analytics::AnnotationStore::Open(*flags->Get("data"));  // local state, either backend
  if (!annotations.ok()) return Fail(annotations.status().ToString(), 1);

  const bool demo = flags->Has("demo");
  if (demo && backend->GetStats().rows == 0) {
    auto started = std::chrono::steady_clock::now();
    demo_options.end_ms = NowMs();
    Result<size_t> written = WriteDemoTraffic(*backend, *prices, demo_options);
    if (!written.ok()) return Fail("writing demo traffic: " + written.status().ToString(), 1);
    Status annotated = WriteDemoAnnotations(**annotations, ingest::DemoTimelineFor(demo_options, demo_options.end_ms),
                                            NowMs());
    if (!annotated.ok()) return Fail("writing demo annotations: " + annotated.ToString(), 1);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("demo: stored {} events over {} days in {:.1f}s", *written, demo_options.days,
                 seconds);
  }

  server::AppContext context;
  context.backend = backend.get();
  context.prices = &*prices;
  context.annotations = annotations->get();
  server::Router router;
  server::AddApiRoutes(router, context);
  server::AddStaticRoutes(router, server::EmbeddedAssets(), server_options.web_dir);

  server::Server http(server_options, std::move(router));
  Status started = http.Start();
  if (!started.ok()) return Fail(started.message(), 1);
  Result<std::pair<std::string, uint16_t>> address =
      server::ParseListenAddress(server_options.listen);
  spdlog::info("mltrack {} serving {} on http://{}:{}", kVersion, serving,
               address.ok() ? address->first : server_options.listen, http.port());

  std::unique_ptr<LiveTrickle> trickle;
  if (demo) trickle = std::make_unique<LiveTrickle>(*backend, *prices);
  http.Run();
  if (trickle) trickle->Stop();
  backend->Close();
  spdlog::info("mltrack stopped; every acknowledged event is stored");
  return 0;
}

}  // namespace mltrack::cli
