#pragma once
// TLS for integration tests: a throwaway self-signed certificate (tests/support) and blocking
// HTTPS / WSS exchanges that verify the server against it.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "http_client.h"
#include "self_signed_certificate.h"

namespace mltrack::integration {

using mltrack::testing::MakeSelfSignedCertificate;  // tests/support/self_signed_certificate.h
using mltrack::testing::TestCertificate;

// One request on a fresh TLS connection to 127.0.0.1:port, verifying the server's certificate
// against `ca_file` for the name "localhost". status 0 and `error` when the handshake or the
// exchange fails (a certificate not trusted, plain HTTP on the other side).
HttpResult HttpsRequest(uint16_t port, const std::filesystem::path& ca_file, const std::string& method,
                        const std::string& target, const std::string& body = "",
                        const HeaderFields& headers = {});

// A WSS conversation on /api/analytics/live (or `target`): connects, upgrades with `headers`, sends
// `message` and returns the first message received within `timeout`; nullopt and `error` on failure.
std::optional<std::string> WssFirstReply(uint16_t port, const std::filesystem::path& ca_file, const std::string& target,
                                         const std::string& message, const HeaderFields& headers, std::string& error,
                                         std::chrono::seconds timeout = std::chrono::seconds(30));

}  // namespace mltrack::integration
