#pragma once
// Internal to the proxy: what every call in flight shares. The pool and the set of calls are
// touched only on the proxy's I/O thread; the rest is thread-safe.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_set>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include "proxy/call_recorder.h"
#include "proxy/proxy.h"
#include "proxy/response_cache.h"
#include "proxy/upstream_connection.h"

namespace mltrack::proxy {

class CallExchange;

struct ProxyContext {
  ProxyContext(ProxyOptions options_in, std::unique_ptr<boost::asio::ssl::context> tls_in, backend::Backend& backend,
               const PriceCatalogue& prices)
      : options(std::move(options_in)),
        tls(std::move(tls_in)),
        pool(io, *tls),
        cache(options.cache_bytes),
        recorder(backend, prices) {}

  const ProxyOptions options;
  boost::asio::io_context io;
  std::unique_ptr<boost::asio::ssl::context> tls;
  UpstreamPool pool;
  ResponseCache cache;
  CallRecorder recorder;

  std::unordered_set<CallExchange*> active;  // I/O thread only
  bool shutting_down = false;                // I/O thread only

  // Calls started and not yet ended, for Shutdown to wait on.
  std::mutex in_flight_mutex;
  std::condition_variable in_flight_done;
  size_t in_flight = 0;

  std::atomic<uint64_t> calls{0};
  std::atomic<uint64_t> cache_hits{0};
};

}  // namespace mltrack::proxy
