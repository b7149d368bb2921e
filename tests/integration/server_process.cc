#include "server_process.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "http_client.h"

namespace mltrack::integration {

std::string MltrackBinary() {
  if (const char* env = std::getenv("MLTRACK_BINARY"); env != nullptr && *env != '\0') return env;
#ifdef MLTRACK_BINARY_PATH
  return MLTRACK_BINARY_PATH;
#else
  return "build/mltrack";
#endif
}

uint16_t FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  uint16_t port = 0;
  socklen_t length = sizeof(address);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  return port;
}

ServerProcess::ServerProcess(std::filesystem::path data_dir, std::filesystem::path log_path,
                             std::vector<std::string> extra_args)
    : data_dir_(std::move(data_dir)), log_path_(std::move(log_path)), extra_args_(std::move(extra_args)) {}

ServerProcess::~ServerProcess() {
  if (kSanitized && running()) {
    Terminate(std::chrono::seconds(30));
  } else {
    Kill();
  }
}

std::string SanitizerReport(std::string_view log, size_t max_bytes) {
  size_t start = std::string_view::npos;
  for (std::string_view marker : {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"}) {
    start = std::min(start, log.find(marker));
  }
  if (start == std::string_view::npos) return {};
  // From the start of the line, so a UBSan report keeps its file:line prefix.
  const size_t line = log.rfind('\n', start);
  start = line == std::string_view::npos ? 0 : line + 1;
  return std::string(log.substr(start, max_bytes));
}

void ServerProcess::CheckSanitizerReports() {
  std::ifstream in(log_path_, std::ios::binary);
  if (!in) return;
  in.seekg(static_cast<std::streamoff>(log_checked_));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  const std::string fresh = bytes.str();
  log_checked_ += fresh.size();
  if (std::string report = SanitizerReport(fresh); !report.empty()) {
    ADD_FAILURE() << "the server (" << log_path_ << ") logged a sanitizer report:\n" << report;
  }
}

std::string ServerProcess::LogTail(size_t max_bytes) const {
  std::ifstream in(log_path_, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  std::string log = bytes.str();
  if (log.size() > max_bytes) log = "..." + log.substr(log.size() - max_bytes);
  return log;
}

::testing::AssertionResult ServerProcess::Start() {
  if (running()) return ::testing::AssertionFailure() << "server already running (pid " << pid_ << ")";
  if (port_ == 0) port_ = FreePort();
  for (int attempt = 0; attempt < 3; ++attempt) {
    ::testing::AssertionResult started = Spawn();
    if (started) return started;
    // The port may have been taken since we picked it: try another one.
    if (!running() && LogTail().find("in use") != std::string::npos) {
      port_ = FreePort();
      continue;
    }
    return started;
  }
  return ::testing::AssertionFailure() << "could not find a free port";
}

::testing::AssertionResult ServerProcess::Spawn() {
  const std::string binary = MltrackBinary();
  std::vector<std::string> args = {binary, "serve", "--data", data_dir_.string(), "--listen",
                                   "127.0.0.1:" + std::to_string(port_)};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  const int log_fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return ::testing::AssertionFailure() << "cannot open " << log_path_;
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    return ::testing::AssertionFailure() << "fork failed";
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(log_fd);
  pid_ = pid;

  HttpClient client(port_, std::chrono::seconds(5));
  // Under ASan a `serve --demo` (400,000 events made before it listens) took over 60 s on a loaded
  // machine (PredictiveTest): a sanitized build gets four times as long.
  const std::chrono::seconds start_limit(kSanitized ? 240 : 60);
  const auto deadline = std::chrono::steady_clock::now() + start_limit;
  while (std::chrono::steady_clock::now() < deadline) {
    int wait_status = 0;
    if (::waitpid(pid_, &wait_status, WNOHANG) == pid_) {
      pid_ = -1;
      CheckSanitizerReports();
      return ::testing::AssertionFailure() << binary << " exited early (wait status " << wait_status
                                           << ") on port " << port_ << "; log:\n" << LogTail();
    }
    HttpResult health = client.Get("/api/health");
    if (health.status == 200) return ::testing::AssertionSuccess();
    // A server with --tls-cert answers plain HTTP 400 tls_required: it is up (tls_test.cc).
    if (health.status == 400 && health.body.find("\"tls_required\"") != std::string::npos) {
      return ::testing::AssertionSuccess();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  Kill();
  return ::testing::AssertionFailure() << binary << " did not answer GET /api/health with 200 within " << start_limit.count()
                                       << " s; log:\n"
                                       << LogTail();
}

int ServerProcess::WaitExit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int wait_status = 0;
    const pid_t reaped = ::waitpid(pid_, &wait_status, WNOHANG);
    if (reaped == pid_ || (reaped < 0 && errno == ECHILD)) {
      pid_ = -1;
      CheckSanitizerReports();
      return wait_status;
    }
    if (std::chrono::steady_clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void ServerProcess::Kill() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  int wait_status = 0;
  ::waitpid(pid_, &wait_status, 0);
  pid_ = -1;
  CheckSanitizerReports();
}

int ServerProcess::Terminate(std::chrono::seconds timeout) {
  if (!running()) return -1000;
  ::kill(pid_, SIGTERM);
  int wait_status = WaitExit(timeout);
  if (wait_status == -1) {
    Kill();
    return -SIGKILL;
  }
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return -WTERMSIG(wait_status);
  return -1000;
}

::testing::AssertionResult ServerProcess::Restart() {
  Kill();
  return Start();
}

}  // namespace mltrack::integration
