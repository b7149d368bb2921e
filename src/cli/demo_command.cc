// `mltrack demo --data DIR [--days 60] [--events N] [--users N]`: writes demo traffic into a store.
#include <cstdio>

#include "backend/embedded/embedded_backend.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "cli/setup.h"
#include "store/embedded_store.h"

namespace mltrack::cli {
namespace {

bool ParsePositive(const std::string& text, size_t& out) {
  Result<size_t> number = ParseCount(text);
  if (!number.ok() || *number == 0) return false;
  out = *number;
  return true;
}

}  // namespace

int RunDemo(const std::vector<std::string>& args) {
  Result<Flags> flags = Flags::Parse(args, {"data", "days", "events", "users", "prices", "seed"}, {});
  if (!flags.ok()) {
    std::fprintf(stderr, "mltrack demo: %s\n", flags.status().message().c_str());
    return 2;
  }
  if (!flags->Has("data")) {
    std::fprintf(stderr, "mltrack demo: --data DIR is required\n");
    return 2;
  }
  demo::DemoOptions options;
  size_t days = 30;
  if (!ParsePositive(flags->GetOr("days", "60"), days) || days > 3650) {
    std::fprintf(stderr, "mltrack demo: --days must be a whole number from 1 to 3650\n");
    return 2;
  }
  options.days = static_cast<int>(days);
  if (!ParsePositive(flags->GetOr("events", "400000"), options.events)) {
    std::fprintf(stderr, "mltrack demo: --events must be a positive whole number\n");
    return 2;
  }
  if (!ParsePositive(flags->GetOr("users", "300"), options.users)) {
    std::fprintf(stderr, "mltrack demo: --users must be a positive whole number\n");
    return 2;
  }
  size_t seed = 42;
  if (!ParsePositive(flags->GetOr("seed", "42"), seed)) {
    std::fprintf(stderr, "mltrack demo: --seed must be a positive whole number\n");
    return 2;
  }
  options.seed = seed;
  Result<PriceCatalogue> prices = LoadPrices(flags->Get("prices"));
  if (!prices.ok()) {
    std::fprintf(stderr, "mltrack demo: %s\n", prices.status().message().c_str());
    return 1;
  }
  store::StoreOptions store_options;
  store_options.dir = *flags->Get("data");
  Result<std::unique_ptr<store::EmbeddedStore>> store = store::EmbeddedStore::Open(store_options);
  if (!store.ok()) {
    std::fprintf(stderr, "mltrack demo: %s\n", store.status().ToString().c_str());
    return 1;
  }
  backend::EmbeddedBackend backend(std::move(*store), /*query_cache_bytes=*/0);
  Result<size_t> written = WriteDemoTraffic(backend, *prices, options);
  backend.Close();
  if (!written.ok()) {
    std::fprintf(stderr, "mltrack demo: %s\n", written.status().ToString().c_str());
    return 1;
  }
  std::printf("mltrack demo: stored %zu events over %d days in %s\n", *written, options.days,
              store_options.dir.c_str());
  return 0;
}

}  // namespace mltrack::cli
