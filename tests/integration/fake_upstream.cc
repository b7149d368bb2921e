#include "fake_upstream.h"

#include <atomic>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

namespace mltrack::integration {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct FakeUpstream::Impl {
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::atomic<bool> stopping{false};
  uint16_t port = 0;
  std::thread accept_thread;
  mutable std::mutex mutex;
  std::deque<Reply> replies;
  std::vector<Received> received;
  std::vector<std::chrono::steady_clock::time_point> piece_times;
  std::vector<std::shared_ptr<tcp::socket>> sockets;
  std::vector<std::thread> connection_threads;

  Reply Next() {
    std::lock_guard lock(mutex);
    if (replies.empty()) return Reply{200, "application/json", {ChatCompletionJson("gpt-4o-mini-2024-07-18", 10, 5)}};
    Reply reply = std::move(replies.front());
    replies.pop_front();
    return reply;
  }

  void Serve(std::shared_ptr<tcp::socket> socket) {
    beast::flat_buffer buffer;
    beast::error_code ec;
    while (!stopping) {
      http::request<http::string_body> request;
      http::read(*socket, buffer, request, ec);
      if (ec) return;
      Received got;
      got.target = std::string(request.target());
      got.body = request.body();
      for (const auto& field : request) {
        std::string name(field.name_string());
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        got.headers[name] = std::string(field.value());
      }
      {
        std::lock_guard lock(mutex);
        received.push_back(std::move(got));
      }
      Reply reply = Next();
      if (reply.close_instead) return;
      std::this_thread::sleep_for(reply.before_head);
      if (reply.pieces.size() <= 1 && reply.gap.count() == 0) {
        http::response<http::string_body> response{static_cast<http::status>(reply.status), 11};
        response.set(http::field::content_type, reply.content_type);
        response.set("x-request-id", "req_fake");
        response.body() = reply.pieces.empty() ? "" : reply.pieces[0];
        response.prepare_payload();
        http::write(*socket, response, ec);
        if (ec) return;
        continue;
      }
      http::response<http::empty_body> head{static_cast<http::status>(reply.status), 11};
      head.set(http::field::content_type, reply.content_type);
      head.chunked(true);
      http::response_serializer<http::empty_body> serializer{head};
      http::write_header(*socket, serializer, ec);
      if (ec) return;
      {
        std::lock_guard lock(mutex);
        piece_times.clear();
      }
      for (size_t piece_idx = 0; piece_idx < reply.pieces.size(); ++piece_idx) {
        if (piece_idx > 0) std::this_thread::sleep_for(reply.gap);
        asio::write(*socket, http::make_chunk(asio::buffer(reply.pieces[piece_idx])), ec);
        {
          std::lock_guard lock(mutex);
          piece_times.push_back(std::chrono::steady_clock::now());
        }
        if (ec) return;
      }
      asio::write(*socket, http::make_chunk_last(), ec);
      if (ec) return;
    }
  }
};

FakeUpstream::FakeUpstream() : impl_(std::make_unique<Impl>()) {
  Impl& impl = *impl_;
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  impl.acceptor.open(endpoint.protocol());
  impl.acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl.acceptor.bind(endpoint);
  impl.acceptor.listen();
  impl.port = impl.acceptor.local_endpoint().port();
  impl.accept_thread = std::thread([&impl] {
    while (!impl.stopping) {
      auto socket = std::make_shared<tcp::socket>(impl.io);
      beast::error_code ec;
      impl.acceptor.accept(*socket, ec);
      if (ec || impl.stopping) return;
      std::lock_guard lock(impl.mutex);
      impl.sockets.push_back(socket);
      impl.connection_threads.emplace_back([&impl, socket] { impl.Serve(socket); });
    }
  });
}

FakeUpstream::~FakeUpstream() {
  Impl& impl = *impl_;
  impl.stopping = true;
  beast::error_code ec;
  // A blocking accept() does not return when another thread closes the acceptor: connect to it.
  tcp::socket poke(impl.io);
  poke.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), impl.port), ec);
  impl.accept_thread.join();
  impl.acceptor.close(ec);
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(impl.mutex);
    for (auto& socket : impl.sockets) socket->shutdown(tcp::socket::shutdown_both, ec);
    threads.swap(impl.connection_threads);
  }
  for (std::thread& thread : threads) thread.join();
}

uint16_t FakeUpstream::port() const { return impl_->port; }

void FakeUpstream::Push(Reply reply) {
  std::lock_guard lock(impl_->mutex);
  impl_->replies.push_back(std::move(reply));
}

std::vector<FakeUpstream::Received> FakeUpstream::received() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->received;
}

std::vector<std::chrono::steady_clock::time_point> FakeUpstream::piece_times() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->piece_times;
}

std::string ChatCompletionJson(const std::string& model, int prompt_tokens, int completion_tokens) {
  return fmt::format(
      R"({{"id":"chatcmpl-1","object":"chat.completion","created":1731368630,"model":"{}","choices":[{{"index":0,)"
      R"("message":{{"role":"assistant","content":"This is a test."}},"finish_reason":"stop"}}],"usage":{{)"
      R"("prompt_tokens":{},"completion_tokens":{},"total_tokens":{}}}}})",
      model, prompt_tokens, completion_tokens, prompt_tokens + completion_tokens);
}

}  // namespace mltrack::integration
