#include "server/live/live_hub.h"

#include <algorithm>
#include <optional>
#include <vector>

#include <spdlog/spdlog.h>

#include "analytics/live_figures.h"
#include "core/time.h"
#include "server/live/live_messages.h"

namespace mltrack::server::live {

using Clock = std::chrono::steady_clock;

struct LiveHub::Group {
  LiveSubscription subscription;
  analytics::DashboardParams params;  // at the last refresh; what events are matched against
  bool open_ended = true;
  bool dirty = false;                 // an event matched since the last update
  Clock::time_point dirty_since;      // when the first of them became durable
  Clock::time_point last_push;        // of the last update
  uint64_t pushed_seq = 0;            // the ring's last sequence when the last message was made
  size_t members = 0;
};

// One group's push, taken under the mutex and delivered outside it.
struct LiveHub::Work {
  analytics::DashboardParams params;
  bool update = false;
  Clock::time_point dirty_since;       // of the update: its lag is counted from here
  std::vector<Event> new_events;       // for the update
  std::vector<Event> snapshot_events;  // for new subscribers
  std::vector<LiveSink> update_sinks;
  std::vector<LiveSink> snapshot_sinks;
};

std::shared_ptr<LiveHub> LiveHub::Start(backend::Backend& backend, LiveHubOptions options) {
  std::shared_ptr<LiveHub> hub(new LiveHub(backend, options));
  std::weak_ptr<LiveHub> weak = hub;
  backend.AddAppendListener([weak](const EventBatch& batch, const backend::AppendResult&) {
    if (auto alive = weak.lock()) alive->OnAppend(batch);
  });
  hub->thread_ = std::thread([raw = hub.get()] { raw->Run(); });
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
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
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
  return LiveHubStats{subscribers_.size(), groups_.size(), updates_, snapshots_};
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

std::vector<LiveHub::Work> LiveHub::TakeWork(Clock::time_point now, std::optional<Clock::time_point>& next_due) {
  std::map<std::string, Work> by_group;
  std::vector<uint64_t> snapshot_ids;  // a subscriber that gets its snapshot now needs no update
  for (auto& [id, subscriber] : subscribers_) {
    if (!subscriber.snapshot_pending) continue;
    subscriber.snapshot_pending = false;
    snapshot_ids.push_back(id);
    by_group[subscriber.group].snapshot_sinks.push_back(subscriber.sink);
  }
  const int64_t now_ms = NowMs();
  for (auto& [key, group] : groups_) {
    const bool due = group->dirty && now >= group->last_push + options_.min_interval;
    if (group->dirty && !due) {
      const Clock::time_point at = group->last_push + options_.min_interval;
      if (!next_due || at < *next_due) next_due = at;
    }
    auto pending = by_group.find(key);
    if (!due && pending == by_group.end()) continue;
    Work& work = by_group[key];
    // A relative range moves with the clock: refresh what events are matched against.
    if (Result<analytics::DashboardParams> params = ParamsAt(group->subscription, now_ms); params.ok()) {
      group->params = std::move(*params);
    }
    work.params = group->params;
    const auto match = [&group = *group](const Event& event) {
      return EventMatches(group.params, group.open_ended, event);
    };
    if (!work.snapshot_sinks.empty()) work.snapshot_events = ring_.Newest(group->subscription.events, 0, match);
    if (due) {
      work.update = true;
      work.dirty_since = group->dirty_since;
      work.new_events = ring_.Newest(group->subscription.events, group->pushed_seq, match);
      group->dirty = false;
      group->last_push = now;
      group->pushed_seq = ring_.last_seq();
      for (const auto& [id, subscriber] : subscribers_) {
        if (subscriber.group != key) continue;
        if (std::find(snapshot_ids.begin(), snapshot_ids.end(), id) != snapshot_ids.end()) continue;
        work.update_sinks.push_back(subscriber.sink);
      }
    }
  }
  std::vector<Work> out;
  for (auto& [key, work] : by_group) out.push_back(std::move(work));
  return out;
}

void LiveHub::Deliver(Work& work) {
  const int64_t now_ms = NowMs();
  Result<analytics::LiveReport> report = analytics::ComputeLiveReport(work.params, backend_.Reader(), now_ms);
  if (!report.ok()) {
    spdlog::warn("live: computing figures failed: {}", report.status().ToString());
    auto error = std::make_shared<const std::string>(ErrorMessage("filters", report.status().message()));
    for (const LiveSink& sink : work.snapshot_sinks) sink(error);
    for (const LiveSink& sink : work.update_sinks) sink(error);
    return;
  }
  if (!work.snapshot_sinks.empty()) {
    auto snapshot = std::make_shared<const std::string>(SnapshotMessage(*report, work.snapshot_events, now_ms));
    for (const LiveSink& sink : work.snapshot_sinks) sink(snapshot);
  }
  if (work.update && !work.update_sinks.empty()) {
    const double lag_ms = std::chrono::duration<double, std::milli>(Clock::now() - work.dirty_since).count();
    auto update = std::make_shared<const std::string>(UpdateMessage(*report, work.new_events, now_ms, lag_ms));
    for (const LiveSink& sink : work.update_sinks) sink(update);
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
    for (const Work& item : work) {
      if (!item.snapshot_sinks.empty()) ++snapshots_;
      if (item.update && !item.update_sinks.empty()) ++updates_;
    }
    lock.unlock();
    for (Work& item : work) Deliver(item);
    lock.lock();
  }
}

}  // namespace mltrack::server::live
