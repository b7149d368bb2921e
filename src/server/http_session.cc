#include "server/http_session.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <exception>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include "server/http_types.h"
#include "server/router.h"
#include "server/shared_state.h"
#include "server/status_mapping.h"
#include "server/worker_pool.h"

namespace mltrack::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::use_awaitable;

// The longest a client may keep sending an oversized body after its 413, and how much of it
// we swallow, so that closing does not reset the connection before the client reads the 413.
constexpr std::chrono::seconds kDrainTimeout{2};
constexpr size_t kMaxDrainBytes = 64u << 20;
constexpr std::chrono::seconds kWriteTimeout{30};

// The connection one session serves. Shared with the shutdown interrupt, which runs on the
// session's strand and closes the connection only while it waits for a request.
struct Connection {
  explicit Connection(asio::ip::tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  bool reading = false;  // touched only on the session's executor
};

bool IsQuietError(const beast::error_code& ec) {
  return ec == asio::error::operation_aborted || ec == http::error::end_of_stream ||
         ec == beast::error::timeout || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::error::not_connected;
}

// One place for session errors (STYLE.md): cancelled operations are part of shutdown and not
// logged; a client that went away or idled out is routine (debug); the rest is a warning.
void Fail(const beast::error_code& ec, const char* what) {
  if (ec == asio::error::operation_aborted) return;
  if (IsQuietError(ec)) {
    spdlog::debug("http {}: {}", what, ec.message());
  } else {
    spdlog::warn("http {}: {}", what, ec.message());
  }
}

HttpResponse SafeDispatch(const Router& router, const HttpRequest& request) {
  try {
    return router.Dispatch(request);
  } catch (const std::exception& e) {
    spdlog::warn("handler for {} {} threw: {}", request.method, request.path, e.what());
    return ErrorResponse(Status::Internal(std::string("handler failed: ") + e.what()));
  } catch (...) {
    spdlog::warn("handler for {} {} threw a non-standard exception", request.method, request.path);
    return ErrorResponse(Status::Internal("handler failed"));
  }
}

// Runs the router on the worker pool and completes on the caller's executor with the response;
// completes at once with 503 `overloaded` when the pool's queue is full.
template <typename CompletionToken>
auto AsyncDispatch(std::shared_ptr<SharedState> state, HttpRequest request, CompletionToken&& token) {
  return asio::async_initiate<CompletionToken, void(HttpResponse)>(
      [](auto handler, std::shared_ptr<SharedState> state, HttpRequest request) {
        auto executor = asio::get_associated_executor(handler);
        // std::function needs a copyable job; the completion handler is move-only.
        auto shared_handler = std::make_shared<decltype(handler)>(std::move(handler));
        auto shared_request = std::make_shared<HttpRequest>(std::move(request));
        const bool queued = state->workers().TrySubmit([state, shared_handler, shared_request, executor] {
          HttpResponse response = SafeDispatch(state->router(), *shared_request);
          asio::post(executor, [shared_handler, response = std::move(response)]() mutable {
            (*shared_handler)(std::move(response));
          });
        });
        if (!queued) {
          asio::post(executor, [shared_handler]() mutable {
            (*shared_handler)(ErrorResponse(Status::Overloaded("too many requests are waiting; retry shortly")));
          });
        }
      },
      token, std::move(state), std::move(request));
}

HttpRequest ToHttpRequest(http::request<http::string_body>&& beast_request, ParsedTarget&& target) {
  HttpRequest request;
  request.method = std::string(beast_request.method_string());
  request.path = std::move(target.path);
  request.query = std::move(target.query);
  for (const auto& field : beast_request) {
    request.headers.Add(std::string(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(beast_request.body());
  return request;
}

http::response<http::string_body> ToBeastResponse(HttpResponse&& response, unsigned version, bool keep_alive,
                                                   bool head) {
  http::response<http::string_body> out{static_cast<http::status>(response.status), version};
  out.set(http::field::server, "mltrack");
  if (!response.content_type.empty()) out.set(http::field::content_type, response.content_type);
  for (auto& [name, value] : response.headers) out.insert(name, value);
  out.keep_alive(keep_alive);
  out.body() = std::move(response.body);
  out.prepare_payload();
  if (head) {
    const size_t length = out.body().size();
    out.body().clear();
    out.content_length(length);
  }
  return out;
}

asio::awaitable<bool> Write(Connection& connection, http::response<http::string_body>&& response) {
  beast::error_code ec;
  connection.stream.expires_after(kWriteTimeout);
  co_await http::async_write(connection.stream, response, asio::redirect_error(use_awaitable, ec));
  if (ec) Fail(ec, "write");
  co_return !ec;
}

// After an error answer sent while the client may still be sending its body: stop sending,
// read and discard what arrives for a little while, then let the caller close.
asio::awaitable<void> DrainAndClose(Connection& connection) {
  beast::error_code ec;
  connection.stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  connection.stream.expires_after(kDrainTimeout);
  std::array<char, 64 * 1024> scratch;
  size_t drained = 0;
  while (drained < kMaxDrainBytes) {
    const size_t bytes = co_await connection.stream.async_read_some(asio::buffer(scratch),
                                                                    asio::redirect_error(use_awaitable, ec));
    if (ec) break;
    drained += bytes;
  }
  connection.stream.socket().close(ec);
}

void LogRequest(std::string_view method, std::string_view path, int status, size_t bytes,
                std::chrono::steady_clock::time_point start) {
  const double elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (status >= 500) {
    spdlog::warn("{} {} {} {}B {:.1f}ms", method, path, status, bytes, elapsed_ms);
  } else {
    spdlog::debug("{} {} {} {}B {:.1f}ms", method, path, status, bytes, elapsed_ms);
  }
}

// Serves requests until the connection should close.
asio::awaitable<void> ServeConnection(Connection& connection, std::shared_ptr<SharedState> state) {
  beast::flat_buffer buffer;
  for (;;) {
    if (state->stopping()) co_return;
    http::request_parser<http::string_body> parser;
    parser.body_limit(state->max_body_bytes());
    beast::error_code ec;

    connection.reading = true;
    connection.stream.expires_after(state->read_timeout());
    co_await http::async_read_header(connection.stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
    if (!ec) {
      const auto& header = parser.get();
      if (beast::iequals(header[http::field::expect], "100-continue")) {
        http::response<http::empty_body> go_on{http::status::continue_, header.version()};
        co_await http::async_write(connection.stream, go_on, asio::redirect_error(use_awaitable, ec));
      }
    }
    if (!ec) {
      co_await http::async_read(connection.stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
    }
    connection.reading = false;
    const auto start = std::chrono::steady_clock::now();

    if (ec == http::error::body_limit) {
      const unsigned version = parser.is_header_done() ? parser.get().version() : 11;
      HttpResponse error = JsonError(
          413, "payload_too_large", "the request body is over the limit of " + std::to_string(state->max_body_bytes()) + " bytes",
          {ErrorDetail{-1, "body", "over the " + std::to_string(state->max_body_bytes()) + "-byte limit"}});
      spdlog::debug("request body over {} bytes: 413", state->max_body_bytes());
      if (co_await Write(connection, ToBeastResponse(std::move(error), version, false, false))) {
        co_await DrainAndClose(connection);
      }
      co_return;
    }
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted) {
      Fail(ec, "read");
      co_return;
    }
    if (ec && ec != http::error::partial_message &&
        ec.category() == http::make_error_code(http::error::bad_target).category()) {
      // The bytes are not HTTP we can parse: answer 400 and close.
      Fail(ec, "parse");
      co_await Write(connection, ToBeastResponse(JsonError(400, "bad_request", "malformed HTTP request: " + ec.message()),
                                                 11, false, false));
      co_await DrainAndClose(connection);
      co_return;
    }
    if (ec) {
      Fail(ec, "read");
      co_return;
    }

    http::request<http::string_body> beast_request = parser.release();
    const unsigned version = beast_request.version();
    const bool head = beast_request.method() == http::verb::head;
    bool keep_alive = beast_request.keep_alive();
    const auto raw_target = beast_request.target();
    std::optional<ParsedTarget> target = ParseTarget(std::string_view(raw_target.data(), raw_target.size()));
    const std::string method(beast_request.method_string());
    HttpResponse response;
    std::string path;
    if (!target) {
      path = std::string(beast_request.target());
      response = JsonError(400, "bad_request", "malformed request target",
                           {ErrorDetail{-1, "target", "not an absolute path with valid %-escapes"}});
    } else {
      path = target->path;
      response = co_await AsyncDispatch(state, ToHttpRequest(std::move(beast_request), std::move(*target)),
                                        use_awaitable);
    }
    if (state->stopping()) keep_alive = false;
    LogRequest(method, path, response.status, response.body.size(), start);
    if (!co_await Write(connection, ToBeastResponse(std::move(response), version, keep_alive, head))) co_return;
    if (!keep_alive) {
      connection.stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
      co_return;
    }
  }
}

}  // namespace

asio::awaitable<void> RunHttpSession(asio::ip::tcp::socket socket, std::shared_ptr<SharedState> state) {
  auto connection = std::make_shared<Connection>(std::move(socket));
  const auto executor = connection->stream.get_executor();
  std::weak_ptr<Connection> weak = connection;
  const uint64_t id = state->Join([executor, weak] {
    asio::post(executor, [weak] {
      if (auto alive = weak.lock(); alive && alive->reading) alive->stream.cancel();
    });
  });
  try {
    co_await ServeConnection(*connection, state);
  } catch (const std::exception& e) {
    spdlog::warn("http session: {}", e.what());
  }
  beast::error_code ec;
  connection->stream.socket().close(ec);
  state->Leave(id);
}

}  // namespace mltrack::server
