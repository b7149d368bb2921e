#pragma once
// Webhook definitions: where alerts are POSTed, with an optional signing secret. Kept in
// <dir>/webhooks.json, a checksummed document replaced atomically on every change
// (docs/alerts_format.md). Thread-safe.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alerts/durable_list.h"
#include "core/status.h"

namespace mltrack::alerts {

struct Webhook {
  std::string id;           // "wh-<n>"
  std::string url;          // http://...
  std::string secret;       // empty = unsigned
  std::string description;  // free text; may be empty
  int64_t created_at_ms = 0;
  // The first alert seq this webhook receives: alerts fired before it existed are not sent.
  uint64_t from_seq = 1;
};

// What a client may set: {"url": "...", "secret": "...", "description": "..."}.
struct WebhookInput {
  std::string url;
  std::string secret;
  std::string description;
};

// Parses and validates a request body. InvalidArgument with one detail per problem, each naming
// the field: a missing or non-http URL, a non-string secret, an unknown field, not an object.
Result<WebhookInput> ParseWebhookInput(std::string_view body);

class WebhookStore {
 public:
  static Result<std::unique_ptr<WebhookStore>> Open(const std::filesystem::path& dir);

  // Adds a webhook that receives alerts from `from_seq` on; durable when this returns.
  Result<Webhook> Create(const WebhookInput& input, uint64_t from_seq, int64_t now_ms);
  // Replaces url, secret and description; NotFound for an unknown id.
  Result<Webhook> Update(std::string_view id, const WebhookInput& input);
  Status Delete(std::string_view id);
  std::optional<Webhook> Get(std::string_view id) const;
  std::vector<Webhook> List() const;

 private:
  explicit WebhookStore(std::filesystem::path path);

  const std::filesystem::path path_;
  DurableList<Webhook> webhooks_;
};

}  // namespace mltrack::alerts
