#pragma once
// The causal anomaly detector behind /api/analytics/anomalies (docs/analytics/anomalies.md has the
// method, its parameters and its NAB benchmark score). It judges one series of equally spaced
// buckets: each bucket only from the buckets before it, so the same code can raise alerts live.
// Pure computation on numbers: no queries, no clocks. Thread-safe (no shared state).

#include <cstdint>
#include <optional>
#include <vector>

namespace mltrack::analytics {

// The general parameters of the detector. They know nothing of any data set; the defaults are
// the documented ones (docs/analytics/anomalies.md, "Parameters").
struct DetectorParams {
  // Buckets of history needed before any bucket is judged.
  int min_history = 24;
  // Residuals (actual − expected) in robust standard deviations at which a bucket is anomalous.
  double z_threshold = 7.0;
  // Buckets of recent history whose median residual re-centres the baseline: a level shift is
  // absorbed after about half of this many buckets (the shift re-learning).
  int level_window = 24;
  // Buckets of residual history that set the spread (robust scale) of the band.
  int scale_window = 240;
  // Seasonal periods tried: the same phase this many periods back (median of them).
  int seasonal_periods = 4;
  // A seasonal model replaces the level model only when its recent mean absolute error is below
  // this share of the level model's.
  double seasonal_gain = 0.85;
  // After a reported anomaly, buckets that must stay below the threshold before another anomaly
  // is reported (one report per episode, not one per bucket).
  int quiet_buckets = 20;
  // Alarm fatigue: each episode reported within the last `fatigue_buckets` buckets raises the
  // threshold by this share, so a series that keeps spiking stops paging for every spike.
  double fatigue = 0.0;
  int fatigue_buckets = 576;
  // Novelty: a bucket is above the threshold only when its z also exceeds `novelty_margin` × the
  // largest z of the judged buckets in the `novelty_window_ms` before it (0 = off). A series
  // that spikes again and again within hours raises that bar itself; an excursion larger than
  // anything of the last hours still clears it, and an anomaly longer ago never hides the next.
  int64_t novelty_window_ms = 12 * 3'600'000;
  double novelty_margin = 1.0;
  // The band never gets narrower than this share of |expected| (a flat series is not alarmed by
  // rounding noise).
  double min_relative_scale = 0.01;
  // The values are event counts: the spread is at least √expected (Poisson noise), so a sparse
  // series of a few calls an hour does not alarm on every extra call.
  bool counts = false;
  // The metric cannot be negative (cost, counts, latency, rates): the lower bound is clamped at 0.
  bool non_negative = true;
};

// Which model produced a bucket's expected value.
enum class Seasonality : uint8_t { kNone, kDaily, kWeekly };

// One judged bucket. `expected`, `lower`, `upper`, `score` are absent until the series has enough
// history (and for buckets without a value).
struct JudgedBucket {
  std::optional<double> actual;
  std::optional<double> expected;
  std::optional<double> lower;
  std::optional<double> upper;
  std::optional<double> score;  // 0..1; 0.5 at the threshold
  bool above_threshold = false;
  bool reported = false;  // the first bucket of an anomaly episode (what `anomalies` lists)
  Seasonality seasonality = Seasonality::kNone;
};

// Judges `values` (one per bucket of width `bucket_ms`, in time order; nullopt = no value, a gap
// that is neither judged nor learnt from). `first_judged` is the index of the first bucket whose
// judgement the caller wants reported: earlier buckets are history (they are learnt from, and an
// anomaly there still cleans the history, but it is never reported). Seasonal periods are counted
// in buckets (a day is 86,400,000 / bucket_ms buckets when that divides evenly).
// For a rate (a share of calls: error rate, cache hit rate) `calls` holds the number of calls
// behind each value (empty otherwise): the spread is then at least the binomial standard error
// √(p(1 − p)/n) of the bucket, p = (expected·n + 1)/(n + 2), so an hour of a few calls does not
// alarm on one failed call while a busy hour still does.
std::vector<JudgedBucket> JudgeSeries(const std::vector<std::optional<double>>& values, int64_t bucket_ms,
                                      size_t first_judged, const DetectorParams& params,
                                      const std::vector<double>& calls = {});

}  // namespace mltrack::analytics
