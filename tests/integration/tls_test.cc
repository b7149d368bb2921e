// HTTPS and WSS served directly (docs/operations.md, "TLS") through the real binary, with a
// self-signed certificate made at test time: requests and a live subscription over TLS, plain
// HTTP and a foreign client refused without hurting the server, a renewed certificate served
// without a restart, Secure session cookies, and bad certificate flags refused with exit code 2.
#include <signal.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "test_support.h"
#include "tls_client.h"

namespace mltrack::integration {
namespace {

class TlsTest : public IntegrationTest {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(temp_.path() / "tls");
    cert_ = MakeSelfSignedCertificate(temp_.path() / "tls");
  }
  void StartTls(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"--tls-cert", cert_.cert_file.string(), "--tls-key", cert_.key_file.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    StartServer(args);
  }
  HttpResult Https(const std::string& method, const std::string& target, const std::string& body = "",
                   const HeaderFields& headers = {}) {
    return HttpsRequest(server_->port(), cert_.cert_file, method, target, body, headers);
  }
  std::string Data() const { return (temp_.path() / "data").string(); }

  TestCertificate cert_;
};

TEST_F(TlsTest, ServesHttpsAndWss) {
  StartTls();
  const HttpResult health = Https("GET", "/api/health");
  ASSERT_EQ(health.status, 200) << health.Describe();
  EXPECT_FALSE(health.Header("content-security-policy").empty());  // the same session code answers

  const HttpResult ingested = Https("POST", "/api/v1/events", JsonArray({EventJson("tls-1"), EventJson("tls-2")}));
  ASSERT_EQ(ingested.status, 200) << ingested.Describe();
  EXPECT_EQ(ParseIngestAck(ingested.body)->accepted, 2);
  const HttpResult counted =
      Https("POST", "/api/v1/query", std::string(R"({"metrics":["count"],)") + kQueryRange + "}");
  ASSERT_EQ(counted.status, 200) << counted.Describe();
  std::string error;
  std::optional<QueryTable> table = ParseQueryTable(counted.body, &error);
  ASSERT_TRUE(table) << error;
  EXPECT_EQ(table->Cell(0, "count"), "2");

  std::optional<std::string> snapshot = WssFirstReply(
      server_->port(), cert_.cert_file, "/api/analytics/live",
      R"({"type":"subscribe","filters":{"from":"now-2h"},"events":10})", {}, error);
  ASSERT_TRUE(snapshot) << error << "\n" << server_->LogTail();
  EXPECT_NE(snapshot->find(R"("type":"snapshot")"), std::string::npos) << *snapshot;
  EXPECT_NE(snapshot->find(R"("id":"tls-1")"), std::string::npos) << *snapshot;
}

TEST_F(TlsTest, PlainHttpAndForeignClientsAreRefusedWithoutHurtingTheServer) {
  StartTls({"--read-timeout", "3s"});  // the handshake must finish within it
  // Plain HTTP on the TLS port: a readable 400, unencrypted, then the connection closes.
  const HttpResult plain = RawHttpExchange(server_->port(), "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_EQ(plain.status, 400) << plain.Describe();
  EXPECT_NE(plain.body.find("\"tls_required\""), std::string::npos) << plain.body;
  // A client that trusts another certificate gives up in the handshake.
  std::filesystem::create_directories(temp_.path() / "other");
  const TestCertificate other = MakeSelfSignedCertificate(temp_.path() / "other");
  const HttpResult untrusted = HttpsRequest(server_->port(), other.cert_file, "GET", "/api/health");
  EXPECT_EQ(untrusted.status, 0);
  EXPECT_NE(untrusted.error.find("handshake"), std::string::npos) << untrusted.error;
  // A TLS record header followed by garbage is no ClientHello: answered like plain HTTP.
  const HttpResult garbage =
      RawHttpExchange(server_->port(), std::string("\x16\x03\x01\x00\x05garbagegarbage", 19), std::chrono::seconds(20));
  EXPECT_EQ(garbage.status, 400) << garbage.Describe();
  // A handshake that stalls after the record header is cut at the read timeout (3 s), not held open.
  const auto stalled_at = std::chrono::steady_clock::now();
  const HttpResult stalled = RawHttpExchange(server_->port(), std::string("\x16\x03\x01", 3), std::chrono::seconds(20));
  const auto held = std::chrono::steady_clock::now() - stalled_at;
  EXPECT_EQ(stalled.status, 0);
  EXPECT_EQ(stalled.error.find("timeout"), std::string::npos) << "the server never closed: " << stalled.error;
  EXPECT_GE(held, std::chrono::seconds(2));
  EXPECT_LT(held, std::chrono::seconds(15));
  // A client that hangs up mid-handshake (its own 1 s timeout).
  const HttpResult hung_up = RawHttpExchange(server_->port(), std::string("\x16\x03\x01", 3), std::chrono::seconds(1));
  EXPECT_NE(hung_up.error.find("timeout"), std::string::npos) << hung_up.error;
  const HttpResult after = Https("GET", "/api/health");
  EXPECT_EQ(after.status, 200) << after.Describe() << "\n" << server_->LogTail();
  EXPECT_TRUE(server_->running());
}

// Operators renew certificates in place (docs/operations.md, "TLS"): the server picks up the new
// pair within seconds, and on SIGHUP at once; a bad pair keeps the current one and the log says why.
TEST_F(TlsTest, ARenewedCertificateIsServedWithoutARestart) {
  const std::filesystem::path live = temp_.path() / "live";
  std::filesystem::create_directories(live);
  const auto install = [&](const std::filesystem::path& from, const char* name) {  // as certbot: rename over
    std::filesystem::copy_file(from, live / (std::string(name) + ".new"));
    std::filesystem::rename(live / (std::string(name) + ".new"), live / name);
  };
  install(cert_.cert_file, "cert.pem");
  install(cert_.key_file, "key.pem");
  StartServer({"--tls-cert", (live / "cert.pem").string(), "--tls-key", (live / "key.pem").string()});
  ASSERT_EQ(Https("GET", "/api/health").status, 200);

  std::filesystem::create_directories(temp_.path() / "renewed");
  const TestCertificate renewed = MakeSelfSignedCertificate(temp_.path() / "renewed");
  install(renewed.key_file, "key.pem");  // the key first: for a moment the pair does not match
  install(renewed.cert_file, "cert.pem");
  const auto trusts_renewed = [&] { return HttpsRequest(server_->port(), renewed.cert_file, "GET", "/api/health"); };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  HttpResult answer = trusts_renewed();
  while (answer.status != 200 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    answer = trusts_renewed();
  }
  ASSERT_EQ(answer.status, 200) << answer.Describe() << "\n" << server_->LogTail();
  EXPECT_EQ(Https("GET", "/api/health").status, 0) << "the old certificate is still served";
  EXPECT_NE(server_->LogTail(1 << 20).find("tls: reloaded the certificate"), std::string::npos) << server_->LogTail();

  // A key of another certificate, announced with SIGHUP: refused, the renewed pair stays in use.
  std::filesystem::create_directories(temp_.path() / "stray");
  install(MakeSelfSignedCertificate(temp_.path() / "stray").key_file, "key.pem");
  ASSERT_EQ(::kill(server_->pid(), SIGHUP), 0);
  const auto refused = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (server_->LogTail(1 << 20).find("was not reloaded") == std::string::npos &&
         std::chrono::steady_clock::now() < refused) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const std::string log = server_->LogTail(1 << 20);
  EXPECT_NE(log.find("SIGHUP received: reloading"), std::string::npos) << log;
  EXPECT_NE(log.find("was not reloaded, the current one stays in use: --tls-key: the key in"), std::string::npos) << log;
  EXPECT_EQ(trusts_renewed().status, 200) << server_->LogTail();
  EXPECT_TRUE(server_->running());
}

TEST_F(TlsTest, SessionCookiesAreSecure) {
  std::filesystem::create_directories(temp_.path() / "data");
  const std::string key = KeyFromOutput(RunMltrack("keys create --data " + Data() + " --scope read"));
  ASSERT_FALSE(key.empty());
  StartTls();
  const HttpResult signed_in = Https("POST", "/api/v1/session", R"({"key":")" + key + R"("})");
  ASSERT_EQ(signed_in.status, 200) << signed_in.Describe();
  const std::string cookie = signed_in.Header("set-cookie");
  EXPECT_NE(cookie.find("; Secure"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  const HttpResult used = Https("GET", "/api/v1/fields", "", {{"Cookie", cookie.substr(0, cookie.find(';'))}});
  EXPECT_EQ(used.status, 200) << used.Describe();
  EXPECT_EQ(Https("GET", "/api/v1/fields").status, 401);
}

TEST_F(TlsTest, BadCertificateFlagsExitTwoNamingTheFlag) {
  const std::string data = " --data " + Data() + " --listen 127.0.0.1:0";
  const std::string cert = cert_.cert_file.string();
  const std::string key = cert_.key_file.string();
  struct Case {
    std::string args;
    std::string names;
  };
  std::filesystem::create_directories(temp_.path() / "other");
  const TestCertificate other = MakeSelfSignedCertificate(temp_.path() / "other");
  std::ofstream(temp_.path() / "not-pem.txt") << "hello\n";
  const Case cases[] = {
      {"--tls-cert " + (temp_.path() / "missing.pem").string() + " --tls-key " + key, "--tls-cert: no file"},
      {"--tls-cert " + cert + " --tls-key " + (temp_.path() / "not-pem.txt").string(), "--tls-key: cannot load"},
      {"--tls-cert " + (temp_.path() / "not-pem.txt").string() + " --tls-key " + key, "--tls-cert: cannot load"},
      {"--tls-cert " + cert + " --tls-key " + other.key_file.string(), "--tls-key: the key in"},
      {"--tls-cert " + cert, "--tls-cert needs --tls-key"},
  };
  for (const Case& bad : cases) {
    SCOPED_TRACE(bad.args);
    const CommandResult result = RunMltrack("serve" + data + " " + bad.args);
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_NE(result.output.find(bad.names), std::string::npos) << result.output;
  }
  EXPECT_FALSE(std::filesystem::exists(temp_.path() / "data")) << "a refused server created the store";
}

}  // namespace
}  // namespace mltrack::integration
