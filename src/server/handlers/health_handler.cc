#include "server/handlers/handlers.h"

#include <chrono>

#include "core/version.h"
#include "core/json_writer.h"

namespace mltrack::server {

HttpResponse HandleHealth(AppContext& context, const HttpRequest& request) {
  backend::Stats stats = context.backend->GetStats();
  auto uptime = std::chrono::steady_clock::now() - context.started;
  JsonWriter json;
  json.BeginObject();
  json.Key("status");
  json.String(stats.problems.empty() ? "ok" : "degraded");
  json.Key("version");
  json.String(kVersion);
  json.Key("uptime_s");
  json.Int(std::chrono::duration_cast<std::chrono::seconds>(uptime).count());
  json.Key("events");
  json.Int(static_cast<int64_t>(stats.rows));
  json.Key("store");
  json.BeginObject();
  json.Key("memory_bytes");
  json.Int(static_cast<int64_t>(stats.memory_bytes));
  json.Key("disk_bytes");
  json.Int(static_cast<int64_t>(stats.disk_bytes));
  json.Key("wal_files");
  json.Int(static_cast<int64_t>(stats.wal_files));
  json.EndObject();
  json.Key("prices");
  json.BeginObject();
  json.Key("models");
  json.Int(static_cast<int64_t>(context.prices->model_count()));
  json.EndObject();
  json.Key("problems");
  json.BeginArray();
  for (const backend::Problem& problem : stats.problems) {
    json.BeginObject();
    json.Key("file");
    json.String(problem.file);
    json.Key("offset");
    json.Int(static_cast<int64_t>(problem.offset));
    json.Key("what");
    json.String(problem.what);
    json.Key("count");
    json.Int(static_cast<int64_t>(problem.count));
    if (problem.count > 1) {
      json.Key("last");
      json.BeginObject();
      json.Key("offset");
      json.Int(static_cast<int64_t>(problem.last_offset));
      json.Key("what");
      json.String(problem.last_what);
      json.EndObject();
    }
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
  return HttpResponse::Json(200, std::move(json).Take());
}

}  // namespace mltrack::server
