// HttpPost to an https:// receiver on this machine (a throwaway self-signed certificate for
// localhost and 127.0.0.1): delivered when the certificate is trusted and names the host;
// refused, with the reason, when it is not trusted or names another host.
#include "alerts/webhook_http.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include <boost/beast/http.hpp>

#include "net/tls_client.h"
#include "self_signed_certificate.h"
#include "tls_receiver.h"

namespace mltrack::alerts {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using testing::TlsReceiver;

class WebhookTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("webhook_tls_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    certificate_ = testing::MakeSelfSignedCertificate(dir_);
    ASSERT_FALSE(certificate_.cert_file.empty());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Result<int> Post(const std::string& url, const std::optional<std::string>& ca_file) {
    Result<HttpUrl> parsed = ParseHttpUrl(url);
    EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
    if (!parsed.ok()) return parsed.status();
    Result<std::unique_ptr<asio::ssl::context>> tls = net::MakeTlsClientContext(ca_file);
    EXPECT_TRUE(tls.ok());
    return HttpPost(*parsed, R"({"id":"alert-1"})", {{"X-MLtrack-Alert-Id", "alert-1"}}, std::chrono::seconds(10),
                    **tls);
  }

  std::filesystem::path dir_;
  testing::TestCertificate certificate_;
};

TEST_F(WebhookTlsTest, ATrustedReceiverGetsThePost) {
  TlsReceiver receiver(certificate_);
  for (const std::string host : {"127.0.0.1", "localhost"}) {
    Result<int> status = Post("https://" + host + ":" + std::to_string(receiver.port()) + "/hooks/a?x=1",
                              certificate_.cert_file.string());
    ASSERT_TRUE(status.ok()) << host << ": " << status.status().ToString();
    EXPECT_EQ(*status, 204);
  }
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].target(), "/hooks/a?x=1");
  EXPECT_EQ(requests[0].body(), R"({"id":"alert-1"})");
  EXPECT_EQ(requests[0]["X-MLtrack-Alert-Id"], "alert-1");
  EXPECT_EQ(requests[1][http::field::host], "localhost:" + std::to_string(receiver.port()));
}

TEST_F(WebhookTlsTest, AnUntrustedCertificateOrAnotherHostsIsRefused) {
  TlsReceiver receiver(certificate_);
  const std::string port = std::to_string(receiver.port());
  Result<int> untrusted = Post("https://127.0.0.1:" + port + "/", std::nullopt);  // the system's CAs only
  ASSERT_FALSE(untrusted.ok());
  EXPECT_NE(untrusted.status().message().find("certificate verify failed"), std::string::npos)
      << untrusted.status().ToString();
  // Trusted, but 127.0.0.2 is not a name the certificate lists.
  Result<int> other_host = Post("https://127.0.0.2:" + port + "/", certificate_.cert_file.string());
  ASSERT_FALSE(other_host.ok());
  EXPECT_NE(other_host.status().message().find("certificate verify failed"), std::string::npos)
      << other_host.status().ToString();
  EXPECT_TRUE(receiver.requests().empty());
}

TEST(WebhookHttpUrlTest, HttpsUrlsDefaultToPort443) {
  Result<HttpUrl> url = ParseHttpUrl("https://hooks.example.com/services/T0/B0");
  ASSERT_TRUE(url.ok());
  EXPECT_TRUE(url->tls);
  EXPECT_EQ(url->port, 443);
  EXPECT_EQ(url->target, "/services/T0/B0");
  EXPECT_FALSE(ParseHttpUrl("http://example.com")->tls);
  EXPECT_EQ(ParseHttpUrl("https://[::1]:8443")->port, 8443);
}

}  // namespace
}  // namespace mltrack::alerts
