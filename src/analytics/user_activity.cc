#include "analytics/user_activity.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <map>
#include <optional>
#include <thread>

#include "analytics/dashboard_support.h"
#include "analytics/run_ahead.h"
#include "query/time_bucket.h"

namespace mltrack::analytics {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kWeekMs = 7 * kDayMs;
constexpr int64_t kCalendarDays = 365;

using query::QueryResult;
using query::QuerySpec;

// The usage metrics, in this order after the group columns.
Status AddUsageMetrics(QuerySpec& spec) {
  return AddMetrics(spec, {"count", "sum:total_tokens", "sum:cost_usd", "count:cost_usd", "rate:error"});
}

Usage ReadUsage(const std::vector<query::Cell>& row, size_t first) {
  Usage usage;
  usage.calls = CellInt(row[first]).value_or(0);
  usage.tokens = CellInt(row[first + 1]).value_or(0);
  usage.cost = CellNanoUsd(row[first + 2]).value_or(0);
  usage.priced = CellInt(row[first + 3]).value_or(0);
  // rate:error is errors / calls rounded once, so this recovers the exact count.
  usage.errors = std::llround(CellNumber(row[first + 4]).value_or(0.0) * static_cast<double>(usage.calls));
  return usage;
}

// Calendar units in the dashboard's zone, exact over all history before `to`, as indexes from
// the unit that holds `from` (negative before it).
class LocalCalendar {
 public:
  LocalCalendar(query::TimeBucketer bucketer, int64_t from_ms) : bucketer_(std::move(bucketer)), first_(bucketer_.Number(from_ms)) {}
  int32_t IndexOf(int64_t ms) const { return static_cast<int32_t>(bucketer_.Number(ms) - first_); }
  int64_t Start(int64_t index) const { return bucketer_.StartOfNumber(first_ + index); }

 private:
  query::TimeBucketer bucketer_;
  int64_t first_;
};

Result<LocalCalendar> MakeCalendar(int64_t width_ms, const DashboardParams& params) {
  Result<query::TimeBucketer> bucketer = query::MakeTimeBucketer(query::BucketWidth{width_ms, 0}, 0, params.to_ms, params.tz);
  if (!bucketer.ok()) return bucketer.status();
  return LocalCalendar(std::move(bucketer).value(), params.from_ms);
}

// Which parts of the user's usage a query asks for.
enum class Grouping { kUser, kUserTeam, kUserTeamExperiment };

// One query over [from_ms, to_ms) grouped by user (and team, and experiment), with every group's
// active days and (unless kUser) its usage. Rows come in any order: they are folded. The days
// of each user go into `days` (day indexes, unsorted, possibly repeated).
Result<QuerySpec> PeriodSpec(const DashboardParams& params, int64_t from_ms, int64_t to_ms, Grouping grouping) {
  QuerySpec spec = BaseSpec(params, from_ms, to_ms);
  spec.group_by = {FieldRef{FieldId::kUser, {}}};
  if (grouping != Grouping::kUser) spec.group_by.push_back(FieldRef{FieldId::kTeam, {}});
  if (grouping == Grouping::kUserTeamExperiment) spec.group_by.push_back(FieldRef{FieldId::kExperiment, {}});
  MLTRACK_RETURN_IF_ERROR(AddMetrics(spec, {"days:ts"}));
  if (grouping != Grouping::kUser) MLTRACK_RETURN_IF_ERROR(AddUsageMetrics(spec));
  spec.limit = query::kMaxQueryLimit;
  spec.any_order = true;
  return spec;
}

// What the period queries' rows become: names interned once per response (views into the
// results, which are kept), each row as ids, and each user's active days by user id.
struct PeriodData {
  std::deque<QueryResult> results;  // the strings the names view
  UsageNames names;
  std::vector<ActiveDays> days;  // by user id
};

// The id of a string cell's name, NameIds::kNone for null.
uint32_t InternCell(const query::Cell& cell, NameIds& ids) {
  const auto* text = std::get_if<std::string>(&cell);
  return text == nullptr ? NameIds::kNone : ids.Intern(*text);
}

// The period's query result (an error when it has more groups than a result holds).
Result<QueryResult> PeriodResult(const DashboardParams& params, int64_t from_ms, int64_t to_ms, Grouping grouping,
                                 const QueryRunner& run) {
  if (from_ms >= to_ms) return QueryResult{};
  Result<QuerySpec> spec = PeriodSpec(params, from_ms, to_ms, grouping);
  if (!spec.ok()) return spec.status();
  Result<QueryResult> result = run(*spec);
  if (!result.ok()) return result.status();
  if (result->truncated) {
    return Status::InvalidArgument("more than 100,000 (user, team, experiment) combinations; narrow the filters",
                                   {{-1, "from", "too many users in the range for this dashboard"}});
  }
  return result;
}

// The rows of a PeriodResult as ids of `data`'s names, which keeps the result.
std::vector<UsageIdRow> PeriodRows(QueryResult result, Grouping grouping, const LocalCalendar& day_index,
                                   PeriodData& data) {
  std::vector<UsageIdRow> rows;
  if (result.rows.empty()) return rows;
  const QueryResult& kept = data.results.emplace_back(std::move(result));
  const size_t days_column = grouping == Grouping::kUser ? 1 : grouping == Grouping::kUserTeam ? 2 : 3;
  rows.reserve(kept.rows.size());
  const std::string* previous_user = nullptr;  // rows of one user often follow each other
  uint32_t previous_id = NameIds::kNone;
  for (const auto& row : kept.rows) {
    UsageIdRow out;
    if (const auto* user = std::get_if<std::string>(&row[0])) {
      if (previous_user == nullptr || *previous_user != *user) {
        previous_id = data.names.users.Intern(*user);
        previous_user = user;
        if (previous_id == data.days.size()) data.days.emplace_back();
      }
      out.user = previous_id;
    }
    if (grouping != Grouping::kUser) {
      out.team = InternCell(row[1], data.names.teams);
      out.usage = ReadUsage(row, days_column + 1);
    }
    if (grouping == Grouping::kUserTeamExperiment) out.experiment = InternCell(row[2], data.names.experiments);
    rows.push_back(out);
    const auto* list = std::get_if<query::IntList>(&row[days_column]);
    if (out.user != NameIds::kNone && list != nullptr) {
      ActiveDays& user_days = data.days[out.user];
      for (int64_t start : list->values) user_days.push_back(day_index.IndexOf(start));
    }
  }
  return rows;
}

// Sorted, each day once (often already: a user with one row of the period).
void SortDays(ActiveDays& days) {
  if (std::adjacent_find(days.begin(), days.end(), std::greater_equal<>()) == days.end()) return;
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
}

// The previous period and the history before it, folded on a thread of their own while the
// range's rows are (ComputeUserActivity): their own names, joined to the range's users by name.
struct EarlierPeriods {
  PeriodData data;
  Usage previous_usage;
  FoldedUsage previous;
  // By the range's user id: the user's previous-period usage (into `previous`) and earlier days.
  std::vector<const Usage*> previous_by_user;
  std::vector<ActiveDays> days_by_user;
  std::vector<ActiveDays> earlier_only;  // the days of users absent from the range
};

// Folds the previous period's and the history's results into `earlier`, each user's days sorted;
// once `range_names` are complete (`names_ready`), joins them to the range's users by name, and
// frees the two results.
void FoldEarlier(QueryResult previous_result, QueryResult older_result, const LocalCalendar& day_index,
                 std::shared_future<void> names_ready, const NameIds& range_names, EarlierPeriods& earlier) {
  const std::vector<UsageIdRow> previous_rows =
      PeriodRows(std::move(previous_result), Grouping::kUserTeam, day_index, earlier.data);
  PeriodRows(std::move(older_result), Grouping::kUser, day_index, earlier.data);
  for (const UsageIdRow& row : previous_rows) earlier.previous_usage.Add(row.usage);
  earlier.previous = FoldUsage(previous_rows, earlier.data.names);
  for (ActiveDays& days : earlier.data.days) SortDays(days);
  names_ready.wait();
  const NameIds& names = earlier.data.names.users;
  std::vector<uint32_t> range_id(names.size());  // by earlier user id
  earlier.days_by_user.resize(range_names.size());
  for (uint32_t user = 0; user < names.size(); ++user) {
    range_id[user] = range_names.Find(names[user]);
    (range_id[user] == NameIds::kNone ? earlier.earlier_only.emplace_back() : earlier.days_by_user[range_id[user]]) =
        std::move(earlier.data.days[user]);
  }
  earlier.previous_by_user.assign(range_names.size(), nullptr);
  for (const UserUsage& user : earlier.previous.users) {
    if (range_id[user.id] != NameIds::kNone) earlier.previous_by_user[range_id[user.id]] = &user.usage;
  }
  earlier.data = {};  // the names are copied into `previous`
}

// numpy's "linear" percentile of sorted values.
double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const double h = p / 100.0 * static_cast<double>(sorted.size() - 1);
  const size_t low = static_cast<size_t>(std::floor(h));
  const size_t high = std::min(low + 1, sorted.size() - 1);
  return sorted[low] + (h - static_cast<double>(low)) * (sorted[high] - sorted[low]);
}

Spread SpreadOf(std::vector<double> values) {
  Spread spread;
  if (values.empty()) return spread;
  std::sort(values.begin(), values.end());
  double sum = 0;
  for (double value : values) sum += value;
  spread.mean = sum / static_cast<double>(values.size());
  spread.p50 = Percentile(values, 50);
  spread.p90 = Percentile(values, 90);
  spread.max = values.back();
  return spread;
}

PerUserStats PerUser(const std::vector<UserUsage>& users) {
  PerUserStats stats;
  stats.users = static_cast<int64_t>(users.size());
  std::vector<double> calls, tokens, cost, errors;
  for (const UserUsage& user : users) {
    calls.push_back(static_cast<double>(user.usage.calls));
    tokens.push_back(static_cast<double>(user.usage.tokens));
    if (user.usage.priced > 0) cost.push_back(Usd(user.usage.cost));  // unpriced: no cost, not 0
    errors.push_back(static_cast<double>(user.usage.errors));
  }
  stats.calls = SpreadOf(calls);
  stats.tokens = SpreadOf(tokens);
  stats.cost_usd = SpreadOf(cost);
  stats.errors = SpreadOf(errors);
  // 1-2-5 bins up to the busiest user: [1, 2), [2, 5), [5, 10), [10, 20), …
  int64_t busiest = 0;
  for (const UserUsage& user : users) busiest = std::max(busiest, user.usage.calls);
  for (int64_t lo = 1, step = 0; lo <= busiest; ++step) {
    const int64_t hi = step % 3 == 1 ? lo / 2 * 5 : lo * 2;
    stats.calls_histogram.push_back({lo, hi, 0});
    lo = hi;
  }
  for (const UserUsage& user : users) {
    for (CallsBin& bin : stats.calls_histogram) {
      if (user.usage.calls >= bin.lo && user.usage.calls < bin.hi) ++bin.users;
    }
  }
  return stats;
}

template <typename Row>
void SortRows(std::vector<Row>& rows, UsageSort sort) {
  std::stable_sort(rows.begin(), rows.end(), [sort](const Row& a, const Row& b) {
    return SortValue(a.now, sort) > SortValue(b.now, sort);
  });
}

void FillLeaderboards(const FoldedUsage& now, const EarlierPeriods& earlier, const UserActivityParams& params,
                      UserActivity& out) {
  out.previous_usage = earlier.previous_usage;
  const FoldedUsage& previous = earlier.previous;
  out.previous_users = static_cast<int64_t>(previous.users.size());
  // The top users by the sort figure (ties by name: users are by name, the sort is stable).
  std::vector<const UserUsage*> ranked;
  ranked.reserve(now.users.size());
  for (const UserUsage& user : now.users) ranked.push_back(&user);
  const size_t top = std::min(ranked.size(), static_cast<size_t>(params.top));
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<ptrdiff_t>(top), ranked.end(),
                    [sort = params.sort](const UserUsage* a, const UserUsage* b) {
                      const double left = SortValue(a->usage, sort), right = SortValue(b->usage, sort);
                      return left != right ? left > right : a->user < b->user;
                    });
  for (size_t rank = 0; rank < top; ++rank) {
    const UserUsage& user = *ranked[rank];
    UserRow row{user.user, user.team, user.usage, {}};
    if (const Usage* before = earlier.previous_by_user[user.id]) row.previous = *before;
    out.top_users.push_back(std::move(row));
  }

  std::map<std::optional<std::string>, TeamRow> teams;
  for (const TeamUsage& team : now.teams) {
    TeamRow& row = teams[team.team];
    row.team = team.team;
    row.users = team.users;
    row.now = team.usage;
  }
  for (const TeamUsage& team : previous.teams) {
    TeamRow& row = teams[team.team];
    row.team = team.team;
    row.previous_users = team.users;
    row.previous = team.usage;
  }
  for (auto& [name, row] : teams) {
    if (row.now.calls > 0) out.teams.push_back(std::move(row));
  }
  SortRows(out.teams, params.sort);
}

// The first day of the calendar: kCalendarDays days up to the one that holds `to`.
int64_t CalendarFrom(const DashboardParams& params, const LocalCalendar& days) {
  return days.Start(days.IndexOf(params.to_ms - 1) - (kCalendarDays - 1));
}

Result<QuerySpec> CalendarSpec(const DashboardParams& params, const LocalCalendar& days) {
  QuerySpec spec = BaseSpec(params, CalendarFrom(params, days), params.to_ms);
  spec.bucket_ms = kDayMs;
  MLTRACK_RETURN_IF_ERROR(AddMetrics(spec, {"count", "sum:cost_usd", "count:cost_usd"}));
  spec.limit = query::kMaxQueryLimit;
  return spec;
}

Status FillCalendar(const DashboardParams& params, const LocalCalendar& days, const QueryRunner& run,
                    UserActivity& out) {
  out.calendar_from_ms = CalendarFrom(params, days);
  out.calendar_to_ms = params.to_ms;
  Result<QuerySpec> spec = CalendarSpec(params, days);
  if (!spec.ok()) return spec.status();
  Result<QueryResult> result = run(*spec);
  if (!result.ok()) return result.status();
  for (const auto& row : result->rows) {
    CalendarDay day;
    day.t = CellInt(row[0]).value_or(0);
    day.usage.calls = CellInt(row[1]).value_or(0);
    day.usage.cost = CellNanoUsd(row[2]).value_or(0);
    day.usage.priced = CellInt(row[3]).value_or(0);
    out.calendar.push_back(day);
  }
  return Status::OK();
}

void FillActivity(const std::vector<ActiveDays>& users, const LocalCalendar& days, const LocalCalendar& weeks,
                  const DashboardParams& params, UserActivity& out) {
  const int32_t day_count = days.IndexOf(params.to_ms - 1) + 1;
  for (int32_t day = 0; day < day_count; ++day) out.day_starts.push_back(days.Start(day));
  out.active = ActiveSeries(users, day_count);
  for (const ActiveDay& day : out.active) out.new_users += day.new_users;

  // Weeks (Monday-aligned like the 1w bucket) of every day a user was active, for cohorts.
  WeekTable table;
  table.first_day = 0;
  int32_t last = day_count - 1;
  for (const ActiveDays& user : users) {
    if (user.empty()) continue;
    table.first_day = std::min(table.first_day, user.front());
    last = std::max(last, user.back());
  }
  for (int32_t day = table.first_day; day <= last; ++day) {
    table.weeks.push_back(weeks.IndexOf(days.Start(day)));
  }
  const int32_t first_week = weeks.IndexOf(params.from_ms);
  const int32_t last_week = weeks.IndexOf(params.to_ms - 1);
  out.cohorts = WeeklyCohorts(users, first_week, last_week, table);
  for (const Cohort& cohort : out.cohorts) out.cohort_starts.push_back(weeks.Start(cohort.week));
}

// The three period queries and the calendar's, for RunAhead (a spec that cannot be built fails
// where it is asked for).
std::vector<QuerySpec> UserActivitySpecs(const DashboardParams& params, int64_t previous_from_ms,
                                         const LocalCalendar& days) {
  std::vector<Result<QuerySpec>> specs;
  specs.push_back(PeriodSpec(params, params.from_ms, params.to_ms, Grouping::kUserTeamExperiment));
  if (previous_from_ms < params.from_ms) {
    specs.push_back(PeriodSpec(params, previous_from_ms, params.from_ms, Grouping::kUserTeam));
  }
  if (0 < previous_from_ms) specs.push_back(PeriodSpec(params, 0, previous_from_ms, Grouping::kUser));
  specs.push_back(CalendarSpec(params, days));
  std::vector<QuerySpec> ready;
  for (Result<QuerySpec>& spec : specs) {
    if (spec.ok()) ready.push_back(std::move(spec).value());
  }
  return ready;
}

}  // namespace

Result<UserActivity> ComputeUserActivity(const UserActivityParams& params, const QueryRunner& direct,
                                         const UserActivityContext& context) {
  const DashboardParams& dashboard = params.dashboard;
  UserActivity out;
  out.from_ms = dashboard.from_ms;
  out.to_ms = dashboard.to_ms;
  out.previous_from_ms = dashboard.from_ms - (dashboard.to_ms - dashboard.from_ms);
  out.demo = context.demo;
  out.tz = dashboard.tz;
  out.sort = params.sort;
  Result<LocalCalendar> days = MakeCalendar(kDayMs, dashboard);
  if (!days.ok()) return days.status();
  Result<LocalCalendar> weeks = MakeCalendar(kWeekMs, dashboard);
  if (!weeks.ok()) return weeks.status();
  // The funnel's queries are its own (each step's depends on the one before), so it runs on a
  // thread of its own beside the users' sections, both cores busy for the whole request (a scan
  // that finds the scan pool's helper busy runs on its own thread). Its error is reported only
  // when the users' sections succeed, as when it ran after them.
  std::optional<Result<FunnelReport>> funnel;
  std::exception_ptr funnel_failure;
  std::jthread funnel_thread;  // declared after what it writes: joined before they go
  if (!params.steps.empty()) {
    funnel_thread = std::jthread([&] {
      try {
        funnel = ComputeFunnel(dashboard, params.steps, params.window_ms, direct);
      } catch (...) {
        funnel_failure = std::current_exception();
      }
    });
  }
  const QueryRunner run = RunAhead(direct, UserActivitySpecs(dashboard, out.previous_from_ms, *days));

  // Three queries read every event before `to` once: the range with experiments, the previous
  // period, and the history before it (active days only). The range's rows are folded here, the
  // earlier two's on a second thread (the scan's threads are idle by now).
  Result<QueryResult> now_result =
      PeriodResult(dashboard, dashboard.from_ms, dashboard.to_ms, Grouping::kUserTeamExperiment, run);
  if (!now_result.ok()) return now_result.status();
  Result<QueryResult> previous_result =
      PeriodResult(dashboard, out.previous_from_ms, dashboard.from_ms, Grouping::kUserTeam, run);
  if (!previous_result.ok()) return previous_result.status();
  Result<QueryResult> older_result = PeriodResult(dashboard, 0, out.previous_from_ms, Grouping::kUser, run);
  if (!older_result.ok()) return older_result.status();

  PeriodData data;
  EarlierPeriods earlier;
  std::vector<UsageIdRow> now_rows;
  FoldedUsage now;
  {
    std::promise<void> names_ready;
    // Declared after everything it uses, so that it is joined before they go.
    std::jthread fold_earlier(FoldEarlier, std::move(previous_result).value(), std::move(older_result).value(),
                              std::cref(*days), names_ready.get_future().share(), std::cref(data.names.users),
                              std::ref(earlier));
    {
      struct Ready {  // set even when PeriodRows throws, so that the join cannot wait forever
        std::promise<void>& promise;
        ~Ready() { promise.set_value(); }
      } ready{names_ready};
      now_rows = PeriodRows(std::move(now_result).value(), Grouping::kUserTeamExperiment, *days, data);
    }
    for (const UsageIdRow& row : now_rows) out.usage.Add(row.usage);
    now = FoldUsage(now_rows, data.names);
    out.users = static_cast<int64_t>(now.users.size());
    out.per_user = PerUser(now.users);
    out.experiments = now.experiments;
    if (out.experiments.size() > kExperimentBubbles) out.experiments.resize(kExperimentBubbles);
    const Network network = CollaborationNetwork(now.users, kNetworkNodes);
    for (const UserUsage* node : network.nodes) out.nodes.push_back({node->user, node->team, node->usage});
    out.links = network.links;
    for (ActiveDays& user_days : data.days) SortDays(user_days);
  }
  // (fold_earlier joined.) Each user's days: the earlier periods' (before `from`), then the
  // range's, one day once (a local day may start before `from` and end after it).
  for (uint32_t user = 0; user < earlier.days_by_user.size(); ++user) {
    ActiveDays& user_days = earlier.days_by_user[user];
    if (user_days.empty()) continue;
    user_days.insert(user_days.end(), data.days[user].begin(), data.days[user].end());
    user_days.erase(std::unique(user_days.begin(), user_days.end()), user_days.end());
    data.days[user].swap(user_days);
  }
  for (ActiveDays& user_days : earlier.earlier_only) data.days.push_back(std::move(user_days));
  FillActivity(data.days, *days, *weeks, dashboard, out);
  FillLeaderboards(now, earlier, params, out);

  MLTRACK_RETURN_IF_ERROR(FillCalendar(dashboard, *days, run, out));
  if (funnel_thread.joinable()) {
    funnel_thread.join();
    if (funnel_failure) std::rethrow_exception(funnel_failure);
    if (!funnel->ok()) return funnel->status();
    out.funnel = std::move(**funnel);
  }
  return out;
}

}  // namespace mltrack::analytics
