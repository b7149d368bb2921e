#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "server/router.h"

namespace mltrack::server {
namespace auth {
class Authenticator;
}
class TlsCertificate;

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";  // "host:port", "[v6]:port"; port 0 = any free port
  size_t max_body_bytes = 16u << 20;      // larger request bodies are answered 413
  std::chrono::seconds read_timeout{30};  // per request, from the first byte to the last
  int io_threads = 1;                     // threads running socket I/O
  // Threads running (blocking) handlers. More than the 2 cores on purpose: an ingest handler
  // waits in the store's group commit (fdatasync, ~5-10 ms per group here) and holds its worker
  // meanwhile; with 2 workers both could be waiting while the next bodies sit undecoded and the
  // CPU idles.
  int worker_threads = 4;
  size_t max_queued_jobs = 128;           // requests waiting for a worker before 503 overloaded
  // Request bodies held at once (being read, queued or handled) before 503 overloaded: a request
  // whose Content-Length (or, chunked, whose body so far) does not fit is refused before its body
  // is buffered. 0 = unlimited. Must be ≥ max_body_bytes, or a large request could never fit.
  size_t max_inflight_body_bytes = 256u << 20;
  // How long a request whose Content-Length does not fit waits for room before that 503. It
  // waits with only its header read, so TCP flow control holds the client back (back-pressure
  // rather than a retry storm of full bodies). 0 = refuse at once.
  std::chrono::milliseconds body_budget_wait{1000};
  std::chrono::seconds shutdown_timeout{10};  // how long Run() waits for requests in flight
  bool handle_signals = true;             // Run() returns on SIGINT / SIGTERM
  std::optional<std::filesystem::path> web_dir;  // serve the web app from disk (dev mode)
  // Host names (Host header; "name" any port, "name:port" that port) and origins (Origin header)
  // answered besides this server's own address and loopback names (request_guard.h); other
  // Hosts and Origins get 403.
  std::vector<std::string> allow_hosts;
  std::vector<std::string> allow_origins;
  // API keys and rate limits (server/auth/authenticator.h); null = every route is public.
  std::shared_ptr<auth::Authenticator> authenticator;
  // Speak HTTPS and WSS only, with this certificate (tls_certificate.h); null = plain HTTP. Run()
  // reloads it when its files change (checked every tls_check_interval) and on SIGHUP.
  std::shared_ptr<TlsCertificate> tls;
  std::chrono::milliseconds tls_check_interval{2000};
  // Open connections at most; one more is answered 503 and closed at once. 0 = no limit.
  size_t max_connections = 4096;
};

// The HTTP server: binds, accepts, and runs the router's handlers on a worker pool. It owns
// no business logic; routes are given at construction. Start, Stop and port are thread-safe;
// Run is called once, from one thread. The destructor stops the server but does not wait for
// a Run() on another thread: join that thread first.
class Server {
 public:
  Server(ServerOptions options, Router router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. IOError naming the address when it cannot be bound (port taken, bad
  // address); InvalidArgument when `listen` is not "host:port" or max_inflight_body_bytes is
  // below max_body_bytes. Connections wait in the
  // kernel's backlog until Run().
  Status Start();
  // The bound port (the real one when `listen` asked for port 0); 0 before Start().
  uint16_t port() const;
  // Serves until Stop(), SIGTERM or SIGINT, then shuts down gracefully: stops accepting,
  // closes idle connections, lets requests in flight finish (at most shutdown_timeout), and
  // returns. Returns at once when Start() did not succeed.
  void Run();
  // Asks Run() to return. Callable from any thread (a handler too), before or during Run().
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Splits "127.0.0.1:8080", "[::1]:8080" or "localhost:0" into host and port.
Result<std::pair<std::string, uint16_t>> ParseListenAddress(std::string_view listen);

}  // namespace mltrack::server
