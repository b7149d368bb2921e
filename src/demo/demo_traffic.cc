#include "demo/demo_traffic.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace mltrack::demo {
namespace {

constexpr int64_t kHourMs = 3'600'000;
constexpr int64_t kDayMs = 24 * kHourMs;

// splitmix64's finaliser: a well-mixed 64-bit value of `value`.
uint64_t Mix(uint64_t value) {
  value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9ULL;
  value = (value ^ (value >> 27)) * 0x94D049BB133111EBULL;
  return value ^ (value >> 31);
}

// What a client that hashes its inputs sends as input_hash: 64 hex digits, like a SHA-256 of
// the prompt (the demo has no prompt text; equal `input` gives equal hashes).
std::string DemoInputHash(std::string_view input) {
  uint64_t state = 0xcbf29ce484222325ULL;  // FNV-1a
  for (char ch : input) state = (state ^ static_cast<unsigned char>(ch)) * 0x100000001b3ULL;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hash;
  for (int word = 0; word < 4; ++word) {
    state = Mix(state + word);
    for (int shift = 60; shift >= 0; shift -= 4) hash.push_back(kHex[(state >> shift) & 0xf]);
  }
  return hash;
}

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
  size_t team = 0;       // into kTeams
  double activity = 1;   // relative request volume on an active day (long-tailed)
  // Life: active from first_day to last_day (days of the history), on a weekday with chance
  // return_rate; the RAG journey's chances that a search gets an answer and an answer feedback.
  int64_t first_day = 0;
  int64_t last_day = 0;
  double return_rate = 1;
  double answer_rate = 1;
  double feedback_rate = 0;
};

// Deterministic users: names first.last[N]@acme.dev, teams in turn, activity by rank, and a
// random life: 40% there from the start, the others arriving over the history; 30% try it for a
// few days, 35% churn after weeks, 35% stay.
std::vector<DemoUser> MakeUsers(size_t count, int days, uint64_t seed) {
  std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ULL + 1);
  auto uniform = [&rng] { return std::uniform_real_distribution<double>(0.0, 1.0)(rng); };
  auto exponential = [&uniform](double mean) { return -mean * std::log(1.0 - uniform()); };
  constexpr size_t kNames = kFirstNames.size() * kLastNames.size();
  std::vector<DemoUser> users(count);
  for (size_t user_idx = 0; user_idx < count; ++user_idx) {
    DemoUser& user = users[user_idx];
    const size_t combo = user_idx % kNames, round = user_idx / kNames;
    const size_t first = combo % kFirstNames.size(), row = combo / kFirstNames.size();
    user.name = std::string(kFirstNames[first]) + "." +
                std::string(kLastNames[(row + first) % kLastNames.size()]) +
                (round > 0 ? std::to_string(round + 1) : "") + "@acme.dev";
    user.team = user_idx % kTeams.size();
    user.activity = 1.0 / std::pow(static_cast<double>(user_idx + 1), 0.8);
    user.first_day = uniform() < 0.4 ? 0 : static_cast<int64_t>(uniform() * days);
    const double kind = uniform();
    const double stays = kind < 0.3 ? exponential(4.0) : kind < 0.65 ? exponential(30.0) : 1e9;
    user.last_day = user.first_day + static_cast<int64_t>(std::min(stays, 1e9));
    user.return_rate = kind < 0.3 ? 0.6 : 0.08 + 0.87 * std::pow(uniform(), 1.3);
    user.answer_rate = uniform() < 0.15 ? 0.1 : 0.6 + 0.35 * uniform();
    user.feedback_rate = uniform() < 0.45 ? 0.0 : 0.15 + 0.5 * uniform();
  }
  return users;
}

// The users active on one day, per team and all together, with cumulative activity weights
// for picking one in O(log n).
struct DayPool {
  std::array<std::vector<uint32_t>, kTeams.size() + 1> members;  // per team, then everyone
  std::array<std::vector<double>, kTeams.size() + 1> cumulative;
  void Add(uint32_t user_idx, const DemoUser& user) {
    for (size_t list : {user.team, kTeams.size()}) {
      members[list].push_back(user_idx);
      cumulative[list].push_back((cumulative[list].empty() ? 0.0 : cumulative[list].back()) + user.activity);
    }
  }
};

constexpr size_t kRagSearch = 2;  // the experiment whose calls follow the tagged journey
constexpr size_t kAgentEval = 4;  // the experiment some of whose calls are agent runs (one trace each)

}  // namespace

struct DemoTraffic::Impl {
  explicit Impl(uint64_t seed) : rng(seed), seed(seed) {}

  // The users of a history of `days` days made with `history_seed`.
  void SetUpUsers(size_t count, int days, uint64_t history_seed) {
    users = MakeUsers(std::max<size_t>(count, 1), days, history_seed);
    users_seed = history_seed;
  }
  // Who is active on day `day` of the history: within their life, on a weekday with their
  // return rate (less on weekends), always on their first day; everyone alive when nobody is.
  // Drawn from (users' seed, day) alone, so the live trickle finds the history's pool of today.
  void FillPool(int64_t day, bool weekend) {
    pool = DayPool();
    pool_day = day;
    std::mt19937_64 day_rng(users_seed * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(day) * 7919 + 3);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    for (uint32_t user_idx = 0; user_idx < users.size(); ++user_idx) {
      const DemoUser& user = users[user_idx];
      if (day < user.first_day || day > user.last_day) continue;
      if (day == user.first_day || uniform(day_rng) < user.return_rate * (weekend ? 0.4 : 1.0)) pool.Add(user_idx, user);
    }
    for (uint32_t user_idx = 0; pool.members.back().empty() && user_idx < users.size(); ++user_idx) {
      pool.Add(user_idx, users[user_idx]);
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
    // Mostly users of the owning team; a quarter of the calls come from the next team over (so
    // teams overlap with their neighbours only: the collaboration network has a shape).
    size_t list = static_cast<size_t>(std::find(kTeams.begin(), kTeams.end(), team) - kTeams.begin());
    if (list < kTeams.size() && Uniform() < 0.25) list = (list + 1) % kTeams.size();
    if (list >= kTeams.size() || pool.members[list].empty()) list = kTeams.size();
    const std::vector<double>& cumulative = pool.cumulative[list];
    const size_t at = std::upper_bound(cumulative.begin(), cumulative.end(), Uniform() * cumulative.back()) -
                      cumulative.begin();
    return users[pool.members[list][std::min(at, cumulative.size() - 1)]];
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

  Event MakeCall(int64_t ts_ms, const ExperimentProfile& experiment, size_t model_idx,
                 const DemoUser* user = nullptr);
  // Adds the retries of `call` (sent before it is added); a storm also gives `call` an input hash.
  void AddRetryIfAny(Event& call, EventBatch& out);
  void AddJourney(int64_t ts_ms, EventBatch& out);
  void AddAgentSteps(Event& plan, EventBatch& out);

  std::mt19937_64 rng;
  uint64_t seed;
  uint64_t seq = 0;
  std::vector<DemoUser> users;
  uint64_t users_seed = 0;
  DayPool pool;
  int64_t pool_day = INT64_MIN;
  int64_t incident_start_ms = 0;  // anthropic overload incident
  int64_t ab_start_ms = 0;        // prompt v4 A/B test
  int64_t spike_start_ms = 0;     // research batch job
  int64_t prompt_v3_ms = 0;
};

Event DemoTraffic::Impl::MakeCall(int64_t ts_ms, const ExperimentProfile& experiment,
                                  size_t model_idx, const DemoUser* user) {
  const ModelProfile& profile = kModels[model_idx];
  Event event;
  event.id = NextId();
  event.ts_ms = ts_ms;
  event.experiment = std::string(experiment.name);
  if (user == nullptr) user = &PickUser(experiment.team);
  event.user = user->name;
  event.team = std::string(experiment.team);
  event.provider = std::string(profile.provider);
  event.model = std::string(profile.model);
  event.session_id = "sess-" + std::to_string(std::hash<std::string>{}(user->name) % 100000) + "-" +
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
  // Insights' exact-cache rule: the support bot's FAQ answers and the UI strings sent for
  // translation come from a few hundred templates (skewed to the first), and their clients send a
  // hash of the input. Derived from seq, so the random stream of everything else is unchanged.
  if (!profile.embedding && (experiment.feature == "chat-assistant" || experiment.feature == "localization")) {
    uint64_t mix = (seq + 1) * 0x9E3779B97F4A7C15ULL;
    mix = (mix ^ (mix >> 31)) * 0xBF58476D1CE4E5B9ULL;
    mix ^= mix >> 29;
    const double draw = static_cast<double>(mix >> 11) / 9007199254740992.0;  // [0, 1)
    if (draw < 0.25) {
      const auto templ = static_cast<int>(400.0 * (draw / 0.25) * (draw / 0.25));
      event.input_hash = DemoInputHash(std::string(experiment.feature) + "-" + std::to_string(templ));
    }
  }

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

void DemoTraffic::Impl::AddRetryIfAny(Event& call, EventBatch& out) {
  if (call.status != EventStatus::kError || call.error_type == "context_length_exceeded") return;
  const ExperimentProfile* experiment = nullptr;
  for (const ExperimentProfile& candidate : kExperiments) {
    if (candidate.name == call.experiment) experiment = &candidate;
  }
  size_t model_idx = 0;
  for (size_t idx = 0; idx < kModels.size(); ++idx) {
    if (kModels[idx].model == call.model) model_idx = idx;
  }
  // Insights' retry-storm rule: a client resends a failed request in a tight loop, 3 to 5
  // identical copies, each under 1 s after the previous one failed — one client in four after an
  // overload (the incident), and the code-review CI bot (long diffs, no backoff) after every
  // timeout. The provider accepts each copy and streams part of the answer before it breaks off
  // (overloaded_error) or stalls (timeout), so every copy is billed for its whole input and the
  // output streamed so far: real money for nothing. The storming clients hash their inputs.
  // Drawn from the call's id, so the random stream of everything else is unchanged.
  const bool overloaded = call.error_type == "overloaded";
  const bool ci_bot_timeout = call.error_type == "timeout" && experiment->name == "demo-code-review";
  if ((overloaded || ci_bot_timeout) && !kModels[model_idx].embedding) {
    const ModelProfile& profile = kModels[model_idx];
    uint64_t mix = 0xcbf29ce484222325ULL;  // FNV-1a of the id, then mixed
    for (char ch : call.id) mix = (mix ^ static_cast<unsigned char>(ch)) * 0x100000001b3ULL;
    mix = Mix(mix);
    if (ci_bot_timeout || mix % 4 == 0) {
      if (call.input_hash.empty()) call.input_hash = DemoInputHash(call.id);
      const int copies = 3 + static_cast<int>((mix >> 8) % 3);
      // The request's size, the same for every copy: 1 to 3 times the experiment's median input.
      const int64_t input = std::llround(experiment->input_median * (1.0 + 2.0 * static_cast<double>((mix >> 20) % 1000) / 1000.0));
      int64_t sent_ms = call.ts_ms + static_cast<int64_t>(call.latency_ms.value_or(0));
      for (int copy = 1; copy <= copies; ++copy) {
        const uint64_t draw = Mix(mix + static_cast<uint64_t>(copy));
        const double streamed = 0.3 + 0.6 * static_cast<double>(draw % 1000) / 1000.0;  // of a full answer
        Event again = call;
        again.id = NextId();
        again.ts_ms = sent_ms + 300 + static_cast<int64_t>((draw >> 10) % 600);
        again.input_tokens = input;
        again.output_tokens = std::max<int64_t>(1, std::llround(experiment->output_median * streamed));
        const double ttft = profile.ttft_median_ms * (overloaded ? 3.0 : 1.0);
        const double streaming_ms = *again.output_tokens / profile.tokens_per_second * 1000.0;
        again.ttft_ms = std::round(ttft * 10.0) / 10.0;
        // A stalled stream ends when the client's 30 s timeout fires.
        again.latency_ms = overloaded ? std::round((ttft + streaming_ms) * 10.0) / 10.0 : std::max(30000.0, ttft + streaming_ms);
        again.streaming = true;
        again.tags.emplace_back("attempt", std::to_string(copy + 1));
        sent_ms = again.ts_ms + static_cast<int64_t>(*again.latency_ms);
        out.push_back(std::move(again));
      }
    }
  }
  if (Uniform() > 0.8) return;  // some clients give up
  int64_t backoff_ms = 500 + static_cast<int64_t>(Uniform() * 2500);
  Event retry = MakeCall(call.ts_ms + backoff_ms, *experiment, model_idx);
  retry.user = call.user;
  retry.session_id = call.session_id;
  retry.run_id = call.run_id;
  retry.trace_id = call.trace_id;
  retry.input_hash = call.input_hash;  // the same input sent again
  retry.tags.emplace_back("attempt", "2");
  out.push_back(std::move(retry));
}

// A search on the RAG experiment (an embedding call, tags.step = search), followed seconds later
// with the user's answer rate by an answer (a chat call), and minutes later with their feedback
// rate by feedback (a judge call): the funnel of the User Activity dashboard.
void DemoTraffic::Impl::AddJourney(int64_t ts_ms, EventBatch& out) {
  const ExperimentProfile& experiment = kExperiments[kRagSearch];
  const DemoUser& user = PickUser(experiment.team);
  Event search = MakeCall(ts_ms, experiment, 6, &user);
  search.tags.emplace_back("step", "search");
  const std::string session = search.session_id;
  AddRetryIfAny(search, out);
  const bool answered = Uniform() < user.answer_rate;
  out.push_back(std::move(search));
  if (!answered) return;
  size_t model_idx = PickModel(experiment);
  while (kModels[model_idx].embedding) model_idx = PickModel(experiment);
  Event answer = MakeCall(ts_ms + 2000 + static_cast<int64_t>(Uniform() * 18000), experiment, model_idx, &user);
  answer.session_id = session;
  answer.tags.emplace_back("step", "answer");
  const int64_t answer_ms = answer.ts_ms;
  AddRetryIfAny(answer, out);
  out.push_back(std::move(answer));
  if (Uniform() >= user.feedback_rate) return;
  Event feedback = MakeCall(answer_ms + 30'000 + static_cast<int64_t>(Uniform() * 900'000), experiment, 3, &user);
  feedback.session_id = session;
  feedback.tags.emplace_back("step", "feedback");
  out.push_back(std::move(feedback));
}

// Two in five successful calls of the agent experiment are agent runs, one trace each: the call
// plans, one or two tool calls follow (operation "tool", no model, no LLM cost), then the answer
// from the same model. Drawn from their own generator and added on top, so the rest of the
// traffic (and every figure the other dashboards' tests pin) stays as it was.
void DemoTraffic::Impl::AddAgentSteps(Event& plan, EventBatch& out) {
  static constexpr std::array<std::string_view, 4> kTools = {"search_docs", "run_sql", "fetch_url", "python"};
  std::mt19937_64 local(seed * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(plan.ts_ms));
  auto uniform = [&local] { return std::uniform_real_distribution<double>(0, 1)(local); };
  if (plan.status != EventStatus::kOk || uniform() >= 0.4) return;
  plan.tags.emplace_back("agent_step", "plan");
  int64_t at = plan.ts_ms + std::llround(plan.latency_ms.value_or(800)) + 15;
  const int tools = 1 + static_cast<int>(uniform() * 2);
  for (int tool_idx = 0; tool_idx < tools; ++tool_idx) {
    Event tool;
    tool.id = NextId();
    tool.ts_ms = at;
    for (auto [to, from] : {std::pair{&tool.experiment, &plan.experiment}, {&tool.user, &plan.user},
                            {&tool.team, &plan.team}, {&tool.session_id, &plan.session_id},
                            {&tool.run_id, &plan.run_id}, {&tool.trace_id, &plan.trace_id}}) {
      *to = *from;
    }
    tool.operation = Operation::kTool;
    tool.cost_nano_usd = 0;
    tool.latency_ms = std::round(40 + uniform() * 900);
    const std::string_view name = kTools[static_cast<size_t>(uniform() * kTools.size()) % kTools.size()];
    tool.endpoint = "tool:" + std::string(name);
    if (uniform() < 0.05) {
      tool.status = EventStatus::kError;
      tool.error_type = "tool_error";
      tool.http_status = 500;
    }
    tool.tags = {{"agent_step", "tool"}, {"tool", std::string(name)}};
    at += std::llround(*tool.latency_ms) + 10;
    out.push_back(std::move(tool));
  }
  // The answer: the plan's call again, its size (tokens, cost, time) scaled by one factor.
  Event answer = plan;
  answer.id = NextId();
  answer.ts_ms = at;
  answer.tags.back().second = "answer";
  const double factor = 0.6 + 0.8 * uniform();
  for (std::optional<int64_t>* value : {&answer.input_tokens, &answer.output_tokens, &answer.cached_input_tokens,
                                        &answer.cache_write_tokens, &answer.reasoning_tokens, &answer.cost_nano_usd}) {
    if (*value) **value = std::llround(static_cast<double>(**value) * factor);
  }
  for (std::optional<double>* value : {&answer.latency_ms, &answer.ttft_ms}) {
    if (*value) **value = std::round(**value * factor);
  }
  out.push_back(std::move(answer));
}

DemoTimeline DemoTimelineFor(const DemoOptions& options, int64_t end_ms) {
  DemoTimeline timeline;
  timeline.start_ms = (end_ms - static_cast<int64_t>(options.days) * kDayMs) / kHourMs * kHourMs;
  // The incident and the spike sit at fixed UTC hours of days counted back from the last UTC
  // midnight: at an offset from start_ms their hour of day followed the clock (an incident at
  // 03:00, where traffic is thin, was not always an anomaly).
  const int64_t last_midnight_ms = end_ms / kDayMs * kDayMs;
  timeline.incident_start_ms = last_midnight_ms - 5 * kDayMs + 14 * kHourMs;
  timeline.incident_end_ms = timeline.incident_start_ms + 2 * kHourMs;
  timeline.spike_start_ms = last_midnight_ms - 10 * kDayMs + 9 * kHourMs;
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

  impl.SetUpUsers(options.users, options.days, options.seed);

  EventBatch batch;
  batch.reserve(options.batch_size + 16);
  EventBatch pending;  // generated, not yet handed out: events may spill into the next hour
  auto flush = [&](int64_t until_ms) -> Status {
    std::stable_sort(pending.begin(), pending.end(),
                     [](const Event& a, const Event& b) { return a.ts_ms < b.ts_ms; });
    size_t taken = 0;
    for (; taken < pending.size() && pending[taken].ts_ms < until_ms; ++taken) {
      if (pending[taken].ts_ms >= end_ms) continue;
      batch.push_back(std::move(pending[taken]));
      if (batch.size() >= options.batch_size) {
        MLTRACK_RETURN_IF_ERROR(sink(std::move(batch)));
        batch = EventBatch();
        batch.reserve(options.batch_size + 16);
      }
    }
    pending.erase(pending.begin(), pending.begin() + static_cast<ptrdiff_t>(taken));
    return Status::OK();
  };
  double carry = 0;
  for (int64_t hour_idx = 0; hour_idx < hours; ++hour_idx) {
    int64_t hour_start = start_ms + hour_idx * kHourMs;
    if (hour_idx == 0 || hour_start % kDayMs == 0) {  // who is active changes at midnight UTC
      const int weekday = static_cast<int>(((hour_start / kDayMs) + 4) % 7);  // 0 = Sunday
      impl.FillPool(hour_start / kDayMs - start_ms / kDayMs, weekday == 0 || weekday == 6);
    }
    double expected = options.events * hour_weight[hour_idx] / total_weight + carry;
    int64_t count = static_cast<int64_t>(expected);
    carry = expected - count;
    std::vector<int64_t> offsets(count);
    for (int64_t& offset : offsets) offset = static_cast<int64_t>(impl.Uniform() * kHourMs);
    std::sort(offsets.begin(), offsets.end());

    bool spike_hour = hour_start >= impl.spike_start_ms && hour_start < impl.spike_start_ms + 3 * kHourMs;
    size_t skip = 0;  // a journey's follow-ups take the places of the calls after it
    for (int64_t offset : offsets) {
      if (skip > 0) {
        --skip;
        continue;
      }
      const ExperimentProfile& experiment = impl.PickExperiment();
      if (&experiment == &kExperiments[kRagSearch]) {
        const size_t before = pending.size();
        impl.AddJourney(hour_start + offset, pending);
        skip = pending.size() - before - 1;
        continue;
      }
      Event call = impl.MakeCall(hour_start + offset, experiment, impl.PickModel(experiment));
      impl.AddRetryIfAny(call, pending);
      if (&experiment == &kExperiments[kAgentEval]) impl.AddAgentSteps(call, pending);
      pending.push_back(std::move(call));
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
        // The job's own prompts and session, outside the prompt A/B test it happens to overlap.
        call.prompt_version = "bench";
        call.session_id = "job-nightly-benchmark";
        pending.push_back(std::move(call));
      }
    }
    MLTRACK_RETURN_IF_ERROR(flush(hour_start + kHourMs));
  }
  MLTRACK_RETURN_IF_ERROR(flush(INT64_MAX));
  if (!batch.empty()) MLTRACK_RETURN_IF_ERROR(sink(std::move(batch)));
  return Status::OK();
}

EventBatch DemoTraffic::Live(int64_t now_ms, size_t count, const DemoOptions& history) {
  Impl& impl = *impl_;
  // The history's users, active as they are on this day of it (its last day, or the days after
  // it while the server runs): the trickle adds calls, not users who are not there today.
  if (impl.users.empty()) impl.SetUpUsers(history.users, history.days, history.seed);
  const int64_t start_ms = DemoTimelineFor(history, history.end_ms != 0 ? history.end_ms : now_ms).start_ms;
  const int64_t day = now_ms / kDayMs - start_ms / kDayMs;
  if (day != impl.pool_day) {
    const int weekday = static_cast<int>(((now_ms / kDayMs) + 4) % 7);  // 0 = Sunday
    impl.FillPool(day, weekday == 0 || weekday == 6);
  }
  EventBatch out;
  for (size_t call_idx = 0; call_idx < count; ++call_idx) {
    const ExperimentProfile& experiment = impl.PickExperiment();
    Event call = impl.MakeCall(now_ms - static_cast<int64_t>(impl.Uniform() * 1000), experiment, impl.PickModel(experiment));
    call.id = "demo-live-" + std::to_string(now_ms) + "-" + std::to_string(call_idx);
    out.push_back(std::move(call));
  }
  return out;
}

}  // namespace mltrack::demo
