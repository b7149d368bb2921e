#pragma once

#include <memory>
#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace mltrack::server {

class SharedState;

// Accepts connections until `acceptor` is closed (on the acceptor's executor; the listener then
// returns), starting one HTTP session per connection on a strand of its own. Running out of
// file descriptors is logged and retried after a short pause instead of spinning.
boost::asio::awaitable<void> RunListener(boost::asio::ip::tcp::acceptor& acceptor,
                                         std::shared_ptr<SharedState> state);

}  // namespace mltrack::server
