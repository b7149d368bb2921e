#pragma once
// Runs one asynchronous Asio/Beast operation to its end on an io_context of its own and returns
// its error: the blocking style of a test client, with a timeout that fires. A beast::tcp_stream
// honours expires_after only in its asynchronous operations; a synchronous read or write ignores
// it and waits as long as the peer keeps the connection open (a stalled server hung the test).

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/error.hpp>

namespace mltrack::test_util {

// `start(done)` begins the operation with `done` as its completion handler; `io` must have no
// other work.
template <typename Start>
boost::beast::error_code RunToEnd(boost::asio::io_context& io, Start start) {
  boost::beast::error_code result;
  start([&result](boost::beast::error_code ec, auto&&...) { result = ec; });
  io.restart();
  io.run();
  return result;
}

}  // namespace mltrack::test_util
