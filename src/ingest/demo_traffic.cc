#include "ingest/demo_traffic.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace mltrack::ingest {
namespace {

constexpr int64_t kHourMs = 3'600'000;
constexpr int64_t kDayMs = 24 * kHourMs;

// How a model behaves: the median time to first token, output speed, and a quality level
// that scores are drawn around. Medians are in the range public LLMPerf-style measurements
// show for hosted APIs.
struct ModelProfile {
  std::string_view provider;
  std::string_view model;
  double ttft_median_ms;
  double tokens_per_second;
  double quality;       // mean of the 0..1 quality scores
  bool reasoning;       // emits reasoning tokens
  bool embedding;
};

constexpr std::array<ModelProfile, 17> kModels = {{
    {"openai", "gpt-4o-mini", 350, 95, 0.78, false, false},
    {"openai", "gpt-4o", 520, 75, 0.86, false, false},
    {"openai", "gpt-4.1-mini", 380, 90, 0.81, false, false},
    {"openai", "gpt-4.1-nano", 250, 140, 0.70, false, false},
    {"openai", "gpt-5", 1500, 55, 0.93, true, false},
    {"openai", "o4-mini", 1900, 80, 0.88, true, false},
    {"openai", "text-embedding-3-small", 60, 0, 0, false, true},
    {"anthropic", "claude-haiku-4-5-20251001", 450, 110, 0.83, false, false},
    {"anthropic", "claude-sonnet-4-5-20250929", 900, 65, 0.92, false, false},
    {"anthropic", "claude-opus-4-1-20250805", 1600, 35, 0.95, false, false},
    {"google", "gemini-2.5-flash", 300, 160, 0.82, false, false},
    {"google", "gemini-2.5-flash-lite", 220, 200, 0.74, false, false},
    {"google", "gemini-2.5-pro", 1200, 80, 0.91, true, false},
    {"mistral", "mistral-large-2512", 500, 50, 0.84, false, false},
    {"mistral", "mistral-small-latest", 280, 120, 0.76, false, false},
    {"self-hosted", "acme-llama-3.3-70b-ft", 700, 40, 0.80, false, false},
    {"openai", "gpt-5-mini", 900, 90, 0.87, true, false},
}};

struct ModelShare {
  int model_idx;  // into kModels
  double weight;
};

struct ExperimentProfile {
  std::string_view name;
  std::string_view team;
  std::string_view feature;     // tags.feature
  std::string_view prompt;      // prompt_name
  std::string_view score_name;  // the quality score this experiment records
  double weight;                // share of all traffic
  int input_median;             // prompt tokens
  int output_median;            // completion tokens
  bool streaming;
  double gateway_cache_rate;    // share answered from the gateway cache
  std::array<ModelShare, 4> models;
};

constexpr std::array<ExperimentProfile, 6> kExperiments = {{
    {"demo-support-bot", "support", "chat-assistant", "support-answer", "helpfulness", 0.34, 1400,
     220, true, 0.09, {{{0, 0.45}, {7, 0.30}, {2, 0.20}, {15, 0.05}}}},
    {"demo-code-review", "platform", "pr-review", "review-diff", "pass_rate", 0.16, 6000, 450,
     false, 0.0, {{{8, 0.55}, {4, 0.25}, {5, 0.15}, {16, 0.05}}}},
    {"demo-rag-search", "search", "semantic-search", "answer-with-sources", "faithfulness", 0.22,
     2500, 180, true, 0.12, {{{6, 0.40}, {10, 0.40}, {1, 0.20}, {1, 0.0}}}},
    {"demo-summarizer", "growth", "email-digest", "summarize-thread", "helpfulness", 0.13, 3000,
     300, true, 0.0, {{{0, 0.40}, {11, 0.30}, {13, 0.30}, {13, 0.0}}}},
    {"demo-agent-eval", "research", "agent-benchmark", "agent-step", "task_success", 0.07, 4000,
     400, false, 0.0, {{{4, 0.30}, {12, 0.40}, {15, 0.20}, {9, 0.10}}}},
    {"demo-translation", "growth", "localization", "translate-ui", "bleu", 0.08, 600, 650, false,
     0.03, {{{14, 0.50}, {3, 0.50}, {3, 0.0}, {3, 0.0}}}},
}};

constexpr std::array<std::string_view, 24> kFirstNames = {
    "maria", "james", "aiko", "liam", "sofia", "noah", "chen", "olivia", "mateo", "emma",
    "arjun", "ava", "lucas", "mia", "omar", "isla", "ivan", "zoe", "kofi", "nora",
    "felix", "hana", "diego", "lea"};
constexpr std::array<std::string_view, 12> kLastNames = {
    "garcia", "smith", "tanaka", "murphy", "rossi", "kim", "wang", "mueller", "silva",
    "haddad", "novak", "mensah"};
constexpr std::array<std::string_view, 5> kTeams = {"support", "platform", "search", "growth",
                                                    "research"};

// Relative traffic per hour of day (UTC): quiet nights, a late-morning and afternoon peak.
constexpr std::array<double, 24> kHourWeights = {0.25, 0.2, 0.18, 0.18, 0.2, 0.3, 0.45, 0.7,
                                                 0.95, 1.15, 1.3, 1.35, 1.3, 1.35, 1.45, 1.5,
                                                 1.4, 1.2, 0.95, 0.75, 0.6, 0.5, 0.4, 0.3};

struct DemoUser {
  std::string name;
  std::string_view team;
  double activity;  // relative request volume (long-tailed)
};

}  // namespace

struct DemoTraffic::Impl {
  explicit Impl(uint64_t seed) : rng(seed), seed(seed) {
    for (size_t user_idx = 0; user_idx < 60; ++user_idx) {
      DemoUser user;
      user.name = std::string(kFirstNames[user_idx % kFirstNames.size()]) + "." +
                  std::string(kLastNames[(user_idx * 7 + user_idx / 24) % kLastNames.size()]) +
                  "@acme.dev";
      user.team = kTeams[user_idx % kTeams.size()];
      user.activity = 1.0 / std::pow(static_cast<double>(user_idx + 1), 0.8);
      users.push_back(std::move(user));
    }
  }

  double Uniform() { return std::uniform_real_distribution<double>(0.0, 1.0)(rng); }
  double LogNormal(double median, double sigma) {
    return median * std::exp(sigma * std::normal_distribution<double>(0.0, 1.0)(rng));
  }
  template <typename Weights>
  size_t Pick(const Weights& weights, double total) {
    double target = Uniform() * total;
    for (size_t idx = 0; idx < weights.size(); ++idx) {
      target -= weights[idx];
      if (target <= 0) return idx;
    }
    return weights.size() - 1;
  }

  const DemoUser& PickUser(std::string_view team) {
    // Mostly users of the owning team; a quarter of the calls come from anyone.
    std::vector<double> weights;
    weights.reserve(users.size());
    bool any_team = Uniform() < 0.25;
    double total = 0;
    for (const DemoUser& user : users) {
      double weight = (any_team || user.team == team) ? user.activity : 0.0;
      weights.push_back(weight);
      total += weight;
    }
    return users[Pick(weights, total)];
  }

  const ExperimentProfile& PickExperiment() {
    std::array<double, kExperiments.size()> weights{};
    for (size_t idx = 0; idx < kExperiments.size(); ++idx) weights[idx] = kExperiments[idx].weight;
    return kExperiments[Pick(weights, 1.0)];
  }
  size_t PickModel(const ExperimentProfile& experiment) {
    std::array<double, 4> weights{};
    double total = 0;
    for (size_t idx = 0; idx < weights.size(); ++idx) {
      weights[idx] = experiment.models[idx].weight;
      total += weights[idx];
    }
    return experiment.models[Pick(weights, total)].model_idx;
  }

  std::string NextId() { return "demo-" + std::to_string(seed) + "-" + std::to_string(++seq); }

  Event MakeCall(int64_t ts_ms, const ExperimentProfile& experiment, size_t model_idx);
  void AddRetryIfAny(const Event& call, EventBatch& out);

  std::mt19937_64 rng;
  uint64_t seed;
  uint64_t seq = 0;
  std::vector<DemoUser> users;
  int64_t incident_start_ms = 0;  // anthropic overload incident
  int64_t ab_start_ms = 0;        // prompt v4 A/B test
  int64_t spike_start_ms = 0;     // research batch job
  int64_t prompt_v3_ms = 0;
};

Event DemoTraffic::Impl::MakeCall(int64_t ts_ms, const ExperimentProfile& experiment,
                                  size_t model_idx) {
  const ModelProfile& profile = kModels[model_idx];
  Event event;
  event.id = NextId();
  event.ts_ms = ts_ms;
  event.experiment = std::string(experiment.name);
  const DemoUser& user = PickUser(experiment.team);
  event.user = user.name;
  event.team = std::string(experiment.team);
  event.provider = std::string(profile.provider);
  event.model = std::string(profile.model);
  event.session_id = "sess-" + std::to_string(std::hash<std::string>{}(user.name) % 100000) + "-" +
                     std::to_string(ts_ms / (2 * kHourMs));
  event.run_id = "run-" + std::to_string(seq / 6);
  event.trace_id = "trace-" + std::to_string(seq);
  event.operation = profile.embedding ? Operation::kEmbedding : Operation::kChat;
  event.endpoint = profile.embedding              ? "/v1/embeddings"
                   : profile.provider == "anthropic" ? "/v1/messages"
                   : profile.provider == "google"    ? "/v1beta/models:generateContent"
                                                     : "/v1/chat/completions";
  event.prompt_name = std::string(experiment.prompt);
  // A better prompt version ships halfway through the month; over the last 14 days v4 runs as an
  // A/B test against it, assigned per session (so both arms see the same mix of experiments and
  // models): a shorter prompt and shorter answers that score higher.
  bool new_prompt = ts_ms >= prompt_v3_ms;
  bool prompt_v4 = ts_ms >= ab_start_ms && std::hash<std::string>{}(event.session_id) % 2 == 1;
  event.prompt_version = prompt_v4 ? "v4" : new_prompt ? "v3" : "v2";
  event.tags = {{"env", Uniform() < 0.86 ? "prod" : "staging"},
                {"region", Uniform() < 0.6 ? "us-east-1" : "eu-west-1"},
                {"feature", std::string(experiment.feature)}};

  int64_t input = std::max<int64_t>(8, std::llround(LogNormal(experiment.input_median * (prompt_v4 ? 0.9 : 1.0), 0.6)));
  event.input_tokens = input;

  bool in_incident = profile.provider == "anthropic" && ts_ms >= incident_start_ms &&
                     ts_ms < incident_start_ms + 2 * kHourMs;
  double error_rate = 0.012 + (in_incident ? 0.28 : 0.0);
  if (Uniform() < error_rate) {
    event.status = EventStatus::kError;
    double kind = Uniform();
    if (in_incident && kind < 0.8) {
      event.error_type = "overloaded";
      event.http_status = 529;
    } else if (kind < 0.55) {
      event.error_type = "rate_limit";
      event.http_status = 429;
    } else if (kind < 0.75) {
      event.error_type = "timeout";
      event.http_status = 504;
    } else if (kind < 0.92) {
      event.error_type = "server_error";
      event.http_status = 500;
    } else {
      event.error_type = "context_length_exceeded";
      event.http_status = 400;
    }
    // Failed calls are not billed: the provider reports no usage.
    event.input_tokens = 0;
    event.output_tokens = 0;
    event.latency_ms = event.error_type == "timeout" ? 30000.0 + Uniform() * 30000.0
                                                     : LogNormal(180, 0.5);
    return event;
  }

  event.http_status = 200;
  if (experiment.gateway_cache_rate > 0 && Uniform() < experiment.gateway_cache_rate) {
    // Answered by the gateway cache: fast and free.
    event.cache_hit = true;
    event.latency_ms = LogNormal(12, 0.4);
    event.output_tokens = profile.embedding ? 0 : std::llround(LogNormal(experiment.output_median, 0.5));
    event.cost_nano_usd = 0;
    return event;
  }
  event.cache_hit = false;

  if (profile.embedding) {
    event.output_tokens = 0;
    event.latency_ms = LogNormal(profile.ttft_median_ms + input / 40.0, 0.35);
    return event;
  }
  int64_t output = std::max<int64_t>(1, std::llround(LogNormal(experiment.output_median * (prompt_v4 ? 0.85 : 1.0), 0.55)));
  if (profile.reasoning) {
    int64_t reasoning = std::llround(LogNormal(output * 0.8, 0.5));
    event.reasoning_tokens = reasoning;
    output += reasoning;
  }
  event.output_tokens = output;
  if ((profile.provider == "openai" || profile.provider == "anthropic") && Uniform() < 0.35) {
    event.cached_input_tokens = std::llround(input * (0.5 + 0.4 * Uniform()));
    if (profile.provider == "anthropic" && Uniform() < 0.2) {
      event.cache_write_tokens = std::llround(input * 0.3 * Uniform());
    }
  }
  // The overloaded provider also queues the calls it serves: time to first token triples.
  double ttft = LogNormal(profile.ttft_median_ms * (in_incident ? 3.0 : 1.0), 0.45);
  double generation_ms = output / profile.tokens_per_second * 1000.0 * LogNormal(1.0, 0.2);
  event.latency_ms = std::round((ttft + generation_ms) * 10.0) / 10.0;
  event.streaming = experiment.streaming;
  if (experiment.streaming) event.ttft_ms = std::round(ttft * 10.0) / 10.0;
  if (Uniform() < 0.35) {
    // The experiment's own metric and an LLM judge's overall "quality", which every chat model
    // gets, so that models of different experiments can be compared.
    double quality = profile.quality + (new_prompt ? 0.03 : 0.0) + (prompt_v4 ? 0.03 : 0.0);
    auto draw = [&](double sd) {
      return std::round(std::clamp(quality + sd * std::normal_distribution<double>(0, 1)(rng), 0.0, 1.0) * 1000.0) / 1000.0;
    };
    event.scores = {{std::string(experiment.score_name), draw(0.12)}, {"quality", draw(0.08)}};
  }
  return event;
}

void DemoTraffic::Impl::AddRetryIfAny(const Event& call, EventBatch& out) {
  if (call.status != EventStatus::kError || call.error_type == "context_length_exceeded") return;
  if (Uniform() > 0.8) return;  // some clients give up
  const ExperimentProfile* experiment = nullptr;
  for (const ExperimentProfile& candidate : kExperiments) {
    if (candidate.name == call.experiment) experiment = &candidate;
  }
  size_t model_idx = 0;
  for (size_t idx = 0; idx < kModels.size(); ++idx) {
    if (kModels[idx].model == call.model) model_idx = idx;
  }
  int64_t backoff_ms = 500 + static_cast<int64_t>(Uniform() * 2500);
  Event retry = MakeCall(call.ts_ms + backoff_ms, *experiment, model_idx);
  retry.user = call.user;
  retry.session_id = call.session_id;
  retry.run_id = call.run_id;
  retry.trace_id = call.trace_id;
  retry.tags.emplace_back("attempt", "2");
  out.push_back(std::move(retry));
}

DemoTimeline DemoTimelineFor(const DemoOptions& options, int64_t end_ms) {
  DemoTimeline timeline;
  timeline.start_ms = (end_ms - static_cast<int64_t>(options.days) * kDayMs) / kHourMs * kHourMs;
  timeline.incident_start_ms = timeline.start_ms + (options.days - 5) * kDayMs + 14 * kHourMs;
  timeline.incident_end_ms = timeline.incident_start_ms + 2 * kHourMs;
  timeline.spike_start_ms = timeline.start_ms + (options.days - 10) * kDayMs + 9 * kHourMs;
  timeline.spike_end_ms = timeline.spike_start_ms + 3 * kHourMs;
  timeline.prompt_v3_ms = timeline.incident_start_ms - 10 * kDayMs;
  return timeline;
}

DemoTraffic::DemoTraffic(uint64_t seed) : impl_(std::make_unique<Impl>(seed)) {}
DemoTraffic::~DemoTraffic() = default;

Status DemoTraffic::Generate(const DemoOptions& options,
                             const std::function<Status(EventBatch&&)>& sink) {
  Impl& impl = *impl_;
  const int64_t end_ms = options.end_ms != 0 ? options.end_ms : NowMs();
  const int64_t hours = static_cast<int64_t>(options.days) * 24;
  const DemoTimeline timeline = DemoTimelineFor(options, end_ms);
  const int64_t start_ms = timeline.start_ms;
  impl.incident_start_ms = timeline.incident_start_ms;
  impl.spike_start_ms = timeline.spike_start_ms;
  impl.prompt_v3_ms = timeline.prompt_v3_ms;
  impl.ab_start_ms = end_ms - 14 * kDayMs;

  // Hourly intensity: hour-of-day rhythm, quiet weekends, 1.2% growth a day.
  std::vector<double> hour_weight(hours);
  double total_weight = 0;
  for (int64_t hour_idx = 0; hour_idx < hours; ++hour_idx) {
    int64_t hour_start = start_ms + hour_idx * kHourMs;
    int hour_of_day = static_cast<int>((hour_start / kHourMs) % 24);
    int weekday = static_cast<int>(((hour_start / kDayMs) + 4) % 7);  // 0 = Sunday
    double weekend = (weekday == 0 || weekday == 6) ? 0.35 : 1.0;
    hour_weight[hour_idx] = kHourWeights[hour_of_day] * weekend * std::pow(1.012, hour_idx / 24.0);
    total_weight += hour_weight[hour_idx];
  }
  const ExperimentProfile& research = kExperiments[4];

  EventBatch batch;
  batch.reserve(options.batch_size + 16);
  double carry = 0;
  for (int64_t hour_idx = 0; hour_idx < hours; ++hour_idx) {
    int64_t hour_start = start_ms + hour_idx * kHourMs;
    double expected = options.events * hour_weight[hour_idx] / total_weight + carry;
    int64_t count = static_cast<int64_t>(expected);
    carry = expected - count;
    std::vector<int64_t> offsets(count);
    for (int64_t& offset : offsets) offset = static_cast<int64_t>(impl.Uniform() * kHourMs);
    std::sort(offsets.begin(), offsets.end());

    bool spike_hour = hour_start >= impl.spike_start_ms && hour_start < impl.spike_start_ms + 3 * kHourMs;
    EventBatch hour_events;
    for (int64_t offset : offsets) {
      const ExperimentProfile& experiment = impl.PickExperiment();
      Event call = impl.MakeCall(hour_start + offset, experiment, impl.PickModel(experiment));
      EventBatch retries;
      impl.AddRetryIfAny(call, retries);
      hour_events.push_back(std::move(call));
      for (Event& retry : retries) hour_events.push_back(std::move(retry));
    }
    if (spike_hour) {
      // A research batch job: hundreds of long-context calls to the most expensive model.
      for (int call_idx = 0; call_idx < 400; ++call_idx) {
        int64_t ts = hour_start + static_cast<int64_t>(impl.Uniform() * kHourMs);
        Event call = impl.MakeCall(ts, research, 9);
        if (call.status == EventStatus::kOk) {
          call.input_tokens = std::llround(impl.LogNormal(60000, 0.3));
          call.output_tokens = std::llround(impl.LogNormal(3000, 0.3));
          call.cached_input_tokens.reset();
          call.cache_write_tokens.reset();
        }
        call.tags.emplace_back("job", "nightly-benchmark");
        hour_events.push_back(std::move(call));
      }
    }
    std::stable_sort(hour_events.begin(), hour_events.end(),
                     [](const Event& a, const Event& b) { return a.ts_ms < b.ts_ms; });
    for (Event& event : hour_events) {
      if (event.ts_ms >= end_ms) continue;
      batch.push_back(std::move(event));
      if (batch.size() >= options.batch_size) {
        MLTRACK_RETURN_IF_ERROR(sink(std::move(batch)));
        batch = EventBatch();
        batch.reserve(options.batch_size + 16);
      }
    }
  }
  if (!batch.empty()) MLTRACK_RETURN_IF_ERROR(sink(std::move(batch)));
  return Status::OK();
}

EventBatch DemoTraffic::Live(int64_t now_ms, size_t count) {
  Impl& impl = *impl_;
  EventBatch out;
  for (size_t call_idx = 0; call_idx < count; ++call_idx) {
    const ExperimentProfile& experiment = impl.PickExperiment();
    Event call = impl.MakeCall(now_ms - static_cast<int64_t>(impl.Uniform() * 1000), experiment, impl.PickModel(experiment));
    call.id = "demo-live-" + std::to_string(now_ms) + "-" + std::to_string(call_idx);
    out.push_back(std::move(call));
  }
  return out;
}

}  // namespace mltrack::ingest
