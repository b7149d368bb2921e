// PriceCatalogue lookups: which catalogue model a (provider, model) reference means, and merging.
#include "core/price_catalogue.h"

#include <mutex>
#include <unordered_map>

namespace mltrack {

// A resolved reference as indices, so memo entries stay valid while the catalogue is moved.
struct PriceCatalogue::Located {
  size_t provider_idx = 0;        // whose price list priced it
  size_t model_provider_idx = 0;  // where the model lives (a fallback provider, or the same)
  size_t model_idx = 0;
  bool inferred = false;
  bool ambiguous = false;
};

// Resolving a name walks every match rule of a provider (or of all ~1,700 models), so results are
// memoized per distinct (provider, model) pair; real traffic has few distinct pairs. Bounded so
// hostile input cannot grow it without limit.
struct PriceCatalogue::Memo {
  static constexpr size_t kMaxEntries = 1 << 16;
  std::mutex mutex;
  std::unordered_map<std::string, std::optional<Located>> entries;
};

namespace {

// Provider names in common use (LiteLLM, OpenTelemetry gen_ai.system, SDKs) that the catalogue's
// own provider_match rules miss or would send elsewhere ("azure_openai" contains "openai").
constexpr std::pair<std::string_view, std::string_view> kProviderAliases[] = {
    {"azure_openai", "azure"},
    {"azure-openai", "azure"},
    {"azure_ai", "azure"},
    {"azure-ai", "azure"},
    {"az.ai.inference", "azure"},
    {"fireworks_ai", "fireworks"},
    {"fireworks-ai", "fireworks"},
    {"zhipu", "zhipuai"},
    {"z.ai", "zai"},
    {"x.ai", "x-ai"},
    {"gcp.gemini", "google"},
    {"gcp.vertex_ai", "google"},
    {"aws.bedrock", "aws"},
    {"mistral_ai", "mistral"},
};

// The model name and the names after each '/' in it ("a/b/c" → "a/b/c", "b/c", "c"), so that
// "openai/gpt-4o" and "models/gemini-1.5-pro" are found under their plain names.
std::vector<std::string> NameVariants(const std::string& model) {
  std::vector<std::string> variants{model};
  for (size_t pos = model.find('/'); pos != std::string::npos; pos = model.find('/', pos + 1)) {
    if (pos + 1 < model.size()) variants.push_back(model.substr(pos + 1));
  }
  return variants;
}

std::optional<size_t> DirectMatch(const PriceProvider& provider, std::string_view model) {
  for (size_t model_idx = 0; model_idx < provider.models.size(); ++model_idx) {
    if (provider.models[model_idx].match.Matches(model)) return model_idx;
  }
  return std::nullopt;
}

}  // namespace

PriceCatalogue::PriceCatalogue() : memo_(std::make_unique<Memo>()) {}
PriceCatalogue::~PriceCatalogue() = default;
PriceCatalogue::PriceCatalogue(PriceCatalogue&&) noexcept = default;
PriceCatalogue& PriceCatalogue::operator=(PriceCatalogue&&) noexcept = default;

size_t PriceCatalogue::model_count() const {
  size_t count = 0;
  for (const PriceProvider& provider : providers_) count += provider.models.size();
  return count;
}

void PriceCatalogue::Merge(PriceCatalogue overrides) {
  std::vector<PriceProvider> added;
  for (PriceProvider& incoming : overrides.providers_) {
    auto existing =
        std::find_if(providers_.begin(), providers_.end(),
                     [&](const PriceProvider& provider) { return provider.id == incoming.id; });
    if (existing == providers_.end()) {
      added.push_back(std::move(incoming));
      continue;
    }
    if (!incoming.name.empty()) existing->name = std::move(incoming.name);
    if (incoming.provider_match.kind() != MatchRule::Kind::kNever) {
      existing->provider_match = std::move(incoming.provider_match);
    }
    if (incoming.model_match.kind() != MatchRule::Kind::kNever) {
      existing->model_match = std::move(incoming.model_match);
    }
    if (!incoming.fallback_model_providers.empty()) {
      existing->fallback_model_providers = std::move(incoming.fallback_model_providers);
    }
    existing->models.insert(existing->models.begin(),
                            std::make_move_iterator(incoming.models.begin()),
                            std::make_move_iterator(incoming.models.end()));
  }
  providers_.insert(providers_.begin(), std::make_move_iterator(added.begin()),
                    std::make_move_iterator(added.end()));
  if (!memo_) memo_ = std::make_unique<Memo>();
  std::lock_guard<std::mutex> lock(memo_->mutex);
  memo_->entries.clear();
}

std::optional<size_t> PriceCatalogue::ProviderByName(std::string_view name) const {
  if (name.empty()) return std::nullopt;
  for (size_t idx = 0; idx < providers_.size(); ++idx) {
    if (providers_[idx].id == name) return idx;
  }
  for (const auto& [alias, id] : kProviderAliases) {
    if (alias != name) continue;
    for (size_t idx = 0; idx < providers_.size(); ++idx) {
      if (providers_[idx].id == id) return idx;
    }
  }
  for (size_t idx = 0; idx < providers_.size(); ++idx) {
    if (providers_[idx].provider_match.Matches(name)) return idx;
  }
  return std::nullopt;
}

// Upstream's per-provider search: the provider's own models, then its fallback providers'
// (Azure sells OpenAI's), then the same again with compact dates expanded.
std::optional<PriceCatalogue::Located> PriceCatalogue::FindInProvider(
    size_t provider_idx, const std::string& model) const {
  const std::string expanded = ExpandCompactDates(model);
  for (const std::string* name : {&model, &expanded}) {
    if (name == &expanded && expanded == model) break;
    const PriceProvider& provider = providers_[provider_idx];
    if (auto model_idx = DirectMatch(provider, *name)) {
      return Located{provider_idx, provider_idx, *model_idx};
    }
    for (const std::string& fallback_id : provider.fallback_model_providers) {
      for (size_t fallback_idx = 0; fallback_idx < providers_.size(); ++fallback_idx) {
        if (providers_[fallback_idx].id != fallback_id) continue;
        if (auto model_idx = DirectMatch(providers_[fallback_idx], *name)) {
          return Located{provider_idx, fallback_idx, *model_idx};
        }
      }
    }
  }
  return std::nullopt;
}

std::optional<PriceCatalogue::Located> PriceCatalogue::Resolve(const std::string& provider,
                                                               const std::string& model) const {
  if (model.empty()) return std::nullopt;
  const std::vector<std::string> variants = NameVariants(model);
  // 1. A provider the caller named and the catalogue knows decides alone.
  if (std::optional<size_t> named = ProviderByName(provider)) {
    for (const std::string& variant : variants) {
      if (auto found = FindInProvider(*named, variant)) return found;
    }
    return std::nullopt;
  }
  auto inferred = [](Located found, bool ambiguous) {
    found.inferred = true;
    found.ambiguous = ambiguous;
    return found;
  };
  // 2. The model's home provider: a path prefix naming a provider ("openai/gpt-4o"), then the
  //    providers whose model_match claims the name ("gpt-" → openai, "claude" → anthropic).
  for (size_t variant_idx = 0; variant_idx < variants.size(); ++variant_idx) {
    const std::string& variant = variants[variant_idx];
    if (variant_idx > 0) {
      const std::string prefix = model.substr(0, model.size() - variant.size() - 1);
      const size_t slash = prefix.rfind('/');
      const std::string segment = slash == std::string::npos ? prefix : prefix.substr(slash + 1);
      if (auto prefixed = ProviderByName(segment)) {
        if (auto found = FindInProvider(*prefixed, variant)) return inferred(*found, false);
      }
    }
    for (size_t provider_idx = 0; provider_idx < providers_.size(); ++provider_idx) {
      if (!providers_[provider_idx].model_match.Matches(variant)) continue;
      if (auto found = FindInProvider(provider_idx, variant)) return inferred(*found, false);
    }
  }
  // 3. Any provider that lists the model; ambiguous when several do.
  for (const std::string& variant : variants) {
    std::optional<Located> first;
    bool ambiguous = false;
    const std::string expanded = ExpandCompactDates(variant);
    for (size_t provider_idx = 0; provider_idx < providers_.size(); ++provider_idx) {
      std::optional<size_t> model_idx = DirectMatch(providers_[provider_idx], variant);
      if (!model_idx && expanded != variant)
        model_idx = DirectMatch(providers_[provider_idx], expanded);
      if (!model_idx) continue;
      if (first) {
        ambiguous = true;
        break;
      }
      first = Located{provider_idx, provider_idx, *model_idx};
    }
    if (first) return inferred(*first, ambiguous);
  }
  return std::nullopt;
}

std::optional<PriceMatch> PriceCatalogue::Find(std::string_view provider,
                                               std::string_view model) const {
  const std::string provider_name = NormalizePriceName(provider);
  const std::string model_name = NormalizePriceName(model);
  std::string key = provider_name;
  key.push_back('\n');
  key.append(model_name);
  std::optional<Located> located;
  bool memoized = false;
  {
    std::lock_guard<std::mutex> lock(memo_->mutex);
    if (auto it = memo_->entries.find(key); it != memo_->entries.end()) {
      located = it->second;
      memoized = true;
    }
  }
  if (!memoized) {
    located = Resolve(provider_name, model_name);
    std::lock_guard<std::mutex> lock(memo_->mutex);
    if (memo_->entries.size() >= Memo::kMaxEntries) memo_->entries.clear();
    memo_->entries.emplace(std::move(key), located);
  }
  if (!located) return std::nullopt;
  PriceMatch match;
  match.provider = &providers_[located->provider_idx];
  match.model = &providers_[located->model_provider_idx].models[located->model_idx];
  match.provider_inferred = located->inferred;
  match.ambiguous = located->ambiguous;
  return match;
}

std::optional<NanoUsd> PriceCatalogue::Cost(const PriceMatch& match, int64_t ts_ms,
                                            const TokenUsage& usage) {
  return ComputeCost(match.model->pricing.At(ts_ms), usage);
}

std::optional<NanoUsd> PriceCatalogue::Cost(std::string_view provider, std::string_view model,
                                            int64_t ts_ms, const TokenUsage& usage) const {
  std::optional<PriceMatch> match = Find(provider, model);
  if (!match) return std::nullopt;
  return Cost(*match, ts_ms, usage);
}

}  // namespace mltrack
