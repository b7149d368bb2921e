// The CLI refuses bad flag values with exit code 2 and a message naming the flag, before it
// touches the data directory.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "server_process.h"
#include "temp_dir.h"
#include "test_support.h"

namespace mltrack::integration {
namespace {

class CliFlagsTest : public ::testing::Test {
 protected:
  void ExpectRefused(const std::string& args, const std::string& flag) {
    SCOPED_TRACE(args);
    CommandResult result = RunMltrack(args);
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_NE(result.output.find(flag), std::string::npos) << result.output;
    EXPECT_FALSE(std::filesystem::exists(dir_.path() / "data")) << "a refused command created the store";
  }
  std::string Data() const { return (dir_.path() / "data").string(); }

  TempDir dir_;
};

// `--help` after a command prints the usage and exits 0, touching nothing (it used to be refused
// as an unknown option of the command).
TEST_F(CliFlagsTest, HelpAfterACommandPrintsTheUsage) {
  const std::array<std::string, 3> commands{"serve --data " + Data() + " --help", "demo -h", "keys --help"};
  for (const std::string& command : commands) {
    SCOPED_TRACE(command);
    CommandResult result = RunMltrack(command);
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_NE(result.output.find("mltrack serve --data DIR"), std::string::npos) << result.output;
  }
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "data"));
}

TEST_F(CliFlagsTest, CountsTakeNoUnit) {
  ExpectRefused("serve --data " + Data() + " --demo --demo-events 5k", "--demo-events");
  ExpectRefused("serve --data " + Data() + " --demo --demo-events 0", "--demo-events");
  ExpectRefused("serve --data " + Data() + " --max-inflight-wait-ms 2s", "--max-inflight-wait-ms");
  ExpectRefused("demo --data " + Data() + " --events 1e6", "--events");
  ExpectRefused("demo --data " + Data() + " --days 0", "--days");
}

TEST_F(CliFlagsTest, SizesAndDurationsNameTheirFlag) {
  ExpectRefused("serve --data " + Data() + " --query-cache 64parsecs", "--query-cache");
  ExpectRefused("serve --data " + Data() + " --max-body lots", "--max-body");
  ExpectRefused("serve --data " + Data() + " --retention soon", "--retention");
}

TEST_F(CliFlagsTest, LimitsAndAllowListsNameTheirFlag) {
  ExpectRefused("serve --data " + Data() + " --max-tag-keys 10k", "--max-tag-keys");
  ExpectRefused("serve --data " + Data() + " --query-timeout soon", "--query-timeout");
  ExpectRefused("serve --data " + Data() + " --query-memory lots", "--query-memory");
  ExpectRefused("serve --data " + Data() + " --allow-origin ftp://files.example", "--allow-origin");
  ExpectRefused("serve --data " + Data() + " --allow-host http://dash.example/", "--allow-host");
}

TEST_F(CliFlagsTest, UnknownFlagIsNamed) {
  ExpectRefused("serve --data " + Data() + " --query-cahce 1MiB", "query-cahce");
}

}  // namespace
}  // namespace mltrack::integration
