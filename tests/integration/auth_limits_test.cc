// The leftovers of API keys and limits through the real binary (docs/security.md): `keys list`
// shows when each key was last used (written at shutdown at the latest), and keyless use can be
// rate limited per client address (--anonymous-rate-limit, off by default).
#include <gtest/gtest.h>

#include <sstream>

#include "test_support.h"

namespace mltrack::integration {
namespace {

class AuthLimitsTest : public IntegrationTest {
 protected:
  std::string DataDir() const { return (temp_.path() / "data").string(); }
  // The `keys list` line of key `id`.
  static std::string LineOf(const std::string& listing, const std::string& id) {
    std::istringstream lines(listing);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.starts_with(id)) return line;
    }
    return "";
  }
};

TEST_F(AuthLimitsTest, KeysListShowsWhenEachKeyWasLastUsed) {
  const std::string used = KeyFromOutput(RunMltrack("keys create --data " + DataDir() + " --scope read"));
  const std::string unused = KeyFromOutput(RunMltrack("keys create --data " + DataDir() + " --scope read"));
  ASSERT_FALSE(used.empty());
  ASSERT_FALSE(unused.empty());
  StartServer();
  const HttpResult fields = client().Request("GET", "/api/v1/fields", "", "", {{"Authorization", "Bearer " + used}});
  ASSERT_EQ(fields.status, 200) << fields.Describe();
  EXPECT_EQ(server_->Terminate(), 0) << server_->LogTail();

  const CommandResult listed = RunMltrack("keys list --data " + DataDir());
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_NE(listed.output.find("LAST USED"), std::string::npos) << listed.output;
  const std::string used_line = LineOf(listed.output, used.substr(4, 12));
  const std::string unused_line = LineOf(listed.output, unused.substr(4, 12));
  // Created and last used: two timestamps on the used key's line, "never" on the other.
  EXPECT_NE(used_line.find("Z  20"), std::string::npos) << listed.output;
  EXPECT_EQ(used_line.find("never"), std::string::npos) << listed.output;
  EXPECT_NE(unused_line.find("never"), std::string::npos) << listed.output;
}

TEST_F(AuthLimitsTest, KeylessUseIsLimitedPerAddressWhenConfigured) {
  // A burst of 3 and a refill of one token per 100 s: the fourth call in the test is refused.
  StartServer({"--anonymous-rate-limit", "0.01", "--anonymous-rate-burst", "3"});
  for (int call = 0; call < 3; ++call) ASSERT_EQ(client().Get("/api/v1/fields").status, 200) << call;
  const HttpResult refused = client().Get("/api/v1/fields");
  EXPECT_EQ(refused.status, 429) << refused.Describe();
  EXPECT_GE(ToInt(refused.Header("retry-after")), 1) << refused.Describe();
  std::optional<ErrorBody> error = ParseErrorBody(refused.body);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, "rate_limited");
  EXPECT_TRUE(error->NamesField("client")) << refused.body;
  EXPECT_EQ(client().Get("/api/health").status, 200) << "public routes are not limited";

  const CommandResult bad = RunMltrack("serve --data " + DataDir() + " --listen 127.0.0.1:0 --anonymous-rate-burst 5");
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("--anonymous-rate-burst needs --anonymous-rate-limit"), std::string::npos) << bad.output;
}

}  // namespace
}  // namespace mltrack::integration
