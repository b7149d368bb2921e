#pragma once
// Internal to the proxy: one call, from the cache lookup to the recorded event. Runs as a
// coroutine on the proxy's I/O thread; Cancel may be posted to it from anywhere.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "proxy/call_outcome.h"
#include "proxy/proxy_context.h"
#include "proxy/usage_reader.h"

namespace mltrack::proxy {

class CallExchange : public std::enable_shared_from_this<CallExchange> {
 public:
  CallExchange(ProxyContext& context, PreparedCall call, std::shared_ptr<Responder> responder);

  // The whole call. Ends by answering the client (or aborting its response) and recording the
  // event, whatever happens.
  boost::asio::awaitable<void> Run();

  // Stops the call: the upstream connection is closed and the outcome's failure is `reason`.
  // I/O thread only.
  void Cancel(std::string reason);

 private:
  // How an attempt on one connection ended.
  enum class Step { kDone, kRetry, kFailedBeforeHead, kFailedAfterHead };

  bool ServeFromCache();
  boost::asio::awaitable<void> Forward();
  template <class Stream>
  boost::asio::awaitable<Step> Transfer(Stream& stream, UpstreamConnection& connection);
  boost::asio::awaitable<void> WaitForRoom();

  void OnHead(int status, std::string content_type, Responder::Headers headers);
  void OnPiece(std::string_view piece);
  // Answers the client with an error of ours (no upstream head came): 502 or 504.
  void RespondError(int status, std::string_view code, const std::string& message);
  void Finish();

  ProxyContext& context_;
  PreparedCall call_;
  std::shared_ptr<Responder> responder_;
  boost::beast::http::request<boost::beast::http::string_body> request_;
  UpstreamConnection* connection_ = nullptr;  // the one in use, for Cancel
  std::string cancelled_;                     // why, once cancelled
  std::string failure_message_;               // the I/O error that ended the exchange
  CallOutcome outcome_;
  std::optional<SseUsageReader> sse_;
  std::string kept_body_;  // for usage (a JSON body) and the cache
  bool keep_body_ = true;
  bool cacheable_ = false;  // a successful response to a call with X-MLtrack-Cache: on
  std::string content_type_;
  Responder::Headers head_headers_;
};

}  // namespace mltrack::proxy
