#include "alerts/webhook_store.h"

#include <simdjson.h>

#include <algorithm>

#include "alerts/durable_file.h"
#include "alerts/webhook_http.h"
#include "core/json_writer.h"

namespace mltrack::alerts {
namespace {

constexpr size_t kMaxText = 2048;

std::string DocumentJson(const std::vector<Webhook>& webhooks, uint64_t next_id) {
  JsonWriter json;
  json.BeginObject();
  json.Key("version");
  json.Int(1);
  json.Key("next_id");
  json.Int(static_cast<int64_t>(next_id));
  json.Key("webhooks");
  json.BeginArray();
  for (const Webhook& webhook : webhooks) {
    json.BeginObject();
    json.Key("id");
    json.String(webhook.id);
    json.Key("url");
    json.String(webhook.url);
    json.Key("secret");
    json.String(webhook.secret);
    json.Key("description");
    json.String(webhook.description);
    json.Key("created_at_ms");
    json.Int(webhook.created_at_ms);
    json.Key("from_seq");
    json.Int(static_cast<int64_t>(webhook.from_seq));
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
  return std::move(json).Take();
}

}  // namespace

Result<WebhookInput> ParseWebhookInput(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS || !root.is_object()) {
    return Status::InvalidArgument("the body must be a JSON object", {{-1, "body", "not a JSON object"}});
  }
  WebhookInput input;
  std::vector<ErrorDetail> errors;
  bool has_url = false;
  for (auto field : simdjson::dom::object(root)) {
    const std::string key(field.key);
    std::string_view text;
    if (key != "url" && key != "secret" && key != "description") {
      errors.push_back({-1, key, "unknown field (expected url, secret, description)"});
      continue;
    }
    if (field.value.get(text) != simdjson::SUCCESS) {
      errors.push_back({-1, key, "must be a string"});
      continue;
    }
    if (text.size() > kMaxText) {
      errors.push_back({-1, key, "longer than 2048 bytes"});
      continue;
    }
    if (key == "url") {
      has_url = true;
      Result<HttpUrl> url = ParseHttpUrl(text);
      if (!url.ok()) {
        errors.push_back({-1, "url", url.status().message()});
        continue;
      }
      input.url = std::string(text);
    } else if (key == "secret") {
      input.secret = std::string(text);
    } else {
      input.description = std::string(text);
    }
  }
  if (!has_url) errors.push_back({-1, "url", "missing (required)"});
  if (!errors.empty()) return Status::InvalidArgument("invalid webhook", std::move(errors));
  return input;
}

WebhookStore::WebhookStore(std::filesystem::path path)
    : path_(std::move(path)),
      webhooks_("wh-", "webhook", [this](const std::vector<Webhook>& webhooks, uint64_t next_id) {
        return WriteDocument(path_, DocumentJson(webhooks, next_id));
      }) {}

Result<std::unique_ptr<WebhookStore>> WebhookStore::Open(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("create " + dir.string() + ": " + ec.message());
  std::unique_ptr<WebhookStore> store(new WebhookStore(dir / "webhooks.json"));
  Result<std::optional<std::string>> text = ReadDocument(store->path_);
  if (!text.ok()) return text.status();
  if (!*text) return store;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::dom::array list;
  int64_t next_id = 0;
  auto corrupt = [&](const std::string& what) { return Status::Corruption(store->path_.string() + ": " + what); };
  if (parser.parse(**text).get(root) || root["next_id"].get(next_id) || root["webhooks"].get(list)) {
    return corrupt("not a webhook document");
  }
  std::vector<Webhook> webhooks;
  for (simdjson::dom::element item : list) {
    Webhook webhook;
    std::string_view id, url, secret, description;
    int64_t from_seq = 0;
    if (item["id"].get(id) || item["url"].get(url) || item["secret"].get(secret) ||
        item["description"].get(description) || item["created_at_ms"].get(webhook.created_at_ms) ||
        item["from_seq"].get(from_seq)) {
      return corrupt("a webhook lacks a member");
    }
    webhook.id = std::string(id);
    webhook.url = std::string(url);
    webhook.secret = std::string(secret);
    webhook.description = std::string(description);
    webhook.from_seq = static_cast<uint64_t>(from_seq);
    webhooks.push_back(std::move(webhook));
  }
  store->webhooks_.Load(std::move(webhooks), static_cast<uint64_t>(next_id));
  return store;
}

Result<Webhook> WebhookStore::Create(const WebhookInput& input, uint64_t from_seq, int64_t now_ms) {
  Webhook webhook;
  webhook.url = input.url;
  webhook.secret = input.secret;
  webhook.description = input.description;
  webhook.created_at_ms = now_ms;
  webhook.from_seq = from_seq;
  return webhooks_.Add(std::move(webhook));
}

Result<Webhook> WebhookStore::Update(std::string_view id, const WebhookInput& input) {
  return webhooks_.Modify(id, [&](Webhook& webhook) {
    webhook.url = input.url;
    webhook.secret = input.secret;
    webhook.description = input.description;
  });
}

Status WebhookStore::Delete(std::string_view id) { return webhooks_.Remove(id); }

std::optional<Webhook> WebhookStore::Get(std::string_view id) const { return webhooks_.Get(id); }

std::vector<Webhook> WebhookStore::List() const { return webhooks_.List(); }

}  // namespace mltrack::alerts
