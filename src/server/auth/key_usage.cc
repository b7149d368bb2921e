#include "server/auth/key_usage.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <fstream>
#include <sstream>

namespace mltrack::server::auth {
namespace {

constexpr std::string_view kHeader = "mltrack api_keys_used 1";

}  // namespace

KeyUsage::KeyUsage(std::filesystem::path data_dir, std::chrono::milliseconds flush_interval)
    : path_(data_dir / kFileName), flush_interval_(flush_interval), used_(Read(data_dir)), writer_([this] { Loop(); }) {}

KeyUsage::~KeyUsage() { Stop(); }

void KeyUsage::Touch(std::string_view id, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto [entry, inserted] = used_.try_emplace(std::string(id), now_ms);
  if (!inserted && entry->second >= now_ms) return;
  entry->second = now_ms;
  dirty_ = true;
}

void KeyUsage::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
  if (Status written = Write(); !written.ok()) spdlog::warn("api key usage: {}", written.ToString());
}

void KeyUsage::Loop() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, flush_interval_, [this] { return stopping_; })) {
    lock.unlock();
    if (Status written = Write(); !written.ok()) spdlog::warn("api key usage: {}", written.ToString());
    lock.lock();
  }
}

Status KeyUsage::Write() {
  std::map<std::string, int64_t> snapshot;
  {
    std::lock_guard lock(mutex_);
    if (!dirty_) return Status::OK();
    snapshot = used_;
    dirty_ = false;
  }
  std::ostringstream text;
  text << kHeader << "\n";
  for (const auto& [id, ms] : snapshot) text << id << " " << ms << "\n";
  // Written whole and renamed into place: a reader never sees half a file. Not synced: losing the
  // last minute in a crash is acceptable for this statistic.
  const std::filesystem::path temporary = path_.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text.str();
    if (!out.flush()) return Status::IOError("cannot write " + temporary.string());
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path_, ec);
  if (ec) return Status::IOError("cannot rename " + temporary.string() + ": " + ec.message());
  return Status::OK();
}

std::map<std::string, int64_t> KeyUsage::Read(const std::filesystem::path& data_dir) {
  std::map<std::string, int64_t> used;
  std::ifstream in(data_dir / kFileName);
  std::string line;
  if (!std::getline(in, line) || line != kHeader) return used;
  while (std::getline(in, line)) {
    const size_t space = line.find(' ');
    if (space == std::string::npos) continue;
    int64_t ms = 0;
    const auto [end, ec] = std::from_chars(line.data() + space + 1, line.data() + line.size(), ms);
    if (ec == std::errc() && end == line.data() + line.size()) used[line.substr(0, space)] = ms;
  }
  return used;
}

}  // namespace mltrack::server::auth
