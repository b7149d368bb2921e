#pragma once
// A clickhouse-server child for tests: Debian's 18.16 binary started by bench/clickhouse.sh
// with a private config in a temp directory on free loopback ports (no systemd), optionally
// with extra configuration (a cluster) in config.d/. Stopped by the destructor.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

namespace mltrack::integration {

// Whether clickhouse-server is installed (tests skip, loudly, where it is not: make test
// installs it through scripts/install_deps.sh).
bool ClickHouseInstalled();

class ClickHouseServer {
 public:
  explicit ClickHouseServer(std::filesystem::path dir);
  ~ClickHouseServer();
  ClickHouseServer(const ClickHouseServer&) = delete;
  ClickHouseServer& operator=(const ClickHouseServer&) = delete;

  // Written to config.d/mltrack.xml (inside <yandex>) before the next Start().
  void SetExtraConfig(const std::string& xml_inside_yandex);
  // Starts the server (on the ports picked at construction, the same on every start) and waits
  // until it answers.
  ::testing::AssertionResult Start();
  // SIGKILL (an outage that gives no warning), and waits until the process is gone.
  void Kill();

  bool running() const { return pid_ > 0; }
  uint16_t http_port() const { return http_port_; }
  uint16_t tcp_port() const { return tcp_port_; }
  // "clickhouse://127.0.0.1:<http>/<database>" plus `suffix` ("?cluster=...").
  std::string Url(const std::string& database, const std::string& suffix = "") const;
  // Runs one statement over HTTP; the response body, or "" with *ok false.
  std::string Execute(const std::string& sql, bool* ok = nullptr) const;

 private:
  std::filesystem::path dir_;
  std::string extra_config_;
  uint16_t http_port_ = 0;
  uint16_t tcp_port_ = 0;
  uint16_t interserver_port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace mltrack::integration
