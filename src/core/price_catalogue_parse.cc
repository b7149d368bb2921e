// PriceCatalogue::Parse: the upstream data_v2 JSON (and the npm package's bundled form of it) to
// the in-memory catalogue. Lenient about what it does not use, strict about what it does.
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include "core/price_catalogue.h"

namespace mltrack {

namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

Status Bad(const std::string& where, const std::string& why) {
  return Status::InvalidArgument("price catalogue: " + where + ": " + why);
}

// Prices are kept as the decimal text JSON wrote, converted to nano-USD without binary floating
// point in between. simdjson hands doubles over, so recover the text: the shortest round-trip
// form (std::to_chars) is what JSON.stringify and Python's json wrote in the first place.
Result<int64_t> NanoUsdOf(const element& value, const std::string& where) {
  char buffer[64];
  std::to_chars_result written{buffer, std::errc()};
  int64_t as_int64 = 0;
  uint64_t as_uint64 = 0;
  double as_double = 0;
  if (value.type() == element_type::INT64 && value.get(as_int64) == simdjson::SUCCESS) {
    written = std::to_chars(buffer, buffer + sizeof(buffer), as_int64);
  } else if (value.type() == element_type::UINT64 && value.get(as_uint64) == simdjson::SUCCESS) {
    written = std::to_chars(buffer, buffer + sizeof(buffer), as_uint64);
  } else if (value.type() == element_type::DOUBLE && value.get(as_double) == simdjson::SUCCESS) {
    written = std::to_chars(buffer, buffer + sizeof(buffer), as_double);
  } else {
    return Bad(where, "a price must be a number");
  }
  Result<int64_t> nano = ParseDecimalNanoUsd(std::string_view(buffer, written.ptr - buffer));
  if (!nano.ok()) return Bad(where, nano.status().message());
  return nano;
}

Result<MatchRule> ParseRule(const element& value, const std::string& where) {
  object clause;
  if (value.get(clause) != simdjson::SUCCESS || clause.size() != 1) {
    return Bad(where, "a match clause must be an object with one member");
  }
  const auto field = *clause.begin();
  const std::string_view kind = field.key;
  if (kind == "or" || kind == "and") {
    array items;
    if (field.value.get(items) != simdjson::SUCCESS)
      return Bad(where, std::string(kind) + " needs an array");
    std::vector<MatchRule> children;
    for (element item : items) {
      Result<MatchRule> child = ParseRule(item, where);
      if (!child.ok()) return child.status();
      children.push_back(std::move(child).value());
    }
    return kind == "or" ? MatchRule::Any(std::move(children)) : MatchRule::All(std::move(children));
  }
  std::string_view text;
  if (field.value.get(text) != simdjson::SUCCESS)
    return Bad(where, std::string(kind) + " needs a string");
  if (kind == "equals") return MatchRule::Text(MatchRule::Kind::kEquals, text);
  if (kind == "starts_with") return MatchRule::Text(MatchRule::Kind::kStartsWith, text);
  if (kind == "ends_with") return MatchRule::Text(MatchRule::Kind::kEndsWith, text);
  if (kind == "contains") return MatchRule::Text(MatchRule::Kind::kContains, text);
  if (kind == "regex") {
    try {
      return MatchRule::Regex(std::string(text));
    } catch (const std::regex_error& error) {
      return Bad(where, "invalid regex \"" + std::string(text) + "\": " + error.what());
    }
  }
  return MatchRule();  // a clause kind from a newer schema: matches nothing rather than failing
}

Result<UnitPrice> ParseUnitPrice(const element& value, const std::string& where) {
  UnitPrice price;
  object tiered;
  if (value.get(tiered) != simdjson::SUCCESS) {
    Result<int64_t> nano = NanoUsdOf(value, where);
    if (!nano.ok()) return nano.status();
    price.base = *nano;
    return price;
  }
  element base, tiers_value;
  array tiers;
  if (tiered["base"].get(base) != simdjson::SUCCESS ||
      tiered["tiers"].get(tiers_value) != simdjson::SUCCESS ||
      tiers_value.get(tiers) != simdjson::SUCCESS) {
    return Bad(where, "tiered prices need base and tiers");
  }
  Result<int64_t> base_nano = NanoUsdOf(base, where);
  if (!base_nano.ok()) return base_nano.status();
  price.base = *base_nano;
  for (element tier_value : tiers) {
    object tier;
    element tier_price;
    int64_t start = 0;
    if (tier_value.get(tier) != simdjson::SUCCESS ||
        tier["start"].get(start) != simdjson::SUCCESS || start < 0 ||
        tier["price"].get(tier_price) != simdjson::SUCCESS) {
      return Bad(where, "a tier needs an integer start >= 0 and a price");
    }
    Result<int64_t> nano = NanoUsdOf(tier_price, where);
    if (!nano.ok()) return nano.status();
    price.tiers.emplace_back(start, *nano);
  }
  std::stable_sort(price.tiers.begin(), price.tiers.end(),
                   [](const auto& left, const auto& right) { return left.first < right.first; });
  return price;
}

Result<PriceSet> ParsePriceSet(const element& value, const std::string& where) {
  object prices;
  if (value.get(prices) != simdjson::SUCCESS) return Bad(where, "prices must be an object");
  PriceSet set;
  for (const auto field : prices) {
    std::optional<UnitPrice>* slot = nullptr;
    if (field.key == "input_mtok")
      slot = &set.input_mtok;
    else if (field.key == "cache_read_mtok")
      slot = &set.cache_read_mtok;
    else if (field.key == "cache_write_mtok")
      slot = &set.cache_write_mtok;
    else if (field.key == "output_mtok")
      slot = &set.output_mtok;
    else if (field.key == "output_reasoning_mtok")
      slot = &set.output_reasoning_mtok;
    else if (field.key == "requests_kcount")
      slot = &set.requests_kcount;
    if (slot == nullptr || field.value.is_null()) continue;  // a unit events cannot feed
    Result<UnitPrice> price = ParseUnitPrice(field.value, where + " " + std::string(field.key));
    if (!price.ok()) return price.status();
    *slot = std::move(price).value();
  }
  return set;
}

Result<PriceCondition> ParseCondition(const object& constraint, const std::string& where) {
  PriceCondition condition;
  std::string_view start_date, start_time, end_time;
  if (constraint["start_date"].get(start_date) == simdjson::SUCCESS) {
    Result<int64_t> start_ms = ParsePriceStartDate(start_date);
    if (!start_ms.ok()) return Bad(where, start_ms.status().message());
    condition.kind = PriceCondition::Kind::kStartDate;
    condition.start_ms = *start_ms;
    return condition;
  }
  if (constraint["start_time"].get(start_time) == simdjson::SUCCESS &&
      constraint["end_time"].get(end_time) == simdjson::SUCCESS) {
    Result<int32_t> start_s = ParsePriceTimeOfDay(start_time);
    Result<int32_t> end_s = ParsePriceTimeOfDay(end_time);
    if (!start_s.ok()) return Bad(where, start_s.status().message());
    if (!end_s.ok()) return Bad(where, end_s.status().message());
    condition.kind = PriceCondition::Kind::kTimeOfDay;
    condition.day_start_s = *start_s;
    condition.day_end_s = *end_s;
    return condition;
  }
  return Bad(where, "a constraint needs start_date, or start_time and end_time");
}

Result<ModelPricing> ParsePricing(const element& value, const std::string& where) {
  ModelPricing pricing;
  array conditional;
  if (value.get(conditional) != simdjson::SUCCESS) {
    Result<PriceSet> set = ParsePriceSet(value, where);
    if (!set.ok()) return set.status();
    pricing.sets.emplace_back(PriceCondition{}, std::move(set).value());
    return pricing;
  }
  for (element entry_value : conditional) {
    object entry;
    element prices;
    if (entry_value.get(entry) != simdjson::SUCCESS ||
        entry["prices"].get(prices) != simdjson::SUCCESS) {
      return Bad(where, "a conditional price needs prices");
    }
    PriceCondition condition;
    object constraint;
    if (entry["constraint"].get(constraint) == simdjson::SUCCESS) {
      Result<PriceCondition> parsed = ParseCondition(constraint, where);
      if (!parsed.ok()) return parsed.status();
      condition = *parsed;
    }
    Result<PriceSet> set = ParsePriceSet(prices, where);
    if (!set.ok()) return set.status();
    pricing.sets.emplace_back(condition, std::move(set).value());
  }
  if (pricing.sets.empty()) return Bad(where, "prices is an empty list");
  return pricing;
}

// Marks the modalities a price object charges for (see ModelFeatures).
void NoteModalities(const element& prices, ModelFeatures& features) {
  object set;
  if (prices.get(set) != simdjson::SUCCESS) return;
  for (const auto field : set) {
    if (field.value.is_null()) continue;
    const std::string_view key = field.key;
    if (key == "input_image_mtok" || key == "cache_image_read_mtok") features.prices_image_input = true;
    if (key.starts_with("input_") && key.ends_with("tool_mtok")) features.prices_tool_input = true;
    if (key.starts_with("output_") && key.ends_with("reasoning_mtok")) features.prices_reasoning = true;
  }
}

ModelFeatures ParseFeatures(const object& fields, const element& prices) {
  ModelFeatures features;
  int64_t context_window = 0;
  if (fields["context_window"].get(context_window) == simdjson::SUCCESS && context_window > 0) {
    features.context_window = context_window;
  }
  array conditional;
  if (prices.get(conditional) == simdjson::SUCCESS) {
    for (element entry : conditional) {
      element set;
      if (entry["prices"].get(set) == simdjson::SUCCESS) NoteModalities(set, features);
    }
  } else {
    NoteModalities(prices, features);
  }
  return features;
}

Result<PriceModel> ParseModel(const element& value, const std::string& provider_id) {
  object fields;
  std::string_view id;
  element match, prices;
  if (value.get(fields) != simdjson::SUCCESS || fields["id"].get(id) != simdjson::SUCCESS) {
    return Bad("provider " + provider_id, "a model needs a string id");
  }
  const std::string where = "provider " + provider_id + " model " + std::string(id);
  if (fields["match"].get(match) != simdjson::SUCCESS) return Bad(where, "missing match");
  if (fields["prices"].get(prices) != simdjson::SUCCESS) return Bad(where, "missing prices");
  PriceModel model;
  model.id = std::string(id);
  std::string_view name;
  if (fields["name"].get(name) == simdjson::SUCCESS) model.name = std::string(name);
  Result<MatchRule> rule = ParseRule(match, where);
  if (!rule.ok()) return rule.status();
  model.match = std::move(rule).value();
  Result<ModelPricing> pricing = ParsePricing(prices, where);
  if (!pricing.ok()) return pricing.status();
  model.pricing = std::move(pricing).value();
  model.features = ParseFeatures(fields, prices);
  return model;
}

Result<PriceProvider> ParseProvider(const element& value, size_t index) {
  object fields;
  std::string_view id;
  array models;
  if (value.get(fields) != simdjson::SUCCESS || fields["id"].get(id) != simdjson::SUCCESS) {
    return Bad("provider #" + std::to_string(index), "a provider needs a string id");
  }
  PriceProvider provider;
  provider.id = NormalizePriceName(id);
  const std::string where = "provider " + provider.id;
  if (fields["models"].get(models) != simdjson::SUCCESS)
    return Bad(where, "models must be an array");
  std::string_view name;
  if (fields["name"].get(name) == simdjson::SUCCESS) provider.name = std::string(name);
  for (const char* key : {"provider_match", "model_match"}) {
    element clause;
    if (fields[key].get(clause) != simdjson::SUCCESS || clause.is_null()) continue;
    Result<MatchRule> rule = ParseRule(clause, where + " " + key);
    if (!rule.ok()) return rule.status();
    (std::string_view(key) == "provider_match" ? provider.provider_match : provider.model_match) =
        std::move(rule).value();
  }
  array fallbacks;
  if (fields["fallback_model_providers"].get(fallbacks) == simdjson::SUCCESS) {
    for (element fallback : fallbacks) {
      std::string_view fallback_id;
      if (fallback.get(fallback_id) != simdjson::SUCCESS)
        return Bad(where, "fallbacks must be strings");
      provider.fallback_model_providers.push_back(NormalizePriceName(fallback_id));
    }
  }
  for (element model_value : models) {
    Result<PriceModel> model = ParseModel(model_value, provider.id);
    if (!model.ok()) return model.status();
    provider.models.push_back(std::move(model).value());
  }
  return provider;
}

}  // namespace

Result<PriceCatalogue> PriceCatalogue::Parse(std::string_view json) {
  simdjson::dom::parser parser;
  element root;
  if (auto error = parser.parse(json.data(), json.size()).get(root); error != simdjson::SUCCESS) {
    return Status::InvalidArgument(std::string("price catalogue: invalid JSON: ") +
                                   simdjson::error_message(error));
  }
  array providers;
  if (root.get(providers) != simdjson::SUCCESS) {
    object wrapper;
    if (root.get(wrapper) != simdjson::SUCCESS ||
        wrapper["providers"].get(providers) != simdjson::SUCCESS) {
      return Status::InvalidArgument(
          "price catalogue: expected an array of providers or {\"providers\": [...]}");
    }
  }
  PriceCatalogue catalogue;
  size_t index = 0;
  for (element provider_value : providers) {
    Result<PriceProvider> provider = ParseProvider(provider_value, index++);
    if (!provider.ok()) return provider.status();
    catalogue.providers_.push_back(std::move(provider).value());
  }
  return catalogue;
}

Result<PriceCatalogue> PriceCatalogue::LoadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Status::IOError("price catalogue: cannot open " + path);
  std::ostringstream contents;
  contents << file.rdbuf();
  if (file.bad()) return Status::IOError("price catalogue: cannot read " + path);
  Result<PriceCatalogue> catalogue = Parse(contents.str());
  if (!catalogue.ok()) {
    return Status::InvalidArgument(path + ": " + catalogue.status().message());
  }
  return catalogue;
}

}  // namespace mltrack
