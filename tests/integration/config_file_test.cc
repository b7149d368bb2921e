// mltrack.toml through the real binary (docs/operations.md, "Configuration"): --config and
// <data>/mltrack.toml are applied, flags override the file, the documented example starts a
// server, and a bad file stops the server from starting (exit 2) with the line, key and reason.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "test_support.h"
#include "tls_client.h"

namespace mltrack::integration {
namespace {

class ConfigFileTest : public IntegrationTest {
 protected:
  std::string Write(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
    return path.string();
  }
  std::string Data() const { return (temp_.path() / "data").string(); }
  // An ingest request of about 3 KiB (twelve events).
  HttpResult PostThreeKiB() {
    std::vector<std::string> events;
    for (int event_idx = 0; event_idx < 12; ++event_idx) events.push_back(EventJson("big-" + std::to_string(event_idx)));
    return Ingest(JsonArray(events));
  }
  CommandResult ServeWith(const std::string& config_text) {
    const std::string path = Write(temp_.path() / "bad.toml", config_text);
    return RunMltrack("serve --data " + Data() + " --listen 127.0.0.1:0 --config " + path);
  }
};

TEST_F(ConfigFileTest, ConfigIsAppliedAndFlagsOverrideIt) {
  const std::string path = Write(temp_.path() / "mltrack.toml",
                                 "# limits for the test\n[http]\nmax-body = \"1KiB\"\n\n[log]\nformat = \"json\"\n");
  StartServer({"--config", path});
  const HttpResult refused = PostThreeKiB();
  EXPECT_EQ(refused.status, 413) << refused.Describe();
  EXPECT_NE(server_->LogTail().find(R"({"ts":)"), std::string::npos) << "[log] format = json not applied:\n"
                                                                     << server_->LogTail();
  server_->Kill();

  StartServer({"--config", path, "--max-body", "1MiB"});
  const HttpResult accepted = PostThreeKiB();
  EXPECT_EQ(accepted.status, 200) << accepted.Describe();
}

TEST_F(ConfigFileTest, TheDataDirectorysFileIsPickedUp) {
  Write(temp_.path() / "data" / "mltrack.toml", "[http]\nmax-body = 1024\n");
  StartServer();
  EXPECT_EQ(PostThreeKiB().status, 413);
  EXPECT_NE(server_->LogTail().find("configuration from"), std::string::npos) << server_->LogTail();
}

TEST_F(ConfigFileTest, TheDocumentedExampleStartsAServer) {
  // The example's listen, data and TLS files are the operator's: the test overrides them by flag.
  std::filesystem::create_directories(temp_.path() / "tls");
  const TestCertificate cert = MakeSelfSignedCertificate(temp_.path() / "tls");
  std::filesystem::create_directories(temp_.path() / "data");
  const std::string key = KeyFromOutput(RunMltrack("keys create --data " + Data() + " --scope admin"));
  ASSERT_FALSE(key.empty());
  StartServer({"--config", std::string(MLTRACK_SOURCE_DIR) + "/docs/mltrack.example.toml", "--tls-cert",
               cert.cert_file.string(), "--tls-key", cert.key_file.string()});
  const HttpResult fields = HttpsRequest(server_->port(), cert.cert_file, "GET", "/api/v1/fields", "",
                                         {{"Authorization", "Bearer " + key}});
  EXPECT_EQ(fields.status, 200) << fields.Describe();
}

TEST_F(ConfigFileTest, ABadFileStopsTheServerNamingTheLineKeyAndReason) {
  struct Case {
    std::string text;
    std::string names;
  };
  const Case cases[] = {
      {"[http]\nmax_body = \"1KiB\"\n", "line 2: unknown key [http] max_body"},
      {"log-level = \"debug\"\n", "line 1: unknown key log-level; did you mean [log] level?"},
      {"[htttp]\nmax-body = \"1KiB\"\n", "line 2: unknown table [htttp]"},
      {"listen = 127.0.0.1:8080\n", "line 1: dates and times are not supported"},
      {"[http]\nmax-body = true\n", "line 2: [http] max-body must be a string or a number, not a boolean"},
      {"demo = \"yes\"\n", "line 1: demo must be true or false, not a string"},
      {"\n\n[http]\nmax-body = \"lots\"\n", "--max-body: \"lots\" is not a size"},
      {"\n\n[http]\nmax-body = \"lots\"\n", "set by [http] max-body (line 4 of"},
      {"[log]\nlevel = \"loud\"\n", "--log-level must be trace, debug, info"},
  };
  for (const Case& bad : cases) {
    SCOPED_TRACE(bad.text);
    const CommandResult result = ServeWith(bad.text);
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_NE(result.output.find(bad.names), std::string::npos) << result.output;
  }
  // In <data>/mltrack.toml, data is the directory itself.
  Write(temp_.path() / "data" / "mltrack.toml", "data = \"/elsewhere\"\n");
  const CommandResult in_data = RunMltrack("serve --data " + Data() + " --listen 127.0.0.1:0");
  EXPECT_EQ(in_data.exit_code, 2) << in_data.output;
  EXPECT_NE(in_data.output.find("line 1: data may not be set"), std::string::npos) << in_data.output;
  const CommandResult missing = RunMltrack("serve --data " + Data() + " --config " + (temp_.path() / "nope.toml").string());
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_NE(missing.output.find("cannot read the config file"), std::string::npos) << missing.output;
}

}  // namespace
}  // namespace mltrack::integration
