#include "server/auth/key_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <thread>

namespace mltrack::server::auth {
namespace {

namespace fs = std::filesystem;

class KeyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("mltrack-keys-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::unique_ptr<KeyStore> OpenStore() {
    Result<std::unique_ptr<KeyStore>> store = KeyStore::Open(dir_, 1000);  // few rounds: fast tests
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(*store) : nullptr;
  }
  fs::path dir_;
};

TEST(KeyFormatTest, SplitKeyAcceptsOnlyTheExactShape) {
  const std::string good = "mlt_0123456789ab_" + std::string(64, 'f');
  ASSERT_TRUE(SplitKey(good));
  EXPECT_EQ(SplitKey(good)->id, "0123456789ab");
  EXPECT_EQ(SplitKey(good)->secret, std::string(64, 'f'));
  EXPECT_FALSE(SplitKey(good.substr(0, good.size() - 1)));         // truncated
  EXPECT_FALSE(SplitKey(good + "0"));                               // too long
  EXPECT_FALSE(SplitKey("mlx_" + good.substr(4)));                  // wrong prefix
  EXPECT_FALSE(SplitKey("mlt_0123456789aB_" + std::string(64, 'f')));  // upper case
  EXPECT_FALSE(SplitKey("mlt_0123456789ab-" + std::string(64, 'f')));  // wrong separator
  EXPECT_FALSE(SplitKey("mlt_0123456789ab_" + std::string(63, 'f') + "g"));
  EXPECT_FALSE(SplitKey(""));
}

TEST(KeyFormatTest, ScopesNest) {
  EXPECT_TRUE(Satisfies(Scope::kAdmin, Scope::kIngest));
  EXPECT_TRUE(Satisfies(Scope::kAdmin, Scope::kRead));
  EXPECT_TRUE(Satisfies(Scope::kRead, Scope::kRead));
  EXPECT_FALSE(Satisfies(Scope::kRead, Scope::kIngest));
  EXPECT_FALSE(Satisfies(Scope::kIngest, Scope::kRead));
  EXPECT_FALSE(Satisfies(Scope::kIngest, Scope::kAdmin));
  EXPECT_EQ(ParseScope("ingest"), Scope::kIngest);
  EXPECT_FALSE(ParseScope("Admin"));
}

TEST_F(KeyStoreTest, CreatedKeyVerifiesAndOnlyItsHashIsStored) {
  auto store = OpenStore();
  EXPECT_FALSE(store->Any());
  auto created = store->Create(Scope::kIngest, "ci-runner", 1'700'000'000'000);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  const auto& [record, key] = *created;
  const std::optional<KeyParts> parts = SplitKey(key);
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->id, record.id);
  EXPECT_TRUE(KeyStore::SecretMatches(record, parts->secret));
  std::string wrong(parts->secret);
  wrong[0] = wrong[0] == '0' ? '1' : '0';
  EXPECT_FALSE(KeyStore::SecretMatches(record, wrong));

  std::ifstream file(dir_ / KeyStore::kFileName);
  const std::string text((std::istreambuf_iterator<char>(file)), {});
  EXPECT_EQ(text.find(std::string(parts->secret)), std::string::npos) << text;
  EXPECT_NE(text.find("key " + record.id + " ingest 1700000000000 0 1000 "), std::string::npos) << text;
  EXPECT_NE(text.find(" ci-runner\n"), std::string::npos);

  auto reopened = OpenStore();
  ASSERT_EQ(reopened->List().size(), 1u);
  EXPECT_EQ(reopened->List()[0].hash, record.hash);
  EXPECT_TRUE(KeyStore::SecretMatches(reopened->List()[0], parts->secret));
}

TEST_F(KeyStoreTest, TwoKeysGetDifferentIdsAndSalts) {
  auto store = OpenStore();
  auto a = store->Create(Scope::kRead, "", 1);
  auto b = store->Create(Scope::kRead, "", 2);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->first.id, b->first.id);
  EXPECT_NE(a->first.salt, b->first.salt);
  EXPECT_NE(a->second, b->second);
  EXPECT_EQ(store->List().size(), 2u);
}

TEST_F(KeyStoreTest, RevokeKeepsTheRecordAndUnknownIdIsNotFound) {
  auto store = OpenStore();
  auto created = store->Create(Scope::kAdmin, "ops", 10);
  ASSERT_TRUE(created.ok());
  EXPECT_TRUE(store->Revoke(created->first.id, 20).ok());
  ASSERT_TRUE(store->Find(created->first.id));
  EXPECT_EQ(store->Find(created->first.id)->revoked_ms, 20);
  EXPECT_TRUE(store->Any());
  EXPECT_EQ(store->Revoke("000000000000", 30).code(), StatusCode::kNotFound);
}

TEST_F(KeyStoreTest, BadNameIsRefusedAndNothingIsWritten) {
  auto store = OpenStore();
  for (const std::string& name : std::vector<std::string>{"has space", "new\nline", std::string(65, 'a'), "semi;colon"}) {
    auto created = store->Create(Scope::kRead, name, 1);
    ASSERT_FALSE(created.ok()) << name;
    EXPECT_EQ(created.status().code(), StatusCode::kInvalidArgument);
  }
  EXPECT_FALSE(fs::exists(dir_ / KeyStore::kFileName));
}

TEST_F(KeyStoreTest, AnotherProcessesKeysAppearAfterReload) {
  auto server = OpenStore();
  auto cli = OpenStore();
  auto created = cli->Create(Scope::kRead, "", 1);
  ASSERT_TRUE(created.ok());
  EXPECT_FALSE(server->Find(created->first.id));
  ASSERT_TRUE(server->Reload(std::chrono::milliseconds(0)).ok());
  EXPECT_TRUE(server->Find(created->first.id));
  ASSERT_TRUE(cli->Revoke(created->first.id, 5).ok());
  ASSERT_TRUE(server->Reload(std::chrono::milliseconds(0)).ok());
  EXPECT_FALSE(server->Find(created->first.id)->active());
}

TEST_F(KeyStoreTest, DamagedFileIsCorruptionNotAnEmptyKeySet) {
  {
    auto store = OpenStore();
    ASSERT_TRUE(store->Create(Scope::kRead, "", 1).ok());
  }
  std::string text;
  {
    std::ifstream in(dir_ / KeyStore::kFileName);
    text.assign((std::istreambuf_iterator<char>(in)), {});
  }
  text[text.find(" read ") + 1] = 'R';  // the checksum no longer matches
  std::ofstream(dir_ / KeyStore::kFileName, std::ios::trunc) << text;
  Result<std::unique_ptr<KeyStore>> store = KeyStore::Open(dir_, 1000);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kCorruption);
}

TEST(KeyFileTest, ParseRejectsMalformedLines) {
  const std::string salt(32, 'a'), hash(64, 'b');
  EXPECT_TRUE(ParseKeyFile("mltrack-api-keys 1\nkey 0123456789ab read 1 0 10 " + salt + " " + hash + " -\n").ok());
  for (const std::string& line : std::vector<std::string>{
           "key 0123456789ab read 1 0 10 " + salt + " " + hash + "\n",            // no name
           "key 0123456789ab root 1 0 10 " + salt + " " + hash + " -\n",          // unknown scope
           "key 0123456789ab read x 0 10 " + salt + " " + hash + " -\n",          // bad number
           "key 0123456789ab read 1 0 0 " + salt + " " + hash + " -\n",           // zero rounds
           "key 0123456789ab read 1 0 10 " + salt + "a " + hash + " -\n",         // odd hex
           "key 0123 read 1 0 10 " + salt + " " + hash + " -\n",                  // short id
           "key 0123456789ab read 1 0 10 " + salt + " " + hash + " - extra\n"}) { // trailing field
    EXPECT_FALSE(ParseKeyFile("mltrack-api-keys 1\n" + line).ok()) << line;
  }
  EXPECT_FALSE(ParseKeyFile("mltrack-api-keys 2\n").ok());
}

}  // namespace
}  // namespace mltrack::server::auth
