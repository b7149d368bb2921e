#pragma once
// The live hub behind WebSocket /api/analytics/live (docs/api.md "Live"): learns of every durable
// append from the backend's listener (no polling), notes which subscriptions the new events
// match, keeps a bounded ring of the newest events (an update's `events`; a snapshot's come from
// the backend's SearchEvents), folds them into each subscription's figures (a second thread
// refreshes those through the queries now and then), and on its own thread computes each changed
// subscription's figures through the query runner and pushes them — at most every
// a rate per subscription (LiveHubOptions), only when something matched, at once after a quiet spell.
//
// Subscriptions with the same filters and event count form one group: one computation and one
// message (shared, not copied) serve all of them, so 500 dashboards with the same filters cost one
// query per push.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "analytics/live_figures.h"
#include "backend/backend.h"
#include "server/live/event_ring.h"
#include "server/live/live_subscription.h"

namespace mltrack::server::live {

// Where a subscriber's messages go. Called on the hub's thread, must not block; returns false
// when the message was refused (the sink then closes its client, which unsubscribes).
using LiveSink = std::function<bool(std::shared_ptr<const std::string> message)>;

struct LiveHubOptions {
  size_t ring_capacity = 4096;                     // newest events kept for the `events` lists
  // Updates of one subscription: on average at most one per `min_interval` (4 a second), bursts
  // of up to `burst` back to back, and at least `min_gap` apart (push_pacer.h). An event is pushed
  // at once unless that would break either, so events every ~250 ms whose durable times jitter
  // are not held back (a fixed 250 ms spacing, and later "at most 4 in any second", made one that
  // came early after a late one wait); bursts are still coalesced.
  std::chrono::milliseconds min_interval{250};
  size_t burst = 4;
  std::chrono::milliseconds min_gap{50};
  // After events were folded into a subscription's figures, when its distinct counts are
  // recomputed through the queries (on the refresher thread).
  std::chrono::milliseconds refresh_every{5000};
};

struct LiveHubStats {
  size_t subscribers = 0;
  size_t groups = 0;
  uint64_t updates = 0;    // update messages built (one per group push)
  uint64_t snapshots = 0;
  uint64_t computations = 0;  // full computations through the query runner (snapshots, refreshes)
};

// Thread-safe. Create with Start(); the backend's listener holds only a weak reference, so the
// hub may be destroyed before the backend (appends then no longer reach it).
class LiveHub : public std::enable_shared_from_this<LiveHub> {
 public:
  static std::shared_ptr<LiveHub> Start(backend::Backend& backend, LiveHubOptions options = {});
  ~LiveHub();
  LiveHub(const LiveHub&) = delete;
  LiveHub& operator=(const LiveHub&) = delete;

  // Adds a subscriber; its snapshot follows soon on the hub's thread. Returns its id.
  uint64_t Subscribe(LiveSubscription subscription, LiveSink sink);
  // Removes a subscriber (no-op for an unknown id). After it returns no new message is started
  // for it (one being sent may still arrive).
  void Unsubscribe(uint64_t id);
  // Stops the thread and forgets every subscriber. Idempotent; the destructor calls it.
  void Stop();

  LiveHubStats stats() const;

 private:
  struct Group;
  struct Work;

  LiveHub(backend::Backend& backend, LiveHubOptions options);
  void OnAppend(const EventBatch& batch);
  void Run();
  void RunRefreshes();  // the refresher thread: full computations that push nothing
  // Under mutex_: takes what is due now; sets `next_due` to when the next dirty group is due.
  std::vector<Work> TakeWork(std::chrono::steady_clock::time_point now,
                             std::optional<std::chrono::steady_clock::time_point>& next_due);
  // Under mutex_: folds the ring's matching events since the group's base into it; false when
  // the base cannot serve (none, being refreshed, too old, events lost, the bucket moved on).
  bool FoldNew(Group& group, int64_t now_ms, const std::function<bool(const Event&)>& match);
  void KeepBase(const Work& work, const analytics::LiveBase* base);
  std::vector<Event> SnapshotEvents(const Work& work);
  void NoteSnapshotSeen(const Work& work, std::vector<Event>& shown);
  void Deliver(Work& work);

  backend::Backend& backend_;
  const LiveHubOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  EventRing ring_;
  uint64_t next_id_ = 1;
  std::map<std::string, std::unique_ptr<Group>> groups_;  // by filters key + event count
  // The ring events a subscriber's snapshot showed: every one up to `upto` and those in `also`
  // (appended while its search ran). Its first update leaves them out, so none shows twice.
  struct SnapshotSeen {
    uint64_t upto = 0;
    std::vector<uint64_t> also;
  };
  struct Subscriber {
    std::string group;
    LiveSink sink;
    bool snapshot_pending = true;
    std::optional<SnapshotSeen> seen;
  };
  std::map<uint64_t, Subscriber> subscribers_;
  uint64_t updates_ = 0;
  uint64_t snapshots_ = 0;
  uint64_t computations_ = 0;
  std::condition_variable refresh_wake_;
  std::vector<Work> refreshes_;  // for the refresher thread
  std::thread thread_;
  std::thread refresher_;
};

}  // namespace mltrack::server::live
