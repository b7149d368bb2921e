#include "server/auth/key_usage.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace mltrack::server::auth {
namespace {

namespace fs = std::filesystem;

class KeyUsageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("key_usage_test_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(KeyUsageTest, StopWritesTheLatestUseOfEachKeyAndANewRunKeepsIt) {
  {
    KeyUsage usage(dir_, std::chrono::hours(1));  // only Stop() writes
    usage.Touch("aaaaaaaaaaaa", 2000);
    usage.Touch("aaaaaaaaaaaa", 1000);  // older: ignored
    usage.Touch("bbbbbbbbbbbb", 1500);
    EXPECT_TRUE(KeyUsage::Read(dir_).empty()) << "written before the interval or Stop()";
  }
  const std::map<std::string, int64_t> read = KeyUsage::Read(dir_);
  EXPECT_EQ(read, (std::map<std::string, int64_t>{{"aaaaaaaaaaaa", 2000}, {"bbbbbbbbbbbb", 1500}}));
  {
    KeyUsage again(dir_, std::chrono::hours(1));
    again.Touch("bbbbbbbbbbbb", 3000);
  }
  EXPECT_EQ(KeyUsage::Read(dir_), (std::map<std::string, int64_t>{{"aaaaaaaaaaaa", 2000}, {"bbbbbbbbbbbb", 3000}}));
}

TEST_F(KeyUsageTest, ADamagedFileReadsAsNoUse) {
  { std::ofstream(dir_ / KeyUsage::kFileName) << "something else\naaaaaaaaaaaa 5\n"; }
  EXPECT_TRUE(KeyUsage::Read(dir_).empty());
  { std::ofstream(dir_ / KeyUsage::kFileName) << "mltrack api_keys_used 1\naaaaaaaaaaaa 5\nbroken\ncccccccccccc x\n"; }
  EXPECT_EQ(KeyUsage::Read(dir_), (std::map<std::string, int64_t>{{"aaaaaaaaaaaa", 5}}));
}

}  // namespace
}  // namespace mltrack::server::auth
