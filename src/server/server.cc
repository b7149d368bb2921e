#include "server/server.h"

#include <charconv>
#include <csignal>
#include <optional>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <spdlog/spdlog.h>

#include "server/listener.h"
#include "server/metrics/metrics.h"
#include "server/shared_state.h"
#include "server/tls_certificate.h"
#include "server/worker_pool.h"

namespace mltrack::server {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

Result<std::pair<std::string, uint16_t>> ParseListenAddress(std::string_view listen) {
  const auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("bad listen address \"" + std::string(listen) + "\": " + std::string(why),
                                   {ErrorDetail{-1, "listen", std::string(why)}});
  };
  const size_t colon = listen.rfind(':');
  if (colon == std::string_view::npos) return bad("expected host:port");
  std::string_view host = listen.substr(0, colon);
  const std::string_view port_text = listen.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) return bad("missing host");
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    return bad("port must be a number from 0 to 65535");
  }
  return std::pair<std::string, uint16_t>(std::string(host), static_cast<uint16_t>(port));
}

struct Server::Impl {
  Impl(ServerOptions options_in, Router router_in)
      : options(std::move(options_in)),
        router(std::move(router_in)),
        workers(options.worker_threads, options.max_queued_jobs),
        state(std::make_shared<SharedState>(router, workers, options.max_body_bytes, options.read_timeout,
                                            options.max_inflight_body_bytes, options.body_budget_wait)),
        io(options.io_threads < 1 ? 1 : options.io_threads),
        acceptor(asio::make_strand(io)) {}

  ~Impl() {
    boost::system::error_code ec;
    acceptor.close(ec);
    // Jobs still queued hold sessions' completion handlers; drop them while the io_context lives.
    workers.Shutdown();
  }

  void ShutDown(std::vector<std::thread>& io_threads);
  void CheckCertificateEvery();
  void ReloadCertificateOnHangup();

  const ServerOptions options;
  const Router router;
  WorkerPool workers;
  std::shared_ptr<SharedState> state;
  asio::io_context io;  // after everything its pending handlers refer to
  tcp::acceptor acceptor;
  uint16_t bound_port = 0;
  bool started = false;
  // With TLS: the periodic check of the certificate's files and SIGHUP (tls_certificate.h).
  std::optional<asio::steady_timer> certificate_timer;
  std::optional<asio::signal_set> hangup;

  std::mutex mutex;
  std::condition_variable stop_requested_cv;
  bool stop_requested = false;
  metrics::Registry::GaugeHandle gauges;  // last: unregistered before what it reads goes away
};

Server::Server(ServerOptions options, Router router)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router))) {}

Server::~Server() { Stop(); }

Status Server::Start() {
  if (impl_->started) return Status::Internal("Server::Start called twice");
  const ServerOptions& options = impl_->options;
  if (options.max_inflight_body_bytes != 0 && options.max_inflight_body_bytes < options.max_body_bytes) {
    return Status::InvalidArgument(
        "the in-flight body budget (" + std::to_string(options.max_inflight_body_bytes) +
            " bytes) is below the body limit (" + std::to_string(options.max_body_bytes) +
            " bytes): a request of the largest allowed size could never be accepted",
        {ErrorDetail{-1, "max_inflight_body_bytes", "must be 0 (unlimited) or at least max_body_bytes"}});
  }
  auto address = ParseListenAddress(impl_->options.listen);
  if (!address.ok()) return address.status();
  const std::string host = address->first == "localhost" ? "127.0.0.1" : address->first;
  boost::system::error_code ec;
  const asio::ip::address ip = asio::ip::make_address(host, ec);
  if (ec) {
    return Status::InvalidArgument("bad listen address \"" + impl_->options.listen + "\": \"" + host +
                                       "\" is not an IP address",
                                   {ErrorDetail{-1, "listen", "host must be an IP address or localhost"}});
  }
  const tcp::endpoint endpoint(ip, address->second);
  tcp::acceptor& acceptor = impl_->acceptor;
  const auto fail = [&](const char* step) {
    boost::system::error_code ignored;
    acceptor.close(ignored);
    return Status::IOError("cannot listen on " + impl_->options.listen + " (" + step + "): " + ec.message() +
                           (ec == asio::error::address_in_use ? " — is another server using this port?" : ""));
  };
  if (acceptor.open(endpoint.protocol(), ec)) return fail("open");
  if (acceptor.set_option(asio::socket_base::reuse_address(true), ec)) return fail("reuse_address");
  if (acceptor.bind(endpoint, ec)) return fail("bind");
  if (acceptor.listen(asio::socket_base::max_listen_connections, ec)) return fail("listen");
  impl_->bound_port = acceptor.local_endpoint(ec).port();
  impl_->state->set_host_policy(
      HostPolicy(address->first, impl_->bound_port, impl_->options.allow_hosts, impl_->options.allow_origins));
  impl_->state->set_authenticator(impl_->options.authenticator);
  impl_->state->set_max_connections(impl_->options.max_connections);
  impl_->state->set_tls(impl_->options.tls);
  impl_->started = true;
  SharedState* state = impl_->state.get();
  impl_->gauges = metrics::Registry::Global().AddGauges({
      {"mltrack_worker_queue_depth", "Requests waiting for a handler thread.", [state] { return double(state->workers().queued()); }},
      {"mltrack_body_budget_bytes", "Request body bytes held in memory now.", [state] { return double(state->body_budget().in_use()); }},
      {"mltrack_http_connections", "Open HTTP and WebSocket connections.", [state] { return double(state->connections()); }},
  });
  asio::co_spawn(acceptor.get_executor(), RunListener(acceptor, impl_->state), asio::detached);
  spdlog::info("listening on {}://{}:{}", impl_->options.tls ? "https" : "http", host.find(':') != std::string::npos ? "[" + host + "]" : host,
               impl_->bound_port);
  return Status::OK();
}

uint16_t Server::port() const { return impl_->bound_port; }

void Server::Stop() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stop_requested = true;
  }
  impl_->stop_requested_cv.notify_all();
}

void Server::Run() {
  if (!impl_->started) return;
  std::optional<asio::signal_set> signals;
  if (impl_->options.handle_signals) {
    signals.emplace(impl_->io, SIGINT, SIGTERM);
    signals->async_wait([this](const boost::system::error_code& ec, int signal_number) {
      if (ec) return;
      spdlog::info("signal {} received: shutting down", signal_number);
      Stop();
    });
  }
  if (impl_->options.tls) {
    impl_->certificate_timer.emplace(impl_->io);
    impl_->CheckCertificateEvery();
    if (impl_->options.handle_signals) {
      impl_->hangup.emplace(impl_->io, SIGHUP);
      impl_->ReloadCertificateOnHangup();
    }
  }
  std::vector<std::thread> io_threads;
  const int thread_count = impl_->options.io_threads < 1 ? 1 : impl_->options.io_threads;
  auto work = asio::make_work_guard(impl_->io);
  for (int thread_idx = 0; thread_idx < thread_count; ++thread_idx) {
    io_threads.emplace_back([this] { impl_->io.run(); });
  }
  {
    std::unique_lock lock(impl_->mutex);
    impl_->stop_requested_cv.wait(lock, [this] { return impl_->stop_requested; });
  }
  asio::post(impl_->io, [this, &signals] {
    boost::system::error_code ignored;
    if (signals) signals->cancel(ignored);
    if (impl_->hangup) impl_->hangup->cancel(ignored);
    if (impl_->certificate_timer) impl_->certificate_timer->cancel();
  });
  impl_->ShutDown(io_threads);
}

void Server::Impl::CheckCertificateEvery() {
  certificate_timer->expires_after(options.tls_check_interval);
  certificate_timer->async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled: shutting down
    options.tls->Reload();
    CheckCertificateEvery();
  });
}

void Server::Impl::ReloadCertificateOnHangup() {
  hangup->async_wait([this](const boost::system::error_code& ec, int) {
    if (ec) return;
    spdlog::info("signal SIGHUP received: reloading the TLS certificate");
    options.tls->Reload(/*force=*/true);
    ReloadCertificateOnHangup();
  });
}

void Server::Impl::ShutDown(std::vector<std::thread>& io_threads) {
  // 1. No new connections.
  asio::post(acceptor.get_executor(), [this] {
    boost::system::error_code ignored;
    acceptor.close(ignored);
  });
  // 2. Idle connections close; busy ones finish their request and close.
  state->BeginStop();
  const auto deadline = std::chrono::steady_clock::now() + options.shutdown_timeout;
  if (!state->WaitForConnections(deadline)) {
    spdlog::warn("shutdown: {} connection(s) still busy after {}s; closing them", state->connections(),
                 options.shutdown_timeout.count());
  }
  // 3. Stop I/O; handlers still running finish on their worker, their answers are dropped.
  io.stop();
  for (std::thread& thread : io_threads) thread.join();
  workers.Shutdown();
  spdlog::info("server stopped");
}

}  // namespace mltrack::server
