// The harness's own clients give up after their timeout when a server accepts a connection and
// never answers. Their blocking Beast calls once ignored the timeout (a synchronous read waits as
// long as the connection stays open), so a stalled server hung the test until ctest killed it.

#include "http_client.h"

#include <chrono>
#include <future>

#include <gtest/gtest.h>

#include "stalled_listener.h"

namespace mltrack::integration {
namespace {

using std::chrono::seconds;
using std::chrono::steady_clock;

// Runs `call` against a server that never answers; it must come back within `limit`. If it does
// not, the listener is closed (resetting the connection) so that the test fails instead of hanging.
template <typename Call>
HttpResult CallAgainstStalledServer(Call call, seconds limit) {
  test_util::StalledListener server;
  auto answer = std::async(std::launch::async, [&] { return call(server.port()); });
  if (answer.wait_for(limit) != std::future_status::ready) {
    ADD_FAILURE() << "the client did not give up within " << limit.count() << " s";
    server.Close();
  }
  return answer.get();
}

TEST(HttpClientTest, GivesUpAtItsTimeoutWhenTheServerNeverAnswers) {
  const auto started = steady_clock::now();
  HttpResult result = CallAgainstStalledServer(
      [](uint16_t port) {
        HttpClient client(port, seconds(1));
        return client.Get("/api/health");
      },
      seconds(30));
  EXPECT_EQ(result.status, 0) << result.Describe();
  EXPECT_NE(result.error.find("timeout"), std::string::npos) << result.Describe();
  EXPECT_LT(steady_clock::now() - started, seconds(20));
}

TEST(HttpClientTest, RawExchangeGivesUpAtItsTimeoutWhenTheServerNeverAnswers) {
  HttpResult result = CallAgainstStalledServer(
      [](uint16_t port) { return RawHttpExchange(port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", seconds(1)); },
      seconds(30));
  EXPECT_EQ(result.status, 0) << result.Describe();
  EXPECT_NE(result.error.find("timeout"), std::string::npos) << result.Describe();
}

}  // namespace
}  // namespace mltrack::integration
