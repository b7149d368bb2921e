#include "server/logging/json_log.h"

#include <chrono>
#include <ctime>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/json_writer.h"
#include "server/logging/request_id.h"

namespace mltrack::server::logging {
namespace {

class JsonLogFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto since_epoch = msg.time.time_since_epoch();
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
    const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds).count();
    const std::time_t t = static_cast<std::time_t>(seconds.count());
    std::tm utc{};
    ::gmtime_r(&t, &utc);
    char stamp[32];
    std::strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &utc);

    JsonWriter json;
    json.BeginObject();
    json.Key("ts");
    json.String(fmt::format("{}.{:03}Z", stamp, millis));
    json.Key("level");
    const auto level = spdlog::level::to_string_view(msg.level);
    json.String(std::string_view(level.data(), level.size()));
    json.Key("msg");
    json.String(std::string_view(msg.payload.data(), msg.payload.size()));
    if (const std::string_view id = CurrentRequestId(); !id.empty()) {
      json.Key("request_id");
      json.String(id);
    }
    json.EndObject();
    const std::string& line = json.str();
    dest.append(line.data(), line.data() + line.size());
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonLogFormatter>(); }
};

}  // namespace

std::unique_ptr<spdlog::formatter> MakeJsonLogFormatter() { return std::make_unique<JsonLogFormatter>(); }

void UseJsonLogs() { spdlog::set_formatter(MakeJsonLogFormatter()); }

}  // namespace mltrack::server::logging
