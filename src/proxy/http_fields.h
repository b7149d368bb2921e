#pragma once
// Internal to the proxy: which header fields pass through it, each way.

#include <string_view>

namespace mltrack::proxy {

// ASCII case-insensitive equality (header names).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// Request fields not passed to the upstream: this hop's own (RFC 9110 §7.6.1), the ones the
// proxy sets (Host, Content-Length, Accept-Encoding), Content-Encoding (the server decodes a gzip
// body before any handler sees it), and MLtrack's X-MLtrack-* labels.
bool IsDroppedRequestField(std::string_view name);

// Response fields not passed back to the client: this hop's own, and the framing and identity
// fields the session writes itself (Content-Length, Transfer-Encoding, Server, Date).
bool IsDroppedResponseField(std::string_view name);

// Fields that say who is calling and what the provider does with the call: part of the cache
// key, so that one caller never gets another's cached answer.
bool IsCredentialOrVariant(std::string_view name);

}  // namespace mltrack::proxy
