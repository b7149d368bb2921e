#include "cli/setup.h"

#include <cstdio>

#include "ingest/pricing.h"

namespace mltrack::cli {

Result<PriceCatalogue> LoadPrices(const std::optional<std::string>& prices_file) {
  std::string_view embedded = EmbeddedPriceCatalogue();
  PriceCatalogue catalogue;
  if (embedded.empty()) {
    std::fprintf(stderr,
                 "mltrack: warning: no price catalogue was embedded at build time (run `make "
                 "prices` before building); costs are only priced from --prices\n");
  } else {
    Result<PriceCatalogue> parsed = PriceCatalogue::Parse(embedded);
    if (!parsed.ok()) return parsed.status();
    catalogue = std::move(*parsed);
  }
  if (prices_file) {
    Result<PriceCatalogue> extra = PriceCatalogue::LoadFile(*prices_file);
    if (!extra.ok()) {
      return Status::InvalidArgument("--prices " + *prices_file + ": " + extra.status().message());
    }
    catalogue.Merge(std::move(*extra));
  }
  return catalogue;
}

Result<size_t> WriteDemoTraffic(backend::Backend& backend, const PriceCatalogue& prices,
                                const ingest::DemoOptions& options) {
  ingest::DemoTraffic traffic(options.seed);
  size_t stored = 0;
  Status status = traffic.Generate(options, [&](EventBatch&& batch) -> Status {
    ingest::PriceEvents(prices, batch);
    Result<backend::AppendResult> appended = backend.Append(std::move(batch));
    if (!appended.ok()) return appended.status();
    stored += appended->accepted;
    return Status::OK();
  });
  if (!status.ok()) return status;
  return stored;
}

}  // namespace mltrack::cli
