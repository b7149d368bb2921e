// mltrack: the command-line entry point (DESIGN.md §5). Each subcommand lives in its own file.
#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.h"
#include "core/version.h"

namespace {

constexpr const char* kUsage = R"(mltrack — LLM call analytics in one binary

usage:
  mltrack serve --data DIR [--listen 127.0.0.1:8080] [--demo] [--prices FILE]
                [--max-body 16MiB] [--max-inflight 256MiB] [--max-inflight-wait-ms 1000]
                [--retention 90d] [--query-cache 64MiB] [--web-dir DIR] [--log-level info]
                [--upstream openai=URL] [--upstream anthropic=URL] [--upstream-ca FILE]
                [--upstream-timeout 600s] [--proxy-cache 64MiB] [--proxy-cache-ttl 300s]
                [--rate-limit N] [--rate-burst N] [--max-connections 4096] [--read-timeout 30s]
                [--anonymous-rate-limit N] [--anonymous-rate-burst N] [--webhook-ca FILE]
                [--tls-cert FILE --tls-key FILE] [--config mltrack.toml]
  mltrack demo  --data DIR [--days 60] [--events 400000] [--users 300] [--prices FILE]
  mltrack import --mlflow-dir PATH --data DIR [--prices FILE]
  mltrack backup --data DIR --out PATH        (while a server runs on DIR)
  mltrack restore --from PATH --data NEW_DIR
  mltrack keys create --data DIR --scope ingest|read|admin [--name NAME]
  mltrack keys list --data DIR | mltrack keys revoke --data DIR ID
  mltrack inspect --data DIR                  (disk bytes per column; safe while a server runs)
  mltrack --version

`serve` runs the server: ingest at POST /api/v1/events and POST /v1/traces (OTLP), queries at
POST /api/v1/query, the LLM proxy under /proxy/openai/v1 and /proxy/anthropic, dashboards at /, the MLflow REST API under /api/2.0/mlflow/. `--demo` fills an empty store with 60 days of demo traffic first.
Every serve option can also be set in mltrack.toml (--config, or DIR/mltrack.toml; flags win);
--tls-cert/--tls-key serve HTTPS and WSS (docs/operations.md).
`keys` manages API keys: once one exists, every API call needs `Authorization: Bearer <key>`
(docs/security.md).
`import --mlflow-dir` stores the finished runs of an MLflow file store (mlruns/) as events, once each.
`backup` copies a store, live or not, as one consistent moment; `restore` puts it in a new directory.
`inspect` prints the store's disk bytes per column, summed from the segments' footers (docs/operations.md).
)";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    std::printf("mltrack %s\n", mltrack::kVersion);
    return 0;
  }
  std::string command = args[0];
  args.erase(args.begin());
  // `mltrack serve --help` and the like: the usage, not "unknown option --help".
  if (std::find_if(args.begin(), args.end(), [](const std::string& arg) { return arg == "--help" || arg == "-h"; }) !=
      args.end()) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (command == "serve") return mltrack::cli::RunServe(args);
  if (command == "demo") return mltrack::cli::RunDemo(args);
  if (command == "import") return mltrack::cli::RunImport(args);
  if (command == "backup") return mltrack::cli::RunBackup(args);
  if (command == "restore") return mltrack::cli::RunRestore(args);
  if (command == "keys") return mltrack::cli::RunKeys(args);
  if (command == "inspect") return mltrack::cli::RunInspect(args);
  std::fprintf(stderr, "mltrack: unknown command \"%s\"\n\n%s", command.c_str(), kUsage);
  return 2;
}
