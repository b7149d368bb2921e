#include "server/auth/key_store.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <charconv>
#include <sstream>

#include "core/checked_file.h"

namespace mltrack::server::auth {
namespace {

constexpr std::string_view kHeader = "mltrack-api-keys 1";
constexpr size_t kIdBytes = 6;
constexpr size_t kSecretBytes = 32;
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;
constexpr size_t kMaxName = 64;

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::optional<std::string> Unhex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::string out(text.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(text.data() + 2 * i, text.data() + 2 * i + 2, value, 16);
    if (ec != std::errc() || end != text.data() + 2 * i + 2) return std::nullopt;
    out[i] = static_cast<char>(value);
  }
  return out;
}

bool IsLowerHex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

Result<std::string> RandomBytes(size_t count) {
  std::string out(count, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(count)) != 1) {
    return Status::Internal("the system random number generator failed");
  }
  return out;
}

std::string Pbkdf2(std::string_view secret, std::string_view salt, uint32_t iterations) {
  std::string out(kHashBytes, '\0');
  PKCS5_PBKDF2_HMAC(secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), static_cast<int>(iterations), EVP_sha256(), static_cast<int>(kHashBytes),
                    reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

bool ValidName(std::string_view name) {
  return name.size() <= kMaxName && std::all_of(name.begin(), name.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
         });
}

template <typename T>
bool ParseNumber(std::string_view text, T& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string_view ScopeName(Scope scope) {
  switch (scope) {
    case Scope::kIngest: return "ingest";
    case Scope::kRead: return "read";
    case Scope::kAdmin: return "admin";
  }
  return "read";
}

std::optional<Scope> ParseScope(std::string_view text) {
  if (text == "ingest") return Scope::kIngest;
  if (text == "read") return Scope::kRead;
  if (text == "admin") return Scope::kAdmin;
  return std::nullopt;
}

bool Satisfies(Scope held, Scope needed) { return held == Scope::kAdmin || held == needed; }

std::optional<KeyParts> SplitKey(std::string_view key) {
  if (!key.starts_with("mlt_") || key.size() != 4 + 2 * kIdBytes + 1 + 2 * kSecretBytes) return std::nullopt;
  const std::string_view id = key.substr(4, 2 * kIdBytes);
  if (key[4 + 2 * kIdBytes] != '_') return std::nullopt;
  const std::string_view secret = key.substr(4 + 2 * kIdBytes + 1);
  if (!IsLowerHex(id) || !IsLowerHex(secret)) return std::nullopt;
  return KeyParts{id, secret};
}

std::string FormatKeyFile(const std::vector<KeyRecord>& keys) {
  std::string out(kHeader);
  out += '\n';
  for (const KeyRecord& key : keys) {
    out += "key " + key.id + " " + std::string(ScopeName(key.scope)) + " " + std::to_string(key.created_ms) + " " +
           std::to_string(key.revoked_ms) + " " + std::to_string(key.iterations) + " " + Hex(key.salt) + " " +
           Hex(key.hash) + " " + (key.name.empty() ? "-" : key.name) + "\n";
  }
  return out;
}

Result<std::vector<KeyRecord>> ParseKeyFile(std::string_view text) {
  std::istringstream lines{std::string(text)};
  std::string line;
  if (!std::getline(lines, line) || line != kHeader) {
    return Status::Corruption("the key file does not start with \"" + std::string(kHeader) + "\"");
  }
  std::vector<KeyRecord> keys;
  for (int number = 2; std::getline(lines, line); ++number) {
    std::istringstream fields(line);
    std::string tag, id, scope, created, revoked, iterations, salt, hash, name, extra;
    fields >> tag >> id >> scope >> created >> revoked >> iterations >> salt >> hash >> name;
    const auto bad = [&](const std::string& why) {
      return Status::Corruption("key file line " + std::to_string(number) + ": " + why);
    };
    if (tag != "key" || name.empty() || (fields >> extra)) return bad("not \"key ID SCOPE CREATED REVOKED ROUNDS SALT HASH NAME\"");
    KeyRecord record;
    record.id = id;
    if (id.size() != 2 * kIdBytes || !IsLowerHex(id)) return bad("bad id");
    const std::optional<Scope> parsed_scope = ParseScope(scope);
    if (!parsed_scope) return bad("unknown scope \"" + scope + "\"");
    record.scope = *parsed_scope;
    if (!ParseNumber(created, record.created_ms) || !ParseNumber(revoked, record.revoked_ms) ||
        !ParseNumber(iterations, record.iterations) || record.iterations == 0) {
      return bad("bad number");
    }
    std::optional<std::string> salt_bytes = Unhex(salt);
    std::optional<std::string> hash_bytes = Unhex(hash);
    if (!salt_bytes || salt_bytes->size() != kSaltBytes || !hash_bytes || hash_bytes->size() != kHashBytes) {
      return bad("bad salt or hash");
    }
    record.salt = std::move(*salt_bytes);
    record.hash = std::move(*hash_bytes);
    record.name = name == "-" ? "" : name;
    if (!ValidName(record.name)) return bad("bad name");
    keys.push_back(std::move(record));
  }
  return keys;
}

Result<std::unique_ptr<KeyStore>> KeyStore::Open(const std::filesystem::path& data_dir, uint32_t iterations) {
  std::unique_ptr<KeyStore> store(new KeyStore(data_dir / kFileName, iterations));
  std::lock_guard lock(store->mutex_);
  MLTRACK_RETURN_IF_ERROR(store->Load());
  return store;
}

Status KeyStore::Load() {
  Result<std::optional<std::string>> body = ReadCheckedFile(path_);
  if (!body.ok()) return Status::Corruption(path_.string() + ": " + body.status().message());
  std::vector<KeyRecord> keys;
  if (body->has_value()) {
    Result<std::vector<KeyRecord>> parsed = ParseKeyFile(**body);
    if (!parsed.ok()) return Status::Corruption(path_.string() + ": " + parsed.status().message());
    keys = std::move(*parsed);
  }
  keys_ = std::move(keys);
  return Status::OK();
}

Status KeyStore::Save(const std::vector<KeyRecord>& keys) {
  MLTRACK_RETURN_IF_ERROR(WriteCheckedFile(path_, FormatKeyFile(keys)));
  return Load();
}

// The file is read again, not judged by its mtime and size: a revoke rewrites it at the same size,
// and within the file system's timestamp tick the mtime does not move either.
Status KeyStore::Reload(std::chrono::milliseconds min_interval) {
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (now - last_check_ < min_interval) return Status::OK();
  last_check_ = now;
  return Load();
}

Result<std::pair<KeyRecord, std::string>> KeyStore::Create(Scope scope, std::string name, int64_t now_ms) {
  if (!ValidName(name)) {
    return Status::InvalidArgument("--name may hold at most 64 letters, digits, '.', '_' or '-'",
                                   {ErrorDetail{-1, "name", "letters, digits, '.', '_', '-' only, at most 64"}});
  }
  Result<std::string> secret_bytes = RandomBytes(kSecretBytes);
  Result<std::string> salt = RandomBytes(kSaltBytes);
  if (!secret_bytes.ok()) return secret_bytes.status();
  if (!salt.ok()) return salt.status();
  const std::string secret = Hex(*secret_bytes);
  std::lock_guard lock(mutex_);
  MLTRACK_RETURN_IF_ERROR(Load());  // another process may have added keys
  KeyRecord record;
  do {
    Result<std::string> id = RandomBytes(kIdBytes);
    if (!id.ok()) return id.status();
    record.id = Hex(*id);
  } while (std::any_of(keys_.begin(), keys_.end(), [&](const KeyRecord& key) { return key.id == record.id; }));
  record.name = std::move(name);
  record.scope = scope;
  record.created_ms = now_ms;
  record.iterations = iterations_;
  record.salt = std::move(*salt);
  record.hash = Pbkdf2(secret, record.salt, record.iterations);
  std::vector<KeyRecord> keys = keys_;
  keys.push_back(record);
  MLTRACK_RETURN_IF_ERROR(Save(keys));
  return std::pair{record, "mlt_" + record.id + "_" + secret};
}

Status KeyStore::Revoke(std::string_view id, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  MLTRACK_RETURN_IF_ERROR(Load());
  std::vector<KeyRecord> keys = keys_;
  auto found = std::find_if(keys.begin(), keys.end(), [&](const KeyRecord& key) { return key.id == id; });
  if (found == keys.end()) return Status::NotFound("no key has the id \"" + std::string(id.substr(0, 40)) + "\"");
  if (found->revoked_ms == 0) found->revoked_ms = now_ms;
  return Save(keys);
}

std::vector<KeyRecord> KeyStore::List() const {
  std::lock_guard lock(mutex_);
  return keys_;
}

std::optional<KeyRecord> KeyStore::Find(std::string_view id) const {
  std::lock_guard lock(mutex_);
  for (const KeyRecord& key : keys_) {
    if (key.id == id) return key;
  }
  return std::nullopt;
}

bool KeyStore::Any() const {
  std::lock_guard lock(mutex_);
  return !keys_.empty();
}

bool KeyStore::SecretMatches(const KeyRecord& record, std::string_view secret) {
  const std::string hash = Pbkdf2(secret, record.salt, record.iterations);
  return hash.size() == record.hash.size() && CRYPTO_memcmp(hash.data(), record.hash.data(), hash.size()) == 0;
}

}  // namespace mltrack::server::auth
