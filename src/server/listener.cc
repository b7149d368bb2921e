#include "server/listener.h"

#include <chrono>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "server/http_session.h"
#include "server/shared_state.h"

namespace mltrack::server {

namespace asio = boost::asio;

namespace {

void Fail(const boost::system::error_code& ec, const char* what) {
  if (ec == asio::error::operation_aborted) return;
  spdlog::warn("listener {}: {}", what, ec.message());
}

}  // namespace

asio::awaitable<void> RunListener(asio::ip::tcp::acceptor& acceptor, std::shared_ptr<SharedState> state) {
  // Sessions need a strand of the io_context itself, not of the listener's strand.
  auto& context = static_cast<asio::io_context&>(acceptor.get_executor().context());
  for (;;) {
    boost::system::error_code ec;
    asio::ip::tcp::socket socket =
        co_await acceptor.async_accept(asio::make_strand(context), asio::redirect_error(asio::use_awaitable, ec));
    if (!acceptor.is_open() || ec == asio::error::operation_aborted) co_return;
    if (ec) {
      Fail(ec, "accept");
      // EMFILE and friends: wait for connections to close rather than spin on the error.
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(100));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    if (state->stopping()) continue;  // the socket closes as it goes out of scope
    if (state->max_connections() != 0 && state->connections() >= state->max_connections()) {
      // Over --max-connections: a short answer into the empty send buffer (never blocks), then close.
      static constexpr std::string_view kFull =
          "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
          "Connection: close\r\nContent-Length: 98\r\n\r\n"
          "{\"error\":{\"code\":\"overloaded\",\"message\":\"too many open connections; retry shortly\",\"details\":[]}}\n";
      asio::write(socket, asio::buffer(kFull), ec);
      socket.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
      continue;
    }
    auto executor = socket.get_executor();
    if (state->tls() != nullptr) {
      asio::co_spawn(executor, RunHttpsSession(std::move(socket), state), asio::detached);
    } else {
      asio::co_spawn(executor, RunHttpSession(std::move(socket), state), asio::detached);
    }
  }
}

}  // namespace mltrack::server
