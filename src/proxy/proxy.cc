#include "proxy/proxy.h"

#include <simdjson.h>

#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "core/time.h"
#include "net/tls_client.h"
#include "proxy/call_exchange.h"
#include "proxy/http_fields.h"
#include "proxy/proxy_context.h"
#include "proxy/request_input_hash.h"

namespace mltrack::proxy {
namespace {

namespace asio = boost::asio;

// How long Shutdown waits for calls in flight to end after cancelling them.
constexpr std::chrono::seconds kShutdownWait{5};

std::string RequestModel(std::string_view body) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::string_view model;
  if (parser.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS) return {};
  if (root["model"].get(model) != simdjson::SUCCESS || model.size() > kMaxStringBytes) return {};
  return std::string(model);
}

asio::awaitable<void> RunCall(ProxyContext& context, std::shared_ptr<CallExchange> exchange) {
  context.active.insert(exchange.get());
  if (context.shutting_down) exchange->Cancel("proxy_shutdown");
  try {
    co_await exchange->Run();
  } catch (const std::exception& e) {
    spdlog::warn("proxy call failed: {}", e.what());
  }
  context.active.erase(exchange.get());
  {
    std::lock_guard lock(context.in_flight_mutex);
    --context.in_flight;
  }
  context.in_flight_done.notify_all();
}

}  // namespace

struct Proxy::Impl {
  Impl(ProxyOptions options, std::unique_ptr<asio::ssl::context> tls, backend::Backend& backend,
       const PriceCatalogue& prices)
      : context(std::move(options), std::move(tls), backend, prices),
        work(asio::make_work_guard(context.io)),
        thread([this] { context.io.run(); }) {}

  ProxyContext context;
  asio::executor_work_guard<asio::io_context::executor_type> work;
  std::thread thread;
  bool stopped = false;
};

Proxy::Proxy(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Proxy::~Proxy() { Shutdown(); }

Result<std::unique_ptr<Proxy>> Proxy::Create(ProxyOptions options, backend::Backend& backend,
                                             const PriceCatalogue& prices) {
  Result<std::unique_ptr<asio::ssl::context>> tls = net::MakeTlsClientContext(options.ca_file);
  if (!tls.ok()) return tls.status();
  for (const Provider& provider : options.providers) {
    spdlog::info("proxy: /proxy/{}/ forwards to {}", provider.name, provider.upstream.ToString());
  }
  return std::unique_ptr<Proxy>(
      new Proxy(std::make_unique<Impl>(std::move(options), std::move(*tls), backend, prices)));
}

Result<PreparedCall> Proxy::Prepare(std::string_view provider_name, std::string_view path, std::string_view query,
                                    const std::vector<std::pair<std::string, std::string>>& headers,
                                    std::string body) const {
  const ProxyContext& context = impl_->context;
  PreparedCall call;
  std::string names;
  for (const Provider& provider : context.options.providers) {
    if (provider.name == provider_name) call.provider = &provider;
    names += (names.empty() ? "" : ", ") + provider.name;
  }
  if (call.provider == nullptr) {
    return Status::NotFound("no proxy provider \"" + std::string(provider_name) + "\"; there are: " + names);
  }
  std::optional<Endpoint> endpoint = FindEndpoint(call.provider->dialect, path);
  if (!endpoint) {
    return Status::NotFound("/proxy/" + call.provider->name + std::string(path) + " is not forwarded; " +
                            call.provider->name + " calls the proxy forwards: " + EndpointList(call.provider->dialect));
  }
  call.endpoint = *endpoint;
  Result<CallLabels> labels = ReadCallLabels(headers, context.options.max_cache_ttl);
  if (!labels.ok()) return labels.status();
  call.labels = std::move(*labels);

  std::vector<std::string_view> credentials;
  for (const auto& [name, value] : headers) {
    if (IsDroppedRequestField(name)) continue;
    call.headers.emplace_back(name, value);
    if (IsCredentialOrVariant(name)) credentials.push_back(value);
  }
  call.target = call.provider->upstream.base_path + std::string(path);
  if (!query.empty()) call.target += "?" + std::string(query);
  call.request_model = RequestModel(body);
  call.input_hash = RequestInputHash(body);
  if (call.labels.cache && context.cache.capacity_bytes() > 0) {
    call.cache_key = context.cache.Key(call.provider->name, call.target, body, credentials);
  }
  call.body = std::move(body);
  call.received = std::chrono::steady_clock::now();
  call.received_ms = NowMs();
  return call;
}

void Proxy::Forward(PreparedCall call, std::shared_ptr<Responder> responder) {
  ProxyContext& context = impl_->context;
  auto exchange = std::make_shared<CallExchange>(context, std::move(call), std::move(responder));
  {
    std::lock_guard lock(context.in_flight_mutex);
    ++context.in_flight;
  }
  asio::co_spawn(context.io, RunCall(context, std::move(exchange)), asio::detached);
}

void Proxy::Shutdown() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  ProxyContext& context = impl_->context;
  asio::post(context.io, [&context] {
    context.shutting_down = true;
    for (CallExchange* exchange : context.active) exchange->Cancel("proxy_shutdown");
    context.pool.Clear();
  });
  {
    std::unique_lock lock(context.in_flight_mutex);
    if (!context.in_flight_done.wait_for(lock, kShutdownWait, [&context] { return context.in_flight == 0; })) {
      spdlog::warn("proxy: {} call(s) still connecting at shutdown; their events are lost", context.in_flight);
    }
  }
  impl_->work.reset();
  context.io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  context.recorder.Close();
}

void Proxy::FlushEvents() { impl_->context.recorder.Flush(); }

Proxy::Counters Proxy::counters() const {
  const ProxyContext& context = impl_->context;
  return Counters{context.calls.load(), context.cache_hits.load(), context.recorder.dropped()};
}

}  // namespace mltrack::proxy
