#include "proxy/call_exchange.h"

#include <array>
#include <limits>
#include <vector>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <spdlog/spdlog.h>

#include "core/json_writer.h"
#include "proxy/http_fields.h"

namespace mltrack::proxy {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::use_awaitable;

constexpr size_t kReadBuffer = 64 * 1024;
// A client that reads slower than the upstream sends: stop reading the upstream above this many
// unsent bytes, go on below the low mark.
constexpr size_t kHighWater = 1u << 20;
constexpr size_t kLowWater = 256u << 10;
// The most of a response kept for its usage (a JSON body) or for the cache.
constexpr size_t kMaxKeptBody = 16u << 20;

std::string ErrorBody(std::string_view code, const std::string& message) {
  JsonWriter json;
  json.BeginObject();
  json.Key("error");
  json.BeginObject();
  json.Key("code");
  json.String(code);
  json.Key("message");
  json.String(message);
  json.Key("type");
  json.String("mltrack_proxy_error");
  json.Key("details");
  json.BeginArray();
  json.EndArray();
  json.EndObject();
  json.EndObject();
  return std::move(json).Take();
}

bool IsTimeout(const beast::error_code& ec) { return ec == beast::error::timeout; }

}  // namespace

CallExchange::CallExchange(ProxyContext& context, PreparedCall call, std::shared_ptr<Responder> responder)
    : context_(context), call_(std::move(call)), responder_(std::move(responder)) {
  request_.method(http::verb::post);
  request_.target(call_.target);
  request_.version(11);
  for (auto& [name, value] : call_.headers) request_.insert(name, value);
  request_.set(http::field::host, call_.provider->upstream.HostHeader());
  // Usage is read from the response as it passes: it must not be compressed.
  request_.set(http::field::accept_encoding, "identity");
  request_.keep_alive(true);
  request_.body() = std::move(call_.body);
  request_.prepare_payload();
  call_.headers.clear();  // the credentials live on only in the request being sent
}

asio::awaitable<void> CallExchange::Run() {
  auto self = shared_from_this();
  ++context_.calls;
  if (!ServeFromCache()) {
    std::weak_ptr<CallExchange> weak = self;
    responder_->OnClientGone([weak, &io = context_.io] {
      asio::post(io, [weak] {
        if (auto exchange = weak.lock()) exchange->Cancel("client_disconnected");
      });
    });
    try {
      co_await Forward();
    } catch (const std::exception& e) {  // from a library: the answer must still end
      spdlog::warn("proxy: call to {} failed: {}", call_.provider->name, e.what());
      outcome_.failure = "proxy_error";
      responder_->Abort();
    }
  }
  Finish();
}

bool CallExchange::ServeFromCache() {
  if (call_.cache_key.empty()) return false;
  std::shared_ptr<const CachedResponse> hit = context_.cache.Get(call_.cache_key);
  if (!hit) return false;
  ++context_.cache_hits;
  Responder::Headers headers = hit->headers;
  headers.emplace_back("X-MLtrack-Cache", "HIT");
  responder_->Start(hit->status, hit->content_type, std::move(headers));
  responder_->Write(hit->body);
  responder_->Finish();
  outcome_.upstream_status = hit->status;
  outcome_.usage = hit->usage;
  outcome_.streaming = hit->streaming;
  outcome_.cache_hit = true;
  outcome_.first_byte = std::chrono::steady_clock::now();
  return true;
}

void CallExchange::Cancel(std::string reason) {
  if (!cancelled_.empty()) return;
  cancelled_ = std::move(reason);
  if (connection_ != nullptr) {
    beast::error_code ignored;
    connection_->lowest().socket().close(ignored);  // pending reads and writes end at once
  }
}

asio::awaitable<void> CallExchange::Forward() {
  const Upstream& upstream = call_.provider->upstream;
  const std::chrono::seconds timeout = context_.options.timeout;
  for (int attempt = 0; attempt < 2; ++attempt) {
    ConnectError connect_error;
    std::unique_ptr<UpstreamConnection> connection =
        co_await context_.pool.Acquire(upstream, timeout, connect_error, /*fresh=*/attempt > 0);
    if (!cancelled_.empty()) {
      outcome_.failure = cancelled_;
      responder_->Abort();
      co_return;
    }
    if (!connection) {
      const bool timed_out = connect_error.error_type == "timeout";
      outcome_.failure = connect_error.error_type;
      RespondError(timed_out ? 504 : 502, timed_out ? "upstream_timeout" : "upstream_unreachable",
                   connect_error.message);
      co_return;
    }
    connection_ = connection.get();
    const Step step = connection->tls ? co_await Transfer(*connection->tls, *connection)
                                      : co_await Transfer(*connection->plain, *connection);
    connection_ = nullptr;
    if (step == Step::kRetry && attempt == 0 && cancelled_.empty()) continue;  // a stale pooled connection
    if (step == Step::kDone) {
      responder_->Finish();
      if (connection->lowest().socket().is_open()) context_.pool.Release(std::move(connection));
    } else if (step == Step::kFailedBeforeHead && cancelled_.empty()) {
      const bool timed_out = outcome_.failure == "timeout";
      RespondError(timed_out ? 504 : 502, timed_out ? "upstream_timeout" : "upstream_unreachable",
                   "the upstream " + upstream.HostHeader() + " did not answer: " + failure_message_);
    } else {
      responder_->Abort();
    }
    co_return;
  }
}

template <class Stream>
asio::awaitable<CallExchange::Step> CallExchange::Transfer(Stream& stream, UpstreamConnection& connection) {
  const std::chrono::seconds timeout = context_.options.timeout;
  beast::tcp_stream& lowest = connection.lowest();
  beast::error_code ec;
  auto failed = [&](bool head_seen) {
    failure_message_ = ec.message();
    if (!cancelled_.empty()) {
      outcome_.failure = cancelled_;
    } else if (IsTimeout(ec)) {
      outcome_.failure = "timeout";
    } else {
      outcome_.failure = head_seen ? "upstream_stream_broken" : "upstream_unreachable";
    }
    return head_seen ? Step::kFailedAfterHead : Step::kFailedBeforeHead;
  };

  lowest.expires_after(timeout);
  co_await http::async_write(stream, request_, asio::redirect_error(use_awaitable, ec));
  // A pooled connection the upstream closed while idle fails here or at the head: try a new one.
  if (ec && connection.reused && cancelled_.empty() && !IsTimeout(ec)) co_return Step::kRetry;
  if (ec) co_return failed(false);

  http::response_parser<http::buffer_body> parser;
  // Unlimited; not boost::none, which Beast 1.74 compares as smaller than any Content-Length.
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  parser.header_limit(64 * 1024);
  lowest.expires_after(timeout);
  co_await http::async_read_header(stream, connection.buffer, parser, asio::redirect_error(use_awaitable, ec));
  if (ec && connection.reused && cancelled_.empty() && !IsTimeout(ec) && connection.buffer.size() == 0) {
    co_return Step::kRetry;
  }
  if (ec) co_return failed(false);

  Responder::Headers headers;
  for (const auto& field : parser.get()) {
    const std::string_view name(field.name_string().data(), field.name_string().size());
    if (IsDroppedResponseField(name) || EqualsIgnoreCase(name, "content-type")) continue;
    headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  OnHead(static_cast<int>(parser.get().result_int()), std::string(parser.get()[http::field::content_type]),
         std::move(headers));

  std::vector<char> buffer(kReadBuffer);
  while (!parser.is_done()) {
    parser.get().body().data = buffer.data();
    parser.get().body().size = buffer.size();
    lowest.expires_after(timeout);
    co_await http::async_read_some(stream, connection.buffer, parser, asio::redirect_error(use_awaitable, ec));
    if (ec == http::error::need_buffer) ec = {};
    const size_t bytes = buffer.size() - parser.get().body().size;
    if (bytes > 0) OnPiece(std::string_view(buffer.data(), bytes));
    if (ec || !cancelled_.empty()) co_return failed(true);
    if (responder_->pending_bytes() >= kHighWater) co_await WaitForRoom();
    if (!cancelled_.empty()) co_return failed(true);
  }
  if (!parser.get().keep_alive()) lowest.socket().close(ec);
  co_return Step::kDone;
}

asio::awaitable<void> CallExchange::WaitForRoom() {
  auto room = std::make_shared<asio::steady_timer>(context_.io, asio::steady_timer::time_point::max());
  responder_->WhenBelow(kLowWater, [room, &io = context_.io] { asio::post(io, [room] { room->cancel(); }); });
  beast::error_code ec;
  co_await room->async_wait(asio::redirect_error(use_awaitable, ec));
}

void CallExchange::OnHead(int status, std::string content_type, Responder::Headers headers) {
  outcome_.upstream_status = status;
  outcome_.streaming = std::string_view(content_type).starts_with("text/event-stream");
  if (outcome_.streaming) sse_.emplace(call_.provider->dialect);
  cacheable_ = !call_.cache_key.empty() && status >= 200 && status < 300;
  keep_body_ = !outcome_.streaming || cacheable_;
  content_type_ = content_type;
  if (cacheable_) {
    for (const auto& [name, value] : headers) {
      if (!EqualsIgnoreCase(name, "set-cookie")) head_headers_.emplace_back(name, value);
    }
  }
  if (!call_.cache_key.empty()) headers.emplace_back("X-MLtrack-Cache", "MISS");
  responder_->Start(status, std::move(content_type), std::move(headers));
}

void CallExchange::OnPiece(std::string_view piece) {
  if (!outcome_.first_byte) outcome_.first_byte = std::chrono::steady_clock::now();
  if (sse_) sse_->Feed(piece);
  if (keep_body_) {
    if (kept_body_.size() + piece.size() <= kMaxKeptBody) {
      kept_body_.append(piece);
    } else {
      keep_body_ = false;
      cacheable_ = false;
      kept_body_.clear();
    }
  }
  responder_->Write(std::string(piece));
}

void CallExchange::RespondError(int status, std::string_view code, const std::string& message) {
  outcome_.client_status = status;
  responder_->Start(status, "application/json", {});
  responder_->Write(ErrorBody(code, message));
  responder_->Finish();
}

void CallExchange::Finish() {
  outcome_.ended = std::chrono::steady_clock::now();
  if (sse_) {
    sse_->Finish();
    outcome_.usage = sse_->usage();
  } else if (!outcome_.cache_hit && keep_body_ && !kept_body_.empty()) {
    outcome_.usage = ReadResponseUsage(call_.provider->dialect, kept_body_);
  }
  if (cacheable_ && outcome_.failure.empty() && outcome_.usage.error_type.empty()) {
    CachedResponse cached;
    cached.status = *outcome_.upstream_status;
    cached.content_type = content_type_;
    cached.headers = std::move(head_headers_);
    cached.body = std::move(kept_body_);
    cached.usage = outcome_.usage;
    cached.streaming = outcome_.streaming;
    context_.cache.Put(call_.cache_key, std::move(cached), call_.labels.cache_ttl.value_or(context_.options.cache_ttl));
  }
  context_.recorder.Record(CallEvent(call_, outcome_));
}

}  // namespace mltrack::proxy
