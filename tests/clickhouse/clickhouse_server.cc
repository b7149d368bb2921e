#include "clickhouse_server.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include "http_client.h"
#include "server_process.h"

namespace mltrack::integration {
namespace {

// Gone, or a zombie nobody reaps (the script that started it has exited).
bool ProcessGone(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return true;
  std::string line;
  std::getline(stat, line);
  const size_t paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] == 'Z';
}

}  // namespace

bool ClickHouseInstalled() { return std::filesystem::exists("/usr/sbin/clickhouse-server"); }

ClickHouseServer::ClickHouseServer(std::filesystem::path dir)
    : dir_(std::move(dir)), http_port_(FreePort()), tcp_port_(FreePort()), interserver_port_(FreePort()) {}

ClickHouseServer::~ClickHouseServer() { Kill(); }

void ClickHouseServer::SetExtraConfig(const std::string& xml_inside_yandex) { extra_config_ = xml_inside_yandex; }

::testing::AssertionResult ClickHouseServer::Start() {
  if (running()) return ::testing::AssertionSuccess();
  std::filesystem::create_directories(dir_ / "config.d");
  if (!extra_config_.empty()) {
    std::ofstream(dir_ / "config.d" / "mltrack.xml") << "<?xml version=\"1.0\"?>\n<yandex>\n" << extra_config_
                                                     << "\n</yandex>\n";
  }
  const std::string command = "bash '" + std::string(MLTRACK_SOURCE_DIR) + "/bench/clickhouse.sh' '" + dir_.string() +
                              "' " + std::to_string(http_port_) + " " + std::to_string(tcp_port_) + " " +
                              std::to_string(interserver_port_) + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return ::testing::AssertionFailure() << "cannot run " << command;
  std::string output;
  char buffer[512];
  while (size_t read = std::fread(buffer, 1, sizeof(buffer), pipe)) output.append(buffer, read);
  const int status = ::pclose(pipe);
  if (status != 0) return ::testing::AssertionFailure() << "clickhouse.sh failed: " << output;
  pid_ = static_cast<pid_t>(std::stol(output.substr(output.find_last_of("\n", output.size() - 2) + 1)));
  return ::testing::AssertionSuccess();
}

void ClickHouseServer::Kill() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  for (int attempt = 0; attempt < 300 && !ProcessGone(pid_); ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid_ = -1;
}

std::string ClickHouseServer::Url(const std::string& database, const std::string& suffix) const {
  return "clickhouse://127.0.0.1:" + std::to_string(http_port_) + "/" + database + suffix;
}

std::string ClickHouseServer::Execute(const std::string& sql, bool* ok) const {
  HttpClient client(http_port_);
  HttpResult result = client.Post("/", sql, "text/plain");
  if (ok) *ok = result.status == 200;
  return result.status == 200 ? result.body : "";
}

}  // namespace mltrack::integration
