// The in-process tests' TestClient (tests/support/test_http_client.h) throws at its timeout when
// a server accepts a connection and never answers. Its blocking Beast calls once ignored the
// timeout, so a stalled server hung the test until ctest killed it.

#include <chrono>
#include <future>

#include <gtest/gtest.h>

#include "stalled_listener.h"
#include "test_http_client.h"

namespace mltrack::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using std::chrono::seconds;

TEST(TestClientTest, ReceiveThrowsAtItsTimeoutWhenTheServerNeverAnswers) {
  ::mltrack::test_util::StalledListener server;
  auto outcome = std::async(std::launch::async, [port = server.port()] {
    test_util::TestClient client(port, seconds(1));
    client.Send(http::verb::get, "/api/health");
    try {
      client.Receive();
      return std::string("an answer");
    } catch (const beast::system_error& error) {
      return std::string(error.code() == beast::error::timeout ? "timeout" : error.what());
    }
  });
  if (outcome.wait_for(seconds(30)) != std::future_status::ready) {
    ADD_FAILURE() << "TestClient::Receive did not give up within 30 s";
    server.Close();  // resets the connection, so the read ends and the test does not hang
  }
  EXPECT_EQ(outcome.get(), "timeout");
}

}  // namespace
}  // namespace mltrack::server
