#include "server/live/live_hub.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "analytics/live_figures.h"
#include "core/time.h"
#include "query/event_search.h"
#include "server/live/live_messages.h"
#include "server/live/push_pacer.h"

namespace mltrack::server::live {

using Clock = std::chrono::steady_clock;

namespace {
// How far past `to` a snapshot of an open-ended range looks (clients whose clocks run ahead).
constexpr int64_t kOpenEndSlackMs = 3'600'000;
// A group's last full computation is refreshed `refresh_every` after it when events were folded
// into it since (the distinct counts and a relative range's lower edge move only then), and is
// not folded into past kMaxBaseAge.
constexpr auto kMaxBaseAge = std::chrono::seconds(30);
}  // namespace

struct LiveHub::Group {
  LiveSubscription subscription;
  analytics::DashboardParams params;  // at the last refresh; what events are matched against
  bool open_ended = true;
  bool dirty = false;                 // an event matched since the last update
  Clock::time_point dirty_since;      // when the first of them became durable
  // When the next update may go (LiveHubOptions: `burst`, `min_interval`, `min_gap`).
  PushPacer pacer{std::chrono::milliseconds(250), 4, std::chrono::milliseconds(50)};
  uint64_t pushed_seq = 0;            // the ring's last sequence when the last message was made
  size_t members = 0;
  // The last full computation, with every matching ring event up to base_seq folded in: an
  // update folds the newer ones instead of running the queries again.
  std::optional<analytics::LiveBase> base;
  uint64_t base_seq = 0;
  Clock::time_point base_time;
  bool folded = false;                // events were folded into `base` since it was computed
  bool refreshing = false;            // a full computation is on its way
};

// One group's push, taken under the mutex and delivered outside it.
struct LiveHub::Work {
  std::string key;                     // the group's
  analytics::DashboardParams params;
  bool full = true;                    // run the queries; else `report` was folded already
  analytics::LiveReport report;
  uint64_t base_seq = 0;               // of a full computation: the ring's last sequence before it ran
  bool update = false;
  Clock::time_point dirty_since;       // of the update: its lag is counted from here
  std::vector<Event> new_events;       // for the update
  std::vector<uint64_t> new_seqs;      // their ring sequences
  std::vector<Event> snapshot_events;  // for new subscribers: from the ring, if the store fails
  size_t event_limit = 0;              // the subscription's `events`
  bool open_ended = true;
  std::vector<LiveSink> update_sinks;
  std::vector<LiveSink> snapshot_sinks;
  std::vector<uint64_t> snapshot_ids;  // the subscribers of snapshot_sinks
  // Subscribers whose snapshot showed some of `new_events`: their own update without them.
  std::vector<std::pair<LiveSink, std::vector<Event>>> catch_up_sinks;
  bool HasSinks() const { return !snapshot_sinks.empty() || !update_sinks.empty() || !catch_up_sinks.empty(); }
};

std::shared_ptr<LiveHub> LiveHub::Start(backend::Backend& backend, LiveHubOptions options) {
  std::shared_ptr<LiveHub> hub(new LiveHub(backend, options));
  std::weak_ptr<LiveHub> weak = hub;
  backend.AddAppendListener([weak](const EventBatch& batch, const backend::AppendResult&) {
    if (auto alive = weak.lock()) alive->OnAppend(batch);
  });
  hub->thread_ = std::thread([raw = hub.get()] { raw->Run(); });
  hub->refresher_ = std::thread([raw = hub.get()] { raw->RunRefreshes(); });
  return hub;
}

LiveHub::LiveHub(backend::Backend& backend, LiveHubOptions options)
    : backend_(backend), options_(options), ring_(options.ring_capacity) {}

LiveHub::~LiveHub() { Stop(); }

void LiveHub::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    subscribers_.clear();
    groups_.clear();
  }
  wake_.notify_all();
  refresh_wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
  if (refresher_.joinable() && refresher_.get_id() != std::this_thread::get_id()) refresher_.join();
}

uint64_t LiveHub::Subscribe(LiveSubscription subscription, LiveSink sink) {
  std::string key = subscription.key + "#events=" + std::to_string(subscription.events);
  uint64_t id = 0;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return 0;
    id = next_id_++;
    std::unique_ptr<Group>& group = groups_[key];
    if (!group) {
      group = std::make_unique<Group>();
      group->pacer = PushPacer(options_.min_interval, options_.burst, options_.min_gap);
      group->open_ended = OpenEnded(subscription);
      Result<analytics::DashboardParams> params = ParamsAt(subscription, NowMs());
      if (params.ok()) group->params = std::move(*params);
      group->subscription = std::move(subscription);
      group->pushed_seq = ring_.last_seq();
    }
    ++group->members;
    subscribers_.emplace(id, Subscriber{key, std::move(sink), true});
  }
  wake_.notify_all();
  return id;
}

void LiveHub::Unsubscribe(uint64_t id) {
  std::lock_guard lock(mutex_);
  auto found = subscribers_.find(id);
  if (found == subscribers_.end()) return;
  auto group = groups_.find(found->second.group);
  if (group != groups_.end() && --group->second->members == 0) groups_.erase(group);
  subscribers_.erase(found);
}

LiveHubStats LiveHub::stats() const {
  std::lock_guard lock(mutex_);
  return LiveHubStats{subscribers_.size(), groups_.size(), updates_, snapshots_, computations_};
}

// On the appending thread: only notes; the queries run on the hub's thread.
void LiveHub::OnAppend(const EventBatch& batch) {
  bool woke = false;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    ring_.Append(batch);
    const Clock::time_point now = Clock::now();
    for (auto& [key, group] : groups_) {
      if (group->dirty) continue;
      for (const Event& event : batch) {
        if (EventMatches(group->params, group->open_ended, event)) {
          group->dirty = true;
          group->dirty_since = now;
          woke = true;
          break;
        }
      }
    }
  }
  if (woke) wake_.notify_all();
}

bool LiveHub::FoldNew(Group& group, int64_t now_ms, const std::function<bool(const Event&)>& match) {
  if (!group.base) return false;
  if (Clock::now() - group.base_time > kMaxBaseAge) return false;
  if (group.base_seq + 1 < ring_.first_seq()) return false;  // some fell out of the ring unseen
  // The current bucket moved on: its figures need the queries.
  const int64_t at = std::clamp(now_ms, group.params.from_ms, group.params.to_ms - 1);
  if (at >= group.base->bucket_end) return false;
  std::vector<Event> fresh = ring_.Newest(std::numeric_limits<size_t>::max(), group.base_seq, match);
  for (auto event = fresh.rbegin(); event != fresh.rend(); ++event) group.base->Fold(*event);
  group.base_seq = ring_.last_seq();
  group.folded = group.folded || !fresh.empty();
  return true;
}

std::vector<LiveHub::Work> LiveHub::TakeWork(Clock::time_point now, std::optional<Clock::time_point>& next_due) {
  std::map<std::string, Work> by_group;
  std::vector<uint64_t> snapshot_ids;  // a subscriber that gets its snapshot now needs no update
  for (auto& [id, subscriber] : subscribers_) {
    if (!subscriber.snapshot_pending) continue;
    subscriber.snapshot_pending = false;
    snapshot_ids.push_back(id);
    by_group[subscriber.group].snapshot_sinks.push_back(subscriber.sink);
    by_group[subscriber.group].snapshot_ids.push_back(id);
  }
  const int64_t now_ms = NowMs();
  for (auto& [key, group] : groups_) {
    const Clock::time_point allowed = group->pacer.NextAllowed();
    const bool due = group->dirty && now >= allowed;
    if (group->dirty && !due) {
      const Clock::time_point at = allowed;
      if (!next_due || at < *next_due) next_due = at;
    }
    const Clock::time_point refresh_at = group->base_time + options_.refresh_every;
    const bool refresh = group->folded && !group->refreshing && now >= refresh_at;
    if (group->folded && !group->refreshing && !refresh && (!next_due || refresh_at < *next_due)) next_due = refresh_at;
    auto pending = by_group.find(key);
    if (!due && !refresh && pending == by_group.end()) continue;
    Work& work = by_group[key];
    work.key = key;
    // A relative range moves with the clock: refresh what events are matched against.
    if (Result<analytics::DashboardParams> params = ParamsAt(group->subscription, now_ms); params.ok()) {
      group->params = std::move(*params);
    }
    work.params = group->params;
    work.event_limit = group->subscription.events;
    work.open_ended = group->open_ended;
    const auto match = [&group = *group](const Event& event) {
      return EventMatches(group.params, group.open_ended, event);
    };
    if (!work.snapshot_sinks.empty()) work.snapshot_events = ring_.Newest(group->subscription.events, 0, match);
    // A snapshot and a due refresh run the queries; an update folds the new events into the
    // group's last computation when it can (then the refresh follows on its own, off this push).
    work.base_seq = ring_.last_seq();
    work.full = work.snapshot_sinks.empty() && due ? !FoldNew(*group, now_ms, match) : true;
    if (work.full) {
      group->refreshing = true;
    } else {
      work.report = group->base->report;
    }
    if (due) {
      work.update = true;
      work.dirty_since = group->dirty_since;
      work.new_events = ring_.Newest(group->subscription.events, group->pushed_seq, match, &work.new_seqs);
      group->dirty = false;
      group->pacer.Pushed(now);
      group->pushed_seq = ring_.last_seq();
      for (auto& [id, subscriber] : subscribers_) {
        if (subscriber.group != key) continue;
        if (std::find(snapshot_ids.begin(), snapshot_ids.end(), id) != snapshot_ids.end()) continue;
        std::optional<SnapshotSeen> seen = std::exchange(subscriber.seen, std::nullopt);
        std::vector<Event> unseen;
        for (size_t event_idx = 0; seen && event_idx < work.new_events.size(); ++event_idx) {
          const uint64_t seq = work.new_seqs[event_idx];
          if (seq > seen->upto && std::find(seen->also.begin(), seen->also.end(), seq) == seen->also.end()) {
            unseen.push_back(work.new_events[event_idx]);
          }
        }
        if (seen && unseen.size() != work.new_events.size()) {
          work.catch_up_sinks.emplace_back(subscriber.sink, std::move(unseen));
        } else {
          work.update_sinks.push_back(subscriber.sink);
        }
      }
    }
  }
  std::vector<Work> out;
  for (auto& [key, work] : by_group) out.push_back(std::move(work));
  return out;
}

// The newest matching events in the store (so a fresh server shows history), newest first; the
// ring's if the search fails. An open-ended range reaches an hour past `to`, as EventMatches does.
std::vector<Event> LiveHub::SnapshotEvents(const Work& work) {
  if (work.event_limit == 0) return {};
  query::EventSearch search;
  search.from_ms = work.params.from_ms;
  search.to_ms = work.open_ended ? work.params.to_ms + kOpenEndSlackMs : work.params.to_ms;
  search.filters = work.params.filters;
  search.limit = work.event_limit;
  Result<query::EventPage> page = backend_.SearchEvents(search);
  if (!page.ok()) {
    spdlog::warn("live: snapshot events from the store failed ({}); using the newest appended", page.status().ToString());
    return work.snapshot_events;
  }
  // The embedded store keeps an event's id only as a hash: where the ring still holds the event,
  // send the ring's copy (equal in every other field: same tie hash), which has the id.
  std::unordered_map<uint64_t, const Event*> appended;
  for (const Event& event : work.snapshot_events) appended.emplace(query::EventTieHash(event), &event);
  for (Event& event : page->events) {
    if (!event.id.empty()) continue;
    auto found = appended.find(query::EventTieHash(event));
    if (found != appended.end()) event.id = found->second->id;
  }
  return std::move(page->events);
}

// Notes, for each subscriber of the snapshot, which ring events it showed: those up to the ring's
// newest when the search began, and those appended while it ran that it found (same tie hash;
// they get the ring's id, as SnapshotEvents gives the older ones).
void LiveHub::NoteSnapshotSeen(const Work& work, std::vector<Event>& shown) {
  std::unordered_map<uint64_t, Event*> shown_by_hash;
  for (Event& event : shown) shown_by_hash.emplace(query::EventTieHash(event), &event);
  std::lock_guard lock(mutex_);
  SnapshotSeen seen{work.base_seq, {}};
  std::vector<uint64_t> seqs;
  std::vector<Event> later = ring_.Newest(std::numeric_limits<size_t>::max(), work.base_seq,
                                          [](const Event&) { return true; }, &seqs);
  for (size_t event_idx = 0; event_idx < later.size(); ++event_idx) {
    auto found = shown_by_hash.find(query::EventTieHash(later[event_idx]));
    if (found == shown_by_hash.end()) continue;
    seen.also.push_back(seqs[event_idx]);
    if (found->second->id.empty()) found->second->id = later[event_idx].id;
  }
  for (uint64_t id : work.snapshot_ids) {
    auto subscriber = subscribers_.find(id);
    if (subscriber != subscribers_.end()) subscriber->second.seen = seen;
  }
}

// Keeps a full computation as the group's base, folded on from the ring's newest event now:
// events appended while the queries ran are taken as counted by them. One that became visible
// only after the queries read the store is then missing from the additive figures until the next
// refresh (≤ refresh_every after events were folded); none is ever counted twice.
void LiveHub::KeepBase(const Work& work, const analytics::LiveBase* base) {
  std::lock_guard lock(mutex_);
  ++computations_;
  auto found = groups_.find(work.key);
  if (found == groups_.end()) return;
  Group& group = *found->second;
  group.refreshing = false;
  if (base == nullptr) return;
  group.base = *base;
  group.base->open_top = group.open_ended;
  group.base_seq = ring_.last_seq();
  group.base_time = Clock::now();
  group.folded = group.base_seq != work.base_seq;  // refresh soon: some may be missing
}

void LiveHub::Deliver(Work& work) {
  const int64_t now_ms = NowMs();
  if (!work.snapshot_sinks.empty()) {
    work.snapshot_events = SnapshotEvents(work);
    NoteSnapshotSeen(work, work.snapshot_events);
  }
  if (work.full) {
    Result<analytics::LiveBase> base = analytics::ComputeLiveBase(work.params, backend_.Reader(), now_ms);
    KeepBase(work, base.ok() ? &*base : nullptr);
    if (!base.ok()) {
      spdlog::warn("live: computing figures failed: {}", base.status().ToString());
      auto error = std::make_shared<const std::string>(ErrorMessage("filters", base.status().message()));
      for (const LiveSink& sink : work.snapshot_sinks) sink(error);
      for (const LiveSink& sink : work.update_sinks) sink(error);
      for (const auto& [sink, events] : work.catch_up_sinks) sink(error);
      return;
    }
    work.report = base->report;
  }
  const analytics::LiveReport* report = &work.report;
  if (!work.snapshot_sinks.empty()) {
    auto snapshot = std::make_shared<const std::string>(SnapshotMessage(*report, work.snapshot_events, now_ms));
    for (const LiveSink& sink : work.snapshot_sinks) sink(snapshot);
  }
  if (work.update) {
    const double lag_ms = std::chrono::duration<double, std::milli>(Clock::now() - work.dirty_since).count();
    if (!work.update_sinks.empty()) {
      auto update = std::make_shared<const std::string>(UpdateMessage(*report, work.new_events, now_ms, lag_ms));
      for (const LiveSink& sink : work.update_sinks) sink(update);
    }
    for (const auto& [sink, events] : work.catch_up_sinks) {
      sink(std::make_shared<const std::string>(UpdateMessage(*report, events, now_ms, lag_ms)));
    }
  }
}

void LiveHub::Run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    std::optional<Clock::time_point> next_due;
    std::vector<Work> work = TakeWork(Clock::now(), next_due);
    if (work.empty()) {
      if (next_due) {
        wake_.wait_until(lock, *next_due);
      } else {
        wake_.wait(lock);
      }
      continue;
    }
    std::vector<Work> pushes;
    for (Work& item : work) {
      if (!item.snapshot_sinks.empty()) ++snapshots_;
      if (item.update && (!item.update_sinks.empty() || !item.catch_up_sinks.empty())) ++updates_;
      // A refresh pushes nothing: it runs on the other thread, so no push waits for its queries.
      if (!item.HasSinks()) {
        refreshes_.push_back(std::move(item));
      } else {
        pushes.push_back(std::move(item));
      }
    }
    if (!refreshes_.empty()) refresh_wake_.notify_one();
    lock.unlock();
    for (Work& item : pushes) Deliver(item);
    lock.lock();
  }
}

void LiveHub::RunRefreshes() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (refreshes_.empty()) {
      refresh_wake_.wait(lock);
      continue;
    }
    std::vector<Work> work = std::move(refreshes_);
    refreshes_.clear();
    lock.unlock();
    for (Work& item : work) Deliver(item);
    lock.lock();
  }
}

}  // namespace mltrack::server::live
