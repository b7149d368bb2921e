#pragma once
// A token bucket: `rate` tokens per second up to `burst`; a request takes one. Not thread-safe
// (the Authenticator holds its lock). Time is passed in, so tests need no sleeps.

#include <algorithm>
#include <chrono>
#include <cmath>

namespace mltrack::server::auth {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;
  TokenBucket(double rate, double burst, Clock::time_point now) : rate_(rate), burst_(burst), tokens_(burst), last_(now) {}

  // Takes a token when one is there; otherwise returns false and leaves the bucket as it is.
  bool TryTake(Clock::time_point now) {
    Refill(now);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }
  // Whether a token is there, without taking it.
  bool HasToken(Clock::time_point now) {
    Refill(now);
    return tokens_ >= 1.0;
  }
  // Whole seconds (at least 1) until a token is there: the Retry-After of a 429.
  long RetryAfterSeconds() const {
    if (rate_ <= 0) return 1;
    return std::max(1L, static_cast<long>(std::ceil((1.0 - tokens_) / rate_)));
  }

 private:
  void Refill(Clock::time_point now) {
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    if (elapsed > 0) {
      tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
      last_ = now;
    }
  }

  double rate_;
  double burst_;
  double tokens_;
  Clock::time_point last_;
};

}  // namespace mltrack::server::auth
