// libFuzzer target: any bytes as a client message on the live WebSocket
// (/api/analytics/live) through ParseSubscribe (src/server/live/live_subscription), and a parsed
// subscription's filters through ParamsAt. Must parse or refuse, never crash, loop or run
// undefined behaviour (make fuzz; seeds in tests/fuzz/live_subscribe/).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "server/live/live_subscription.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mltrack::server::live;
  const std::string_view message(reinterpret_cast<const char*>(data), size);
  constexpr int64_t kNowMs = 1767225600000;
  mltrack::Result<LiveSubscription> subscription = ParseSubscribe(message, kNowMs);
  if (subscription.ok()) {
    if (subscription->events > kMaxLiveEvents) __builtin_trap();
    (void)ParamsAt(*subscription, kNowMs + 3600000);
    (void)OpenEnded(*subscription);
  }
  return 0;
}
