// `mltrack keys create|list|revoke --data DIR`: the API keys of a data directory
// (docs/security.md). A running server picks up changes within a second.
#include <cstdio>
#include <filesystem>
#include <map>

#include "cli/commands.h"
#include "cli/flags.h"
#include "core/time.h"
#include "server/auth/key_store.h"
#include "server/auth/key_usage.h"

namespace mltrack::cli {
namespace {

using server::auth::KeyRecord;
using server::auth::KeyStore;

constexpr const char* kKeysUsage =
    "usage: mltrack keys create --data DIR --scope ingest|read|admin [--name NAME]\n"
    "       mltrack keys list   --data DIR\n"
    "       mltrack keys revoke --data DIR ID\n";

int Fail(const std::string& message, int code) {
  std::fprintf(stderr, "mltrack keys: %s\n", message.c_str());
  return code;
}

int Create(KeyStore& store, const Flags& flags) {
  if (!flags.Has("scope")) return Fail("--scope ingest|read|admin is required", 2);
  const std::optional<server::auth::Scope> scope = server::auth::ParseScope(*flags.Get("scope"));
  if (!scope) return Fail("--scope must be ingest, read or admin, got \"" + *flags.Get("scope") + "\"", 2);
  auto created = store.Create(*scope, flags.GetOr("name", ""), NowMs());
  if (!created.ok()) return Fail(created.status().message(), created.status().code() == StatusCode::kInvalidArgument ? 2 : 1);
  std::printf("%s\n", created->second.c_str());
  std::fprintf(stderr, "created key %s (scope %s%s%s). It is shown only this once: store it now.\n",
               created->first.id.c_str(), std::string(ScopeName(*scope)).c_str(), created->first.name.empty() ? "" : ", name ",
               created->first.name.c_str());
  return 0;
}

// LAST USED is what running servers wrote to <data>/api_keys_used: at most a minute old while a
// server runs, exact after it stopped (docs/security.md, "Last used").
int List(const KeyStore& store, const std::filesystem::path& dir) {
  const std::map<std::string, int64_t> used = server::auth::KeyUsage::Read(dir);
  std::printf("%-12s  %-6s  %-20s  %-24s  %-24s  %s\n", "ID", "SCOPE", "NAME", "CREATED", "LAST USED", "STATUS");
  for (const KeyRecord& key : store.List()) {
    const std::string status = key.active() ? "active" : "revoked " + FormatRfc3339(key.revoked_ms);
    const auto last = used.find(key.id);
    const std::string last_used = last == used.end() ? "never" : FormatRfc3339(last->second);
    std::printf("%-12s  %-6s  %-20s  %-24s  %-24s  %s\n", key.id.c_str(), std::string(ScopeName(key.scope)).c_str(),
                key.name.empty() ? "-" : key.name.c_str(), FormatRfc3339(key.created_ms).c_str(), last_used.c_str(),
                status.c_str());
  }
  return 0;
}

}  // namespace

int RunKeys(const std::vector<std::string>& args) {
  if (args.empty() || (args[0] != "create" && args[0] != "list" && args[0] != "revoke")) {
    std::fputs(kKeysUsage, stderr);
    return 2;
  }
  const std::string action = args[0];
  Result<Flags> flags = Flags::Parse(std::vector<std::string>(args.begin() + 1, args.end()), {"data", "scope", "name"}, {});
  if (!flags.ok()) return Fail(flags.status().message(), 2);
  if (!flags->Has("data")) return Fail("--data DIR is required", 2);
  const std::filesystem::path dir = *flags->Get("data");
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    if (action != "create") return Fail("no data directory " + dir.string(), 1);
    std::filesystem::create_directories(dir, ec);
    if (ec) return Fail("cannot create " + dir.string() + ": " + ec.message(), 1);
  }
  auto store = KeyStore::Open(dir);
  if (!store.ok()) return Fail(store.status().message(), 1);
  if (action == "create") return Create(**store, *flags);
  if (action == "list") return List(**store, dir);
  if (flags->positional().size() != 1) return Fail("revoke takes one key id (see `mltrack keys list`)", 2);
  const Status revoked = (*store)->Revoke(flags->positional()[0], NowMs());
  if (!revoked.ok()) return Fail(revoked.message(), revoked.code() == StatusCode::kNotFound ? 1 : 1);
  std::fprintf(stderr, "revoked key %s\n", flags->positional()[0].c_str());
  return 0;
}

}  // namespace mltrack::cli
