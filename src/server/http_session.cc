#include "server/http_session.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <exception>
#include <functional>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <spdlog/spdlog.h>

#include "ingest/event_decoder.h"
#include "server/auth/authenticator.h"
#include "server/body_budget.h"
#include "server/logging/request_id.h"
#include "server/metrics/metrics.h"
#include "server/http_types.h"
#include "server/request_body.h"
#include "server/router.h"
#include "server/shared_state.h"
#include "server/tls_certificate.h"
#include "server/status_mapping.h"
#include "server/stream_writer.h"
#include "server/tls_stream.h"
#include "server/websocket_session.h"
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
// Scripts and styles from the server itself only (ECharts and React set style attributes, hence
// 'unsafe-inline' for styles alone); the live WebSocket; never inside a frame.
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";
// How often a request waiting for room in the body budget looks again.
constexpr std::chrono::milliseconds kBudgetPoll{5};

// The connection one session serves, plain (beast::tcp_stream) or TLS (TlsStream): the one session
// implementation below is a template on it. Shared with the shutdown interrupt, which runs on the
// session's strand and closes the connection only while it waits for a request.
template <typename Stream>
struct Connection {
  template <typename... Args>
  explicit Connection(Args&&... args) : stream(std::forward<Args>(args)...) {}
  Stream stream;
  // The TCP layer: timeouts, cancel, shutdown and close.
  beast::tcp_stream& tcp() { return beast::get_lowest_layer(stream); }
  bool reading = false;  // touched only on the session's executor
  // Closes an upgraded (WebSocket) connection at shutdown; set while one runs. Same executor.
  std::function<void()> stop_websocket;
  bool upgraded = false;  // `stream` was moved into the WebSocket session, which closes it
};

bool IsQuietError(const beast::error_code& ec) {
  return ec == asio::error::operation_aborted || ec == http::error::end_of_stream ||
         ec == beast::error::timeout || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::error::not_connected ||
         ec == asio::ssl::error::stream_truncated;  // a TLS client that closed without close_notify (browsers do)
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
  const logging::ScopedRequestId scope(request.headers.Get("X-Request-Id").value_or(""));  // for the handler's logs
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

// A request on its way to a worker, with the body budget its body holds.
struct Job {
  HttpRequest request;
  BodyBudget::Reservation reservation;
  auth::Admission admission;
};

// Runs the router on the worker pool (after decoding a gzip body there) and completes on the
// caller's executor with the response; completes at once with 503 `overloaded` when the pool's
// queue is full. The job owns the request and its reservation and gives both back as soon as
// the handler returns.
template <typename CompletionToken>
auto AsyncDispatch(std::shared_ptr<SharedState> state, HttpRequest request, BodyBudget::Reservation reservation,
                   auth::Admission admission, CompletionToken&& token) {
  return asio::async_initiate<CompletionToken, void(HttpResponse)>(
      [](auto handler, std::shared_ptr<SharedState> state, HttpRequest request, BodyBudget::Reservation reservation,
         auth::Admission admission) {
        auto executor = asio::get_associated_executor(handler);
        // std::function needs a copyable job; the completion handler is move-only.
        auto shared_handler = std::make_shared<decltype(handler)>(std::move(handler));
        auto job = std::make_shared<Job>(Job{std::move(request), std::move(reservation), std::move(admission)});
        const bool queued = state->workers().TrySubmit([state, shared_handler, job, executor]() mutable {
          // A key not verified lately is hashed here, not on the I/O thread.
          std::optional<HttpResponse> refused =
              state->authenticator() != nullptr ? state->authenticator()->Verify(job->admission) : std::nullopt;
          if (!refused) refused = DecodeContentEncoding(job->request, state->max_body_bytes(), job->reservation);
          HttpResponse response = refused ? std::move(*refused) : SafeDispatch(state->router(), job->request);
          // The body is freed before the session hears back, and its bytes go back to the body
          // budget at once.
          job.reset();
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
      token, std::move(state), std::move(request), std::move(reservation), std::move(admission));
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
  // On every answer (docs/security.md, "Security headers"): no inline scripts, no framing.
  out.set("Content-Security-Policy", kContentSecurityPolicy);
  out.set(http::field::x_frame_options, "DENY");
  out.set("X-Content-Type-Options", "nosniff");
  out.set("Referrer-Policy", "no-referrer");
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

template <typename Stream>
asio::awaitable<bool> Write(Connection<Stream>& connection, http::response<http::string_body>&& response) {
  metrics::Registry::Global().CountResponse(static_cast<int>(response.result_int()));
  beast::error_code ec;
  connection.tcp().expires_after(kWriteTimeout);
  co_await http::async_write(connection.stream, response, asio::redirect_error(use_awaitable, ec));
  if (ec) Fail(ec, "write");
  co_return !ec;
}

// After an error answer sent while the client may still be sending its body: stop sending,
// read and discard what arrives for a little while, then let the caller close.
template <typename Stream>
asio::awaitable<void> DrainAndClose(Connection<Stream>& connection) {
  beast::error_code ec;
  connection.tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  connection.tcp().expires_after(kDrainTimeout);
  std::array<char, 64 * 1024> scratch;
  size_t drained = 0;
  while (drained < kMaxDrainBytes) {
    const size_t bytes = co_await connection.stream.async_read_some(asio::buffer(scratch),
                                                                    asio::redirect_error(use_awaitable, ec));
    if (ec) break;
    drained += bytes;
  }
  connection.tcp().socket().close(ec);
}

// Ends the sending side after a last answer: a TCP FIN, or over TLS first the close_notify alert
// (waiting at most kDrainTimeout for the client's, which many clients never send).
asio::awaitable<void> CloseSend(Connection<beast::tcp_stream>& connection) {
  beast::error_code ec;
  connection.tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  co_return;
}
asio::awaitable<void> CloseSend(Connection<TlsStream>& connection) {
  beast::error_code ec;
  connection.tcp().expires_after(kDrainTimeout);
  co_await connection.stream.async_shutdown(asio::redirect_error(use_awaitable, ec));
  connection.tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
}

// Reserves `bytes` of the body budget, waiting up to `wait` for room. The body is not read
// meanwhile, so the client is held back by TCP flow control. Polls: a release anywhere may make
// room, and a short timer needs no cross-thread wake-ups (which would race with shutdown).
asio::awaitable<bool> ReserveBody(BodyBudget::Reservation& reservation, size_t bytes, std::chrono::milliseconds wait) {
  if (reservation.GrowTo(bytes)) co_return true;
  const auto deadline = std::chrono::steady_clock::now() + wait;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (std::chrono::steady_clock::now() < deadline) {
    timer.expires_after(std::min<std::chrono::steady_clock::duration>(kBudgetPoll, deadline - std::chrono::steady_clock::now()));
    beast::error_code ec;
    co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
    if (ec) co_return false;  // shutting down
    if (reservation.GrowTo(bytes)) co_return true;
  }
  co_return false;
}

// Reads the rest of a request whose header is parsed, growing `reservation` to the body buffer's
// capacity as bytes arrive: a no-op for a Content-Length body (reserved before the first body
// byte, and Beast allocates exactly that), a step at a time for a chunked one. Returns false,
// leaving the request unread, when the body budget refuses a step; `ec` reports read errors.
//
// A Content-Length body is read straight into the body string, past the parser: the bytes
// already buffered with the header are copied, the rest is read in one composed read whose every
// recv fills as much of the body as the socket holds. Through the parser every recv would be at
// most 64 KiB into the flat buffer, then copied again, each with its own timer and strand round
// trip — a large share of the CPU of a multi-megabyte ingest batch. The read keeps the stream's
// deadline; a client that closes mid-body ends the connection unanswered, as before.
template <typename Stream>
asio::awaitable<bool> ReadBody(Connection<Stream>& connection, beast::flat_buffer& buffer,
                               http::request_parser<http::string_body>& parser,
                               BodyBudget::Reservation& reservation, beast::error_code& ec) {
  const boost::optional<std::uint64_t> length = parser.content_length();
  if (length && *length > 0 && !parser.chunked() && !parser.is_done() &&
      *length <= parser.get().body().max_size()) {
    std::string& body = parser.get().body();
    body.resize(static_cast<size_t>(*length));
    if (!reservation.GrowTo(body.capacity())) co_return false;
    const size_t buffered = std::min(buffer.size(), body.size());
    asio::buffer_copy(asio::buffer(body.data(), buffered), buffer.data());
    buffer.consume(buffered);
    if (buffered < body.size()) {
      co_await asio::async_read(connection.stream, asio::buffer(body.data() + buffered, body.size() - buffered),
                                asio::redirect_error(use_awaitable, ec));
    }
    co_return true;
  }
  while (!parser.is_done()) {
    co_await http::async_read_some(connection.stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
    if (ec) co_return true;
    if (!reservation.GrowTo(parser.get().body().capacity())) co_return false;
  }
  co_return true;
}

// Gives a Content-Length body kDecodePadding spare bytes of capacity before Beast allocates it
// (Beast only reserve()s the length, a no-op then), so that the events handler decodes the body
// in place instead of copying it into a padded buffer. Only when the body budget has room for the
// padding too: otherwise the body is read as before and the handler copies it.
void ReserveDecodePadding(http::request_parser<http::string_body>& parser, BodyBudget::Reservation& reservation) {
  const boost::optional<std::uint64_t> length = parser.content_length();
  if (!length || *length == 0 || *length > parser.get().body().max_size() - ingest::kDecodePadding) return;
  const size_t padded = static_cast<size_t>(*length) + ingest::kDecodePadding;
  if (!reservation.GrowTo(padded)) return;
  std::string& body = parser.get().body();
  body.reserve(padded);
  // The allocator may round a tiny request up; keep the budget equal to what is held.
  if (!reservation.GrowTo(body.capacity())) std::string().swap(body);
}

// Load shedding is routine under overload and can happen thousands of times a second: one
// warning per second says how often, the rest is debug.
void LogShed(const BodyBudget& budget) {
  static std::atomic<int64_t> last_warning_s{0};
  static std::atomic<uint64_t> shed_since_warning{0};
  metrics::Registry::Global().CountShed();
  const uint64_t shed = shed_since_warning.fetch_add(1, std::memory_order_relaxed) + 1;
  const int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::steady_clock::now().time_since_epoch()).count();
  int64_t last = last_warning_s.load(std::memory_order_relaxed);
  if (now_s > last && last_warning_s.compare_exchange_strong(last, now_s, std::memory_order_relaxed)) {
    shed_since_warning.fetch_sub(shed, std::memory_order_relaxed);
    spdlog::warn("overloaded: {} request(s) refused 503 since the last warning; {} of {} body bytes in flight",
                 shed, budget.in_use(), budget.limit());
  }
}

HttpResponse OverBudgetResponse(const BodyBudget& budget) {
  return ErrorResponse(Status::Overloaded(
      "the server is holding " + std::to_string(budget.in_use() >> 20) + " MiB of request bodies (limit " +
      std::to_string(budget.limit() >> 20) + " MiB); retry shortly"));
}

void LogRequest(std::string_view method, std::string_view path, int status, size_t bytes,
                std::chrono::steady_clock::time_point start, std::string_view request_id) {
  const logging::ScopedRequestId scope(request_id);
  const double elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (status >= 500) {
    spdlog::warn("{} {} {} {}B {:.1f}ms", method, path, status, bytes, elapsed_ms);
  } else {
    spdlog::debug("{} {} {} {}B {:.1f}ms", method, path, status, bytes, elapsed_ms);
  }
}

// The authenticator's cheap check of a request whose header has arrived (before its body is
// read): a refusal (401/403/429), or nullopt with `admission` set. Requests for a Host this
// server does not answer are left to the host policy's 403 after the body.
std::optional<HttpResponse> Admit(const SharedState& state, const http::request_header<>& header, std::string_view peer,
                                  auth::Admission& admission) {
  auth::Authenticator* authenticator = state.authenticator();
  if (authenticator == nullptr) return std::nullopt;
  const auto value = [&header](http::field field) -> std::optional<std::string_view> {
    const auto found = header.find(field);
    if (found == header.end()) return std::nullopt;
    return std::string_view(found->value().data(), found->value().size());
  };
  HttpRequest probe;
  for (http::field field : {http::field::host, http::field::origin}) {
    if (auto text = value(field)) probe.headers.Add(std::string(to_string(field)), std::string(*text));
  }
  if (state.host_policy().Check(probe)) return std::nullopt;
  const auto target = header.target();
  const std::optional<ParsedTarget> parsed = ParseTarget(std::string_view(target.data(), target.size()));
  if (!parsed) return std::nullopt;  // answered 400 after the body
  const auto key = header.find("X-MLtrack-Key");
  const auth::Credentials credentials{
      value(http::field::authorization),
      key == header.end() ? std::nullopt : std::optional(std::string_view(key->value().data(), key->value().size())),
      value(http::field::cookie), value(http::field::origin), peer};
  const auto method = header.method_string();
  std::variant<HttpResponse, auth::Admission> admitted =
      authenticator->Admit(std::string_view(method.data(), method.size()), parsed->path, credentials);
  if (HttpResponse* refused = std::get_if<HttpResponse>(&admitted)) return std::move(*refused);
  admission = std::move(std::get<auth::Admission>(admitted));
  return std::nullopt;
}

// Serves requests until the connection should close.
template <typename Stream>
asio::awaitable<void> ServeConnection(Connection<Stream>& connection, std::shared_ptr<SharedState> state,
                                      beast::flat_buffer buffer) {
  beast::error_code peer_ec;
  const std::string peer = connection.tcp().socket().remote_endpoint(peer_ec).address().to_string();  // rate limits
  for (;;) {
    if (state->stopping()) co_return;
    http::request_parser<http::string_body> parser;
    parser.body_limit(state->max_body_bytes());
    beast::error_code ec;
    // Held until the handler's answer is back (the worker frees the body before that).
    BodyBudget::Reservation reservation = state->body_budget().Reserve();
    bool fits = true;
    auth::Admission admission;  // filled once the header is read

    connection.reading = true;
    connection.tcp().expires_after(state->read_timeout());
    co_await http::async_read_header(connection.stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
    if (!ec) {
      const auto& header = parser.get();
      const auto transfer_encoding = header.find(http::field::transfer_encoding);
      std::optional<HttpResponse> refused = CheckTransferCoding(
          transfer_encoding == header.end() ? std::nullopt
                                            : std::optional<std::string_view>(std::string_view(
                                                  transfer_encoding->value().data(), transfer_encoding->value().size())),
          header.find(http::field::content_length) != header.end());
      if (!refused) refused = Admit(*state, header, peer, admission);
      if (refused) {
        // The body's end is unknown (or unwanted): answer, then drain and close.
        connection.reading = false;
        if (co_await Write(connection, ToBeastResponse(std::move(*refused), header.version(), false, false))) {
          co_await DrainAndClose(connection);
        }
        co_return;
      }
    }
    if (!ec) {
      // Beast allocates the body on its first byte, after this: refuse before anything is buffered.
      fits = co_await ReserveBody(reservation, parser.content_length().value_or(0), state->body_budget_wait());
      if (fits) ReserveDecodePadding(parser, reservation);
      const auto& header = parser.get();
      if (fits && beast::iequals(header[http::field::expect], "100-continue")) {
        http::response<http::empty_body> go_on{http::status::continue_, header.version()};
        co_await http::async_write(connection.stream, go_on, asio::redirect_error(use_awaitable, ec));
      }
    }
    if (!ec && fits) fits = co_await ReadBody(connection, buffer, parser, reservation, ec);
    connection.reading = false;
    const auto start = std::chrono::steady_clock::now();

    if (!fits) {
      // The client may be sending its body: answer, then drain and close (the request is unread).
      // What was read of it is dropped and its bytes go back to the budget now, not after the
      // drain, which may take seconds while other requests wait for room.
      const unsigned version = parser.get().version();
      std::string().swap(parser.get().body());
      reservation.Release();
      LogShed(state->body_budget());
      if (co_await Write(connection, ToBeastResponse(OverBudgetResponse(state->body_budget()), version, false, false))) {
        co_await DrainAndClose(connection);
      }
      co_return;
    }

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
    if (ec == http::error::header_limit) {
      // Over Beast's 8 KiB for the request line and header fields: 431, then close.
      Fail(ec, "parse");
      // Built before the co_await: GCC 12 mishandles initializer lists inside one.
      HttpResponse error = JsonError(431, "header_too_large", "the request header is over the limit of 8192 bytes",
                                     {ErrorDetail{-1, "header", "over 8192 bytes"}});
      co_await Write(connection, ToBeastResponse(std::move(error), 11, false, false));
      co_await DrainAndClose(connection);
      co_return;
    }
    if (ec && ec != http::error::partial_message &&
        ec.category() == http::make_error_code(http::error::bad_target).category()) {
      // The bytes are not HTTP we can parse: answer 400 and close.
      Fail(ec, "parse");
      std::vector<ErrorDetail> details;
      if (ec == http::error::bad_content_length) details.push_back({-1, "Content-Length", ec.message()});
      if (ec == http::error::bad_transfer_encoding) details.push_back({-1, "Transfer-Encoding", ec.message()});
      co_await Write(connection,
                     ToBeastResponse(JsonError(400, "bad_request", "malformed HTTP request: " + ec.message(), details),
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
    std::string request_id;  // X-Request-Id: the client's when usable, else a new one; echoed
    if (!target) {
      path = std::string(beast_request.target());
      response = JsonError(400, "bad_request", "malformed request target",
                           {ErrorDetail{-1, "target", "not an absolute path with valid %-escapes"}});
    } else {
      path = target->path;
      HttpRequest request = ToHttpRequest(std::move(beast_request), std::move(*target));
      request_id = logging::RequestIdFor(request.headers.Get("X-Request-Id").value_or(""));
      request.headers.Set("X-Request-Id", request_id);
      const WebSocketHandler* socket_handler = state->router().WebSocketFor(request.path);
      if (std::optional<HttpResponse> refused = state->host_policy().Check(request)) {
        response = std::move(*refused);
      } else if (socket_handler != nullptr && boost::beast::websocket::is_upgrade(beast_request)) {
        reservation.Release();
        if (!admission.verified) {  // rare (a key's first use); bounded per key id by the authenticator
          if (std::optional<HttpResponse> refused = state->authenticator()->Verify(admission)) {
            LogRequest(method, path, refused->status, refused->body.size(), start, request_id);
            co_await Write(connection, ToBeastResponse(std::move(*refused), version, false, false));
            co_return;
          }
        }
        // Named, not temporaries of the co_await expression: GCC 12 may destroy those twice.
        const WebSocketLimits limits;
        std::function<void(std::function<void()>)> on_stop = [&connection, state](std::function<void()> stop) {
          if (stop && state->stopping()) stop();
          connection.stop_websocket = std::move(stop);
        };
        connection.upgraded = true;
        co_await RunWebSocket(connection.stream, std::move(beast_request), request, *socket_handler, limits,
                              std::move(on_stop));
        co_return;
      } else if (state->router().RunsInline(request)) {
        response = SafeDispatch(state->router(), request);
      } else {
        response = co_await AsyncDispatch(state, std::move(request), std::move(reservation), std::move(admission),
                                          use_awaitable);
      }
    }
    reservation.Release();
    if (state->stopping()) keep_alive = false;
    if (response.stream) {  // an answer produced in pieces after the handler returned (the proxy)
      const StreamedOutcome streamed =
          co_await WriteStreamedResponse(connection.stream, std::move(response.stream), version, keep_alive);
      metrics::Registry::Global().CountResponse(streamed.status);
      LogRequest(method, path, streamed.status, streamed.bytes, start, request_id);
      if (streamed.reusable) continue;
      co_await CloseSend(connection);
      co_return;
    }
    LogRequest(method, path, response.status, response.body.size(), start, request_id);
    if (!request_id.empty()) response.headers.emplace_back("X-Request-Id", request_id);
    if (!co_await Write(connection, ToBeastResponse(std::move(response), version, keep_alive, head))) co_return;
    if (!keep_alive) {
      co_await CloseSend(connection);
      co_return;
    }
  }
}

// Serves `connection` from joining the server's connection set to closing the socket; `begin`
// first runs on it (the TLS handshake) and says whether to serve.
template <typename Stream, typename Begin>
asio::awaitable<void> RunSession(std::shared_ptr<Connection<Stream>> connection, std::shared_ptr<SharedState> state,
                                 Begin begin) {
  const auto executor = connection->stream.get_executor();
  std::weak_ptr<Connection<Stream>> weak = connection;
  const uint64_t id = state->Join([executor, weak] {
    asio::post(executor, [weak] {
      auto alive = weak.lock();
      if (!alive) return;
      if (alive->reading) {
        alive->tcp().cancel();
      } else if (alive->stop_websocket) {
        alive->stop_websocket();
      }
    });
  });
  try {
    beast::flat_buffer buffer;
    if (co_await begin(*connection, buffer)) co_await ServeConnection(*connection, state, std::move(buffer));
  } catch (const std::exception& e) {
    spdlog::warn("http session: {}", e.what());
  }
  beast::error_code ec;
  if (!connection->upgraded) connection->tcp().socket().close(ec);
  state->Leave(id);
}

// The answer to plain HTTP on the TLS port, written unencrypted: the client sees why at once.
constexpr std::string_view kPlainHttpOnTls =
    "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: 132\r\n\r\n"
    "{\"error\":{\"code\":\"tls_required\",\"message\":\"this server speaks HTTPS only: use https:// (or wss://) "
    "for this address\",\"details\":[]}}\n";

// Before serving a TLS connection: plain HTTP is answered kPlainHttpOnTls and closed; TLS gets the
// handshake (within the read timeout). True when the connection is ready for requests.
asio::awaitable<bool> BeginTls(Connection<TlsStream>& connection, beast::flat_buffer& buffer,
                               const SharedState& state) {
  beast::error_code ec;
  connection.reading = true;
  connection.tcp().expires_after(state.read_timeout());
  const bool tls = co_await beast::async_detect_ssl(connection.tcp(), buffer, asio::redirect_error(use_awaitable, ec));
  if (!ec && !tls) {
    connection.reading = false;
    spdlog::debug("http: plain HTTP on the TLS port; answered 400 tls_required");
    static_assert(kPlainHttpOnTls.size() - kPlainHttpOnTls.find("\r\n\r\n") - 4 == 132);
    connection.tcp().expires_after(kWriteTimeout);
    co_await asio::async_write(connection.tcp(), asio::buffer(kPlainHttpOnTls), asio::redirect_error(use_awaitable, ec));
    if (!ec) co_await DrainAndClose(connection);
    co_return false;
  }
  if (!ec) {
    const size_t used = co_await connection.stream.async_handshake(asio::ssl::stream_base::server, buffer.data(),
                                                                   asio::redirect_error(use_awaitable, ec));
    buffer.consume(used);
  }
  connection.reading = false;
  if (ec) {  // a scanner, a client that refused the certificate: routine, not a warning
    spdlog::debug("http tls handshake: {}", ec.message());
    co_return false;
  }
  co_return true;
}

}  // namespace

// The `begin` functions are named, not temporaries of the co_await expression: GCC 12 destroys
// such a temporary twice (for the TLS one: a shared_ptr<SharedState> released twice).
asio::awaitable<void> RunHttpSession(asio::ip::tcp::socket socket, std::shared_ptr<SharedState> state) {
  auto connection = std::make_shared<Connection<beast::tcp_stream>>(std::move(socket));
  auto begin = [](Connection<beast::tcp_stream>&, beast::flat_buffer&) -> asio::awaitable<bool> { co_return true; };
  co_await RunSession(std::move(connection), std::move(state), std::move(begin));
}

asio::awaitable<void> RunHttpsSession(asio::ip::tcp::socket socket, std::shared_ptr<SharedState> state) {
  auto connection = std::make_shared<Connection<TlsStream>>(std::move(socket), *state->tls()->context());
  SharedState* shared = state.get();  // RunSession holds `state` as long as `begin` can run
  auto begin = [shared](Connection<TlsStream>& tls, beast::flat_buffer& buffer) { return BeginTls(tls, buffer, *shared); };
  co_await RunSession(std::move(connection), std::move(state), std::move(begin));
}

}  // namespace mltrack::server
