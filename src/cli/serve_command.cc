// `mltrack serve`: opens the store, optionally fills it with demo traffic, and serves the API
// and the web app until SIGTERM/SIGINT, then closes the store (which syncs) and exits 0.
#include <malloc.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cctype>
#include <filesystem>
#include <map>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "backend/clickhouse/clickhouse_backend.h"
#include "backend/embedded/embedded_backend.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "cli/serve_auth.h"
#include "cli/serve_config.h"
#include "cli/setup.h"
#include "cli/spend_control.h"
#include "core/time.h"
#include "core/version.h"
#include "ingest/pricing.h"
#include "mlflow/tracking_store.h"
#include "proxy/proxy.h"
#include "server/app_context.h"
#include "server/logging/json_log.h"
#include "server/metrics/metrics.h"
#include "server/live/live_hub.h"
#include "server/router.h"
#include "server/server.h"
#include "server/static_assets.h"
#include "server/static_files.h"
#include "server/tls_certificate.h"
#include "store/embedded_store.h"

namespace mltrack::cli {
namespace {

// Whether text[at] continues a flag name ("--rate-limit" inside "--rate-limit-x").
bool IsFlagNameChar(const std::string& text, size_t at) {
  return at < text.size() && (std::isalnum(static_cast<unsigned char>(text[at])) || text[at] == '-');
}

// Appends a few demo events every second so that live views move; stops on Stop().
class LiveTrickle {
 public:
  LiveTrickle(backend::Backend& backend, const PriceCatalogue& prices, const demo::DemoOptions& history)
      : backend_(backend), prices_(prices), history_(history), thread_([this] { Loop(); }) {}
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
    demo::DemoTraffic traffic(static_cast<uint64_t>(NowMs()));
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; })) {
      lock.unlock();
      EventBatch batch = traffic.Live(NowMs(), 1 + static_cast<size_t>(NowMs() % 4), history_);
      ingest::PriceEvents(prices_, batch);
      Result<backend::AppendResult> appended = backend_.Append(std::move(batch));
      if (!appended.ok()) spdlog::warn("demo trickle: {}", appended.status().ToString());
      lock.lock();
    }
  }

  backend::Backend& backend_;
  const PriceCatalogue& prices_;
  const demo::DemoOptions history_;  // the demo history's users, whose day pool the trickle uses
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

// Flags set by mltrack.toml → where ("[http] max-body (line 3 of FILE)"), for Fail().
std::map<std::string, std::string> config_origins;

// Prints the error; one about a flag that came from the config file also says where it was set.
int Fail(const std::string& message, int code) {
  std::string where;
  for (const auto& [flag, origin] : config_origins) {
    const std::string named = "--" + flag;
    const size_t at = message.find(named);
    if (at != std::string::npos && !IsFlagNameChar(message, at + named.size())) where += "; set by " + origin;
  }
  std::fprintf(stderr, "mltrack serve: %s%s\n", message.c_str(), where.c_str());
  return code;
}

// --upstream NAME=URL (repeatable), --upstream-ca FILE, --upstream-timeout 600s,
// --proxy-cache 64MiB, --proxy-cache-ttl 300s (docs/integrations/proxy.md).
Result<proxy::ProxyOptions> ProxyOptionsFromFlags(const Flags& flags) {
  proxy::ProxyOptions options;
  Result<std::vector<proxy::Provider>> providers = proxy::ConfigureProviders(flags.GetAll("upstream"));
  if (!providers.ok()) return providers.status();
  options.providers = std::move(*providers);
  options.ca_file = flags.Get("upstream-ca");
  auto seconds = [&flags](const std::string& name, std::chrono::seconds& out) -> Status {
    if (!flags.Has(name)) return Status::OK();
    Result<int64_t> ms = ParseDuration(*flags.Get(name));
    if (!ms.ok() || *ms < 1000) return Status::InvalidArgument("--" + name + " must be a duration of 1s or more, such as 30s");
    out = std::chrono::seconds(*ms / 1000);
    return Status::OK();
  };
  MLTRACK_RETURN_IF_ERROR(seconds("upstream-timeout", options.timeout));
  MLTRACK_RETURN_IF_ERROR(seconds("proxy-cache-ttl", options.cache_ttl));
  if (flags.Has("proxy-cache")) {
    Result<size_t> bytes = ParseByteSize(*flags.Get("proxy-cache"));
    if (!bytes.ok()) return Status::InvalidArgument("--proxy-cache: " + bytes.status().message());
    options.cache_bytes = *bytes;
  }
  return options;
}

// The embedded store in --data (the default backend).
Result<std::unique_ptr<backend::Backend>> OpenEmbedded(const Flags& flags, size_t query_cache_bytes,
                                                       size_t max_tag_keys, backend::QueryBudget budget) {
  store::StoreOptions store_options;
  store_options.dir = *flags.Get("data");
  store_options.max_tag_keys = max_tag_keys;
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
      std::make_unique<backend::EmbeddedBackend>(std::move(*store), query_cache_bytes, budget));
}

// --store clickhouse://HOST:PORT/DB: events in ClickHouse, the queue of unshipped batches in
// --data/clickhouse-queue (docs/deploy/clickhouse.md).
Result<std::unique_ptr<backend::Backend>> OpenClickHouse(const Flags& flags, backend::QueryBudget budget) {
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
  options.query_timeout_ms = budget.timeout_ms;  // → max_execution_time, max_memory_usage
  options.query_memory_bytes = budget.memory_bytes;
  Result<std::unique_ptr<backend::clickhouse::ClickHouseBackend>> opened =
      backend::clickhouse::ClickHouseBackend::Open(std::move(options));
  if (!opened.ok()) return Status::IOError("opening the ClickHouse backend: " + opened.status().message());
  return std::unique_ptr<backend::Backend>(std::move(*opened));
}

}  // namespace

int RunServe(const std::vector<std::string>& args) {
  // The command line over mltrack.toml (--config, or <data>/mltrack.toml): serve_config.h.
  Result<Flags> flags = Flags::Parse(args, ServeValuedFlags(), ServeSwitches());
  if (!flags.ok()) return Fail(flags.status().message(), 2);
  bool config_in_data_dir = false;
  std::string config_file;  // logged once the log format is set
  if (const std::filesystem::path config_path = ServeConfigPath(*flags, config_in_data_dir); !config_path.empty()) {
    Result<ServeConfig> config = LoadServeConfig(config_path, config_in_data_dir);
    if (!config.ok()) return Fail(config.status().message(), 2);
    config_origins = std::move(config->origins);
    std::erase_if(config_origins, [&flags](const auto& origin) { return flags->Has(origin.first); });
    flags = config->flags.OverriddenBy(*flags);
    config_file = config_path.string();
  }
  if (!flags->Has("data")) return Fail("--data DIR is required", 2);

  const std::string level_name = flags->GetOr("log-level", "info");
  spdlog::level::level_enum level = spdlog::level::from_str(level_name);
  if (level == spdlog::level::off && level_name != "off") {  // spdlog's answer for an unknown name
    return Fail("--log-level must be trace, debug, info, warn, error, critical or off, not \"" + level_name + "\"", 2);
  }
  spdlog::set_level(level);
  if (const std::string format = flags->GetOr("log-format", "text"); format == "json") {
    server::logging::UseJsonLogs();  // one JSON object per line, with request ids (docs/operations.md)
  } else if (format != "text") {
    return Fail("--log-format must be text or json, not \"" + format + "\"", 2);
  }
  if (!config_file.empty()) spdlog::info("configuration from {}", config_file);

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
  if (flags->Has("max-connections")) {  // open connections; one more is answered 503 at once; 0 = none
    Result<size_t> connections = ParseCount(*flags->Get("max-connections"));
    if (!connections.ok() || *connections > 1'000'000) return Fail("--max-connections must be a whole number up to 1000000 (0: no limit)", 2);
    server_options.max_connections = *connections;
  }
  if (flags->Has("read-timeout")) {  // a request's header and body must arrive within it (slowloris); idle keep-alive too
    Result<int64_t> ms = ParseDuration(*flags->Get("read-timeout"));
    if (!ms.ok() || *ms < 1000 || *ms > 3'600'000) return Fail("--read-timeout must be a duration from 1s to 1h, such as 30s", 2);
    server_options.read_timeout = std::chrono::seconds(*ms / 1000);
  }
  // Host and Origin headers answered besides the listen address and loopback names (403 otherwise).
  server_options.allow_hosts = flags->GetAll("allow-host");
  server_options.allow_origins = flags->GetAll("allow-origin");
  for (const std::string& host : server_options.allow_hosts) {
    if (host.empty() || host.find_first_of("/ ") != std::string::npos) {
      return Fail("--allow-host takes a host name such as example.com or example.com:8443, got \"" + host + "\"", 2);
    }
  }
  for (const std::string& origin : server_options.allow_origins) {
    if (origin != "null" && !origin.starts_with("http://") && !origin.starts_with("https://")) {
      return Fail("--allow-origin takes an origin such as https://dash.example.com, got \"" + origin + "\"", 2);
    }
  }
  // HTTPS and WSS (docs/operations.md, "TLS"): both files or neither; checked before the store opens.
  if (flags->Has("tls-cert") != flags->Has("tls-key")) {
    return Fail(flags->Has("tls-cert") ? "--tls-cert needs --tls-key (the certificate's private key)"
                                       : "--tls-key needs --tls-cert (the certificate chain)", 2);
  }
  if (flags->Has("tls-cert")) {
    Result<std::shared_ptr<server::TlsCertificate>> tls =
        server::TlsCertificate::Load(*flags->Get("tls-cert"), *flags->Get("tls-key"));
    if (!tls.ok()) return Fail(tls.status().message(), 2);
    server_options.tls = std::move(*tls);
  }
  // API keys (<data>/api_keys) and per-key rate limits; a non-loopback listener needs a key.
  Result<std::pair<std::string, uint16_t>> listen_address = server::ParseListenAddress(server_options.listen);
  if (!listen_address.ok()) return Fail(listen_address.status().message(), 2);
  Result<ServeAuth> auth = SetUpAuth(*flags, listen_address->first);
  if (!auth.ok()) return Fail(auth.status().message(), auth.status().code() == StatusCode::kInvalidArgument ? 2 : 1);
  server_options.authenticator = auth->authenticator;
  demo::DemoOptions demo_options;
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

  int64_t query_timeout_ms = 10'000;  // per request, over all of its queries; 0 = none
  if (flags->Has("query-timeout")) {
    Result<int64_t> timeout = ParseDuration(*flags->Get("query-timeout"));
    if (*flags->Get("query-timeout") == "0") timeout = int64_t{0};
    if (!timeout.ok() || *timeout < 0) return Fail("--query-timeout must be a duration such as 10s or 2m (0: none)", 2);
    query_timeout_ms = *timeout;
  }
  size_t query_memory_bytes = 256u << 20;  // working memory per query; 0 = none
  if (flags->Has("query-memory")) {
    Result<size_t> bytes = ParseByteSize(*flags->Get("query-memory"));
    if (!bytes.ok()) return Fail("--query-memory: " + bytes.status().message(), 2);
    query_memory_bytes = *bytes;
  }
  size_t max_tag_keys = 10'000;  // distinct tag keys, and score names, per store; 0 = none
  if (flags->Has("max-tag-keys")) {
    Result<size_t> keys = ParseCount(*flags->Get("max-tag-keys"));
    if (!keys.ok()) return Fail("--max-tag-keys must be a whole number (0: no limit)", 2);
    max_tag_keys = *keys;
  }

  // Webhook retries back off from the min, doubling, to the max (durations such as 1s, 10m);
  // https:// receivers are also trusted by --webhook-ca's certificates.
  alerts::DeliveryOptions delivery_options;
  delivery_options.ca_file = flags->Get("webhook-ca");
  for (const char* name : {"webhook-retry-min", "webhook-retry-max"}) {
    if (!flags->Has(name)) continue;
    Result<int64_t> ms = ParseDuration(*flags->Get(name));
    if (!ms.ok() || *ms <= 0) return Fail(std::string("--") + name + " must be a duration such as 1s or 10m", 2);
    (std::string_view(name) == "webhook-retry-min" ? delivery_options.min_backoff : delivery_options.max_backoff) =
        std::chrono::milliseconds(*ms);
  }

  Result<proxy::ProxyOptions> proxy_options = ProxyOptionsFromFlags(*flags);
  if (!proxy_options.ok()) return Fail(proxy_options.status().message(), 2);

  Result<PriceCatalogue> prices = LoadPrices(flags->Get("prices"));
  if (!prices.ok()) return Fail(prices.status().message(), 1);

  std::unique_ptr<backend::Backend> backend;
  std::string serving;
  if (flags->Has("store")) {
    // The 256 MiB default bounds the embedded store's estimate (sketches for percentiles);
    // ClickHouse's exact percentiles hold every value, so there only an explicit
    // --query-memory is sent (docs/deploy/clickhouse.md, "Limits").
    const size_t clickhouse_memory = flags->Has("query-memory") ? query_memory_bytes : 0;
    Result<std::unique_ptr<backend::Backend>> opened =
        OpenClickHouse(*flags, backend::QueryBudget{query_timeout_ms, clickhouse_memory});
    if (!opened.ok()) return Fail(opened.status().message(), opened.status().code() == StatusCode::kInvalidArgument ? 2 : 1);
    backend = std::move(*opened);
    serving = *flags->Get("store");
  } else {
    Result<std::unique_ptr<backend::Backend>> opened = OpenEmbedded(*flags, query_cache_bytes, max_tag_keys,
                                                             backend::QueryBudget{query_timeout_ms, query_memory_bytes});
    if (!opened.ok()) return Fail(opened.status().message(), opened.status().code() == StatusCode::kInvalidArgument ? 2 : 1);
    backend = std::move(*opened);
    serving = *flags->Get("data");
  }
  for (const backend::Problem& problem : backend->GetStats().problems) {
    spdlog::error("store problem in {} at byte {}: {}", problem.file, problem.offset, problem.what);
  }

  Result<std::unique_ptr<SpendControl>> spend = OpenSpendControl(*flags->Get("data"), *backend, delivery_options);
  if (!spend.ok()) return Fail("opening budgets and alerts: " + spend.status().ToString(), 1);
  Result<std::unique_ptr<analytics::AnnotationStore>> annotations =
      analytics::AnnotationStore::Open(*flags->Get("data"));  // local state, either backend
  if (!annotations.ok()) return Fail(annotations.status().ToString(), 1);
  std::vector<std::string> tracking_problems;
  Result<std::unique_ptr<mlflow::TrackingStore>> tracking =
      mlflow::TrackingStore::Open(*flags->Get("data"), &tracking_problems);  // MLflow runs between create and finish
  if (!tracking.ok()) return Fail("opening the MLflow tracking log: " + tracking.status().ToString(), 1);
  for (const std::string& problem : tracking_problems) spdlog::error("mlflow tracking log: {}", problem);
  Result<std::unique_ptr<analytics::ReportStore>> reports = analytics::ReportStore::Open(*flags->Get("data"));
  if (!reports.ok()) return Fail(reports.status().ToString(), 1);

  const bool demo = flags->Has("demo");
  if (demo && backend->GetStats().rows == 0) {
    auto started = std::chrono::steady_clock::now();
    demo_options.end_ms = NowMs();
    Result<size_t> written = WriteDemoTraffic(*backend, *prices, demo_options);
    if (!written.ok()) return Fail("writing demo traffic: " + written.status().ToString(), 1);
    Status annotated = WriteDemoAnnotations(**annotations, demo::DemoTimelineFor(demo_options, demo_options.end_ms),
                                            NowMs());
    if (!annotated.ok()) return Fail("writing demo annotations: " + annotated.ToString(), 1);
    Status reported = WriteDemoReports(**reports, NowMs());
    if (!reported.ok()) return Fail("writing demo reports: " + reported.ToString(), 1);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("demo: stored {} events over {} days in {:.1f}s", *written, demo_options.days,
                 seconds);
    if ((*spend)->budgets->List().empty()) {
      Status budgets = CreateDemoBudgets(**spend, *backend, NowMs());
      if (!budgets.ok()) return Fail("creating demo budgets: " + budgets.ToString(), 1);
      StartSpendControl(**spend);
      (*spend)->monitor->Settle();  // the demo's alert history, before the first page loads
    }
  }
  StartSpendControl(**spend);

  Result<std::unique_ptr<proxy::Proxy>> llm_proxy = proxy::Proxy::Create(std::move(*proxy_options), *backend, *prices);
  if (!llm_proxy.ok()) return Fail(llm_proxy.status().message(), 1);

  server::AppContext context;
  context.backend = backend.get();
  context.authenticator = auth->authenticator.get();
  context.prices = &*prices;
  context.budgets = (*spend)->budgets.get();
  context.alert_log = (*spend)->alert_log.get();
  context.webhooks = (*spend)->webhooks.get();
  context.webhook_delivery = (*spend)->delivery.get();
  context.proxy = llm_proxy->get();
  context.budget_gate = &(*spend)->monitor->gate();
  context.annotations = annotations->get();
  context.mlflow = tracking->get();
  context.reports = reports->get();
  // Pushes to WebSocket /api/analytics/live; stopped after the server (its sessions are closed).
  std::shared_ptr<server::live::LiveHub> live_hub = server::live::LiveHub::Start(*backend);
  context.live = live_hub.get();
  // What budgets cost ingest (docs/operations.md "## Metrics"); unregistered before spend is reset.
  const analytics::BudgetMonitor* monitor = (*spend)->monitor.get();
  server::metrics::Registry::GaugeHandle budget_gauges = server::metrics::Registry::Global().AddGauges({
      {"mltrack_budget_counted_events_total", "Priced events the budget monitor added to its budgets' running spend.",
       [monitor] { return double(monitor->stats().events_counted); }, true},
      {"mltrack_budget_counting_seconds_total", "Time appends spent counting events into budgets (on the request path).",
       [monitor] { return monitor->stats().counting_seconds; }, true},
      {"mltrack_budget_monitor_cpu_seconds_total", "CPU time of the budget monitor's thread (exact evaluations, forecasts).",
       [monitor] { return monitor->stats().thread_cpu_seconds; }, true},
      {"mltrack_budget_evaluations_total", "Exact evaluations of a budget's period spend.",
       [monitor] { return double(monitor->stats().evaluations); }, true},
  });
  server::Router router;
  server::AddApiRoutes(router, context);
  server::AddStaticRoutes(router, server::EmbeddedAssets(), server_options.web_dir);

  server::Server http(server_options, std::move(router));
  Status started = http.Start();
  if (!started.ok()) return Fail(started.message(), 1);
  Result<std::pair<std::string, uint16_t>> address =
      server::ParseListenAddress(server_options.listen);
  spdlog::info("mltrack {} serving {} on {}://{}:{}", kVersion, serving, server_options.tls ? "https" : "http",
               address.ok() ? address->first : server_options.listen, http.port());

  std::unique_ptr<LiveTrickle> trickle;
  if (demo) trickle = std::make_unique<LiveTrickle>(*backend, *prices, demo_options);
  http.Run();
  auth->usage->Stop();  // the keys' last use, for `mltrack keys list`
  live_hub->Stop();
  // Calls in flight end (and are recorded) before the server's sessions are destroyed.
  (*llm_proxy)->Shutdown();
  if (trickle) trickle->Stop();
  budget_gauges.reset();
  spend->reset();  // the monitor queries the backend: stop it first
  backend->Close();
  spdlog::info("mltrack stopped; every acknowledged event is stored");
  return 0;
}

}  // namespace mltrack::cli
