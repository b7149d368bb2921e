#pragma once
// API keys: created by `mltrack keys create`, kept only as salted PBKDF2-HMAC-SHA256 hashes in
// the checksummed file <data>/api_keys (docs/security.md, "Key file"). A key reads
// "mlt_<id>_<secret>": the id (12 hex digits) is public and names the record, the secret (64 hex
// digits, 256 random bits) is shown once and never stored.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace mltrack::server::auth {

// ingest ⊂ admin, read ⊂ admin (docs/security.md, "Scopes").
enum class Scope : uint8_t { kIngest, kRead, kAdmin };
std::string_view ScopeName(Scope scope);
std::optional<Scope> ParseScope(std::string_view text);
// Whether a key of scope `held` may call a route that needs `needed`.
bool Satisfies(Scope held, Scope needed);

// One key as stored: everything but the secret.
struct KeyRecord {
  std::string id;          // 12 lower-case hex digits
  std::string name;        // [A-Za-z0-9._-], at most 64 characters; may be empty
  Scope scope = Scope::kRead;
  int64_t created_ms = 0;
  int64_t revoked_ms = 0;  // 0 = active
  uint32_t iterations = 0; // PBKDF2 rounds
  std::string salt;        // 16 raw bytes
  std::string hash;        // 32 raw bytes: PBKDF2-HMAC-SHA256(secret, salt, iterations)
  bool active() const { return revoked_ms == 0; }
};

// A presented key split into its parts; nullopt when it is not of the form mlt_<id>_<secret>.
struct KeyParts {
  std::string_view id;
  std::string_view secret;
};
std::optional<KeyParts> SplitKey(std::string_view key);

// The key file of one data directory. Thread-safe. Another process (the CLI) may change the
// file while a server runs: Reload() picks that up.
class KeyStore {
 public:
  static constexpr uint32_t kIterations = 100'000;
  static constexpr const char* kFileName = "api_keys";

  // Reads <data_dir>/api_keys (absent = no keys). Corruption when the file is damaged.
  static Result<std::unique_ptr<KeyStore>> Open(const std::filesystem::path& data_dir,
                                                uint32_t iterations = kIterations);

  // Creates a key and stores its hash durably; returns the record and the full key (the only
  // time it exists). InvalidArgument naming `name` when it has other characters.
  Result<std::pair<KeyRecord, std::string>> Create(Scope scope, std::string name, int64_t now_ms);
  // Marks a key revoked (kept, so `keys list` shows it). NotFound when no key has that id.
  Status Revoke(std::string_view id, int64_t now_ms);

  std::vector<KeyRecord> List() const;
  std::optional<KeyRecord> Find(std::string_view id) const;
  // Whether the file holds any key, active or revoked (authentication is then required).
  bool Any() const;

  // Re-reads the file, at most once per `min_interval`. Keeps the old keys when the new file cannot be read.
  Status Reload(std::chrono::milliseconds min_interval = std::chrono::milliseconds(1000));

  // The slow check: PBKDF2 of `secret` with the record's salt, compared in constant time.
  static bool SecretMatches(const KeyRecord& record, std::string_view secret);

 private:
  KeyStore(std::filesystem::path path, uint32_t iterations) : path_(std::move(path)), iterations_(iterations) {}
  Status Load();  // mutex_ held
  Status Save(const std::vector<KeyRecord>& keys);  // mutex_ held

  const std::filesystem::path path_;
  const uint32_t iterations_;
  mutable std::mutex mutex_;
  std::vector<KeyRecord> keys_;
  std::chrono::steady_clock::time_point last_check_{};
};

// Key file text <-> records (exposed for tests).
std::string FormatKeyFile(const std::vector<KeyRecord>& keys);
Result<std::vector<KeyRecord>> ParseKeyFile(std::string_view text);

}  // namespace mltrack::server::auth
