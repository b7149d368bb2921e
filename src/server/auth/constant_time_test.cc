// Secrets are compared in constant time (issue 15, Deliver 1): the stored PBKDF2 hash
// (KeyStore::SecretMatches) and the verified-key cache's SHA-256 (Authenticator) both go through
// OpenSSL's CRYPTO_memcmp, whose time does not depend on where two inputs differ. This file
// defines CRYPTO_memcmp itself: the linker binds this test binary's calls to it instead of
// libcrypto's, so the tests see each comparison of secret material and fail if one is made with
// `==`, memcmp or a loop that stops at the first difference. The replacement keeps OpenSSL's
// contract (0 when equal, constant time), so the other tests of this binary are unaffected.

#include <openssl/crypto.h>

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include "server/auth/authenticator.h"
#include "server/auth/key_store.h"

namespace {
std::atomic<int> constant_time_compares{0};
}  // namespace

extern "C" int CRYPTO_memcmp(const void* in_a, const void* in_b, size_t len) {
  const auto* a = static_cast<const volatile unsigned char*>(in_a);
  const auto* b = static_cast<const volatile unsigned char*>(in_b);
  unsigned char difference = 0;
  for (size_t i = 0; i < len; ++i) difference |= a[i] ^ b[i];
  constant_time_compares.fetch_add(1);
  return difference;
}

namespace mltrack::server::auth {
namespace {

namespace fs = std::filesystem;

class ConstantTimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("mltrack-constant-time-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    Result<std::unique_ptr<KeyStore>> opened = KeyStore::Open(dir_, 1000);  // few rounds: fast tests
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
    auto created = store_->Create(Scope::kRead, "", 1'700'000'000'000);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    record_ = created->first;
    key_ = created->second;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The key with its last character changed: a comparison that stops early still reads it all.
  std::string KeyWithLastCharacterChanged() const {
    std::string wrong = key_;
    wrong.back() = wrong.back() == '0' ? '1' : '0';
    return wrong;
  }

  fs::path dir_;
  std::unique_ptr<KeyStore> store_;
  KeyRecord record_;
  std::string key_;
};

TEST_F(ConstantTimeTest, StoredHashIsComparedWithCryptoMemcmp) {
  const std::string secret(SplitKey(key_)->secret);
  const std::string wrong(SplitKey(KeyWithLastCharacterChanged())->secret);
  int before = constant_time_compares.load();
  EXPECT_TRUE(KeyStore::SecretMatches(record_, secret));
  EXPECT_EQ(constant_time_compares.load(), before + 1);
  before = constant_time_compares.load();
  EXPECT_FALSE(KeyStore::SecretMatches(record_, wrong));
  EXPECT_EQ(constant_time_compares.load(), before + 1);
}

TEST_F(ConstantTimeTest, CachedKeyIsComparedWithCryptoMemcmp) {
  Authenticator authenticator(store_.get(), AuthOptions{});
  const std::string bearer = "Bearer " + key_;
  const std::string wrong_bearer = "Bearer " + KeyWithLastCharacterChanged();
  Credentials good;
  good.authorization = bearer;
  Credentials wrong;
  wrong.authorization = wrong_bearer;

  EXPECT_FALSE(authenticator.Check("GET", "/api/v1/fields", good));  // hashed, then cached
  int before = constant_time_compares.load();
  EXPECT_FALSE(authenticator.Check("GET", "/api/v1/fields", good));  // from the cache
  EXPECT_EQ(constant_time_compares.load(), before + 1) << "the cached digest is compared once";

  before = constant_time_compares.load();
  std::optional<HttpResponse> refused = authenticator.Check("GET", "/api/v1/fields", wrong);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401) << refused->body;
  // The cached digest (checked by Admit and again by Verify), then the stored hash.
  EXPECT_GE(constant_time_compares.load(), before + 2) << "the cached digest, then the stored hash";
}

}  // namespace
}  // namespace mltrack::server::auth
