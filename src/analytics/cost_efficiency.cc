// Token efficiency per model (cost per 1K tokens, input/output split, cached share, what prompt
// caching saved) and the unpriced calls, both folded from the spend rows.
#include <algorithm>
#include <map>
#include <tuple>

#include "analytics/cost_sections.h"
#include "analytics/dashboard_support.h"

namespace mltrack::analytics::cost {
namespace {

// nano-USD per million tokens × tokens → nano-USD, rounded half up (exact in 128 bits).
NanoUsd PriceTokens(int64_t price_per_mtok, int64_t tokens) {
  if (tokens <= 0 || price_per_mtok <= 0) return 0;
  __int128 product = static_cast<__int128>(price_per_mtok) * tokens;
  return static_cast<NanoUsd>((product + 500'000) / 1'000'000);
}

// Fills the list prices, the input/output split and the caching savings from the catalogue.
// Tiered prices are taken at the model's mean input tokens per call (tiers apply per call).
void PriceFromCatalogue(ModelEfficiency& model, const PriceCatalogue& prices, int64_t at_ms) {
  std::optional<PriceMatch> match = prices.Find(model.provider == kNone ? "" : model.provider, model.model);
  if (!match || !match->model) return;
  const PriceSet& set = match->model->pricing.At(at_ms);
  if (!set.input_mtok || !set.output_mtok) return;
  const int64_t mean_input = model.calls > 0 ? model.input_tokens / model.calls : 0;
  const int64_t input_price = set.input_mtok->At(mean_input);
  const int64_t output_price = set.output_mtok->At(mean_input);
  const int64_t cache_read_price = set.cache_read_mtok ? set.cache_read_mtok->At(mean_input) : input_price;
  model.list_input_per_mtok = input_price;
  model.list_output_per_mtok = output_price;
  model.list_cache_read_per_mtok = cache_read_price;

  // Cache writes count as plain input here (their own price is close to it, and summing them would
  // cost the dashboard another sparse column).
  const int64_t plain_input = std::max<int64_t>(0, model.input_tokens - model.cached_input_tokens);
  const NanoUsd list_input =
      PriceTokens(input_price, plain_input) + PriceTokens(cache_read_price, model.cached_input_tokens);
  const NanoUsd list_output = PriceTokens(output_price, model.output_tokens);
  if (model.priced_calls > 0 && list_input + list_output > 0) {
    const double input_share = static_cast<double>(list_input) / static_cast<double>(list_input + list_output);
    model.input_cost_usd = Usd(model.cost) * input_share;
    model.output_cost_usd = Usd(model.cost) * (1.0 - input_share);
  }
  model.caching_saved = PriceTokens(input_price, model.cached_input_tokens) -
                        PriceTokens(cache_read_price, model.cached_input_tokens);
}

}  // namespace

std::vector<ModelEfficiency> Efficiency(const std::vector<SpendRow>& rows,
                                        const PriceCatalogue* prices, int64_t at_ms) {
  std::map<std::pair<std::string, std::string>, ModelEfficiency> by_model;
  for (const SpendRow& row : rows) {
    ModelEfficiency& model = by_model[{row.provider, row.model}];
    model.provider = row.provider;
    model.model = row.model;
    model.calls += row.calls;
    model.priced_calls += row.priced_calls;
    model.cost += row.cost;
    model.input_tokens += row.input_tokens;
    model.output_tokens += row.output_tokens;
    model.cached_input_tokens += row.cached_input_tokens;
  }
  std::vector<ModelEfficiency> models;
  for (auto& [key, model] : by_model) {
    if (model.model == kNone) continue;  // tool calls and runs without a model
    if (prices) PriceFromCatalogue(model, *prices, at_ms);
    models.push_back(std::move(model));
  }
  std::sort(models.begin(), models.end(), [](const ModelEfficiency& a, const ModelEfficiency& b) {
    return std::tie(b.cost, b.calls, a.model, a.provider) < std::tie(a.cost, a.calls, b.model, b.provider);
  });
  return models;
}

Result<UnpricedUsage> Unpriced(const DashboardParams& params, const std::vector<SpendRow>& rows,
                               const QueryRunner& run) {
  std::map<std::pair<std::string, std::string>, SpendRow> by_model;
  for (const SpendRow& row : rows) {
    SpendRow& model = by_model[{row.model, row.provider}];
    model.model = row.model;
    model.provider = row.provider;
    model.calls += row.calls;
    model.priced_calls += row.priced_calls;
    model.input_tokens += row.input_tokens;
    model.output_tokens += row.output_tokens;
  }
  UnpricedUsage usage;
  bool mixed = false;
  for (const auto& [key, model] : by_model) {
    if (model.priced_calls == 0 && model.calls > 0) {
      usage.models.push_back({model.provider, model.model, model.calls, model.input_tokens, model.output_tokens});
    } else if (model.priced_calls < model.calls) {
      mixed = true;  // some calls priced, some not: their tokens need their own query
    }
  }
  if (mixed) {
    usage.models.clear();
    query::QuerySpec spec = BaseSpec(params, params.from_ms, params.to_ms);
    query::Filter unpriced;
    unpriced.field = FieldRef{FieldId::kCostUsd, {}};
    unpriced.op = query::FilterOp::kExists;
    unpriced.exists = false;
    spec.filters.push_back(std::move(unpriced));
    spec.group_by = {FieldRef{FieldId::kModel, {}}, FieldRef{FieldId::kProvider, {}}};
    MLTRACK_RETURN_IF_ERROR(AddMetrics(spec, {"count", "sum:input_tokens", "sum:output_tokens"}));
    spec.limit = query::kMaxQueryLimit;
    Result<query::QueryResult> result = run(spec);
    if (!result.ok()) return result.status();
    for (const auto& cells : result->rows) {
      usage.models.push_back({KeyOf(cells[1]), KeyOf(cells[0]), CellInt(cells[2]).value_or(0),
                              CellInt(cells[3]).value_or(0), CellInt(cells[4]).value_or(0)});
    }
  }
  std::sort(usage.models.begin(), usage.models.end(), [](const UnpricedModel& a, const UnpricedModel& b) {
    return std::tie(b.calls, a.model, a.provider) < std::tie(a.calls, b.model, b.provider);
  });
  for (const UnpricedModel& model : usage.models) {
    usage.calls += model.calls;
    usage.input_tokens += model.input_tokens;
    usage.output_tokens += model.output_tokens;
  }
  return usage;
}

}  // namespace mltrack::analytics::cost
