#include "core/time.h"
#include "server/handlers/handlers.h"
#include "server/live/live_hub.h"
#include "server/live/live_messages.h"
#include "server/status_mapping.h"

namespace mltrack::server {
namespace {

// One client of WebSocket /api/analytics/live: each valid subscribe replaces its subscription;
// a bad one is answered with an error message and changes nothing (the socket stays open).
class LiveConversation final : public WebSocketConversation {
 public:
  LiveConversation(live::LiveHub& hub, std::shared_ptr<WebSocketPeer> peer) : hub_(hub), peer_(std::move(peer)) {}

  void OnMessage(std::string_view text) override {
    Result<live::LiveSubscription> subscription = live::ParseSubscribe(text, NowMs());
    if (!subscription.ok()) {
      const ErrorDetail& detail = subscription.status().details().at(0);
      peer_->Send(std::make_shared<const std::string>(live::ErrorMessage(detail.field, detail.reason)));
      return;
    }
    if (id_ != 0) hub_.Unsubscribe(id_);
    std::weak_ptr<WebSocketPeer> weak = peer_;
    id_ = hub_.Subscribe(std::move(*subscription), [weak](std::shared_ptr<const std::string> message) {
      auto peer = weak.lock();
      return peer && peer->Send(std::move(message));
    });
  }

  void OnClose() override {
    if (id_ != 0) hub_.Unsubscribe(id_);
    id_ = 0;
  }

 private:
  live::LiveHub& hub_;
  std::shared_ptr<WebSocketPeer> peer_;
  uint64_t id_ = 0;
};

}  // namespace

std::unique_ptr<WebSocketConversation> AcceptLive(AppContext& context, const HttpRequest&,
                                                  std::shared_ptr<WebSocketPeer> peer, HttpResponse& refusal) {
  if (context.live == nullptr) {
    refusal = ErrorResponse(Status::Unavailable("live updates are not served by this server"));
    return nullptr;
  }
  return std::make_unique<LiveConversation>(*context.live, std::move(peer));
}

}  // namespace mltrack::server
