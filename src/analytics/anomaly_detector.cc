#include "analytics/anomaly_detector.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <deque>

namespace mltrack::analytics {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr double kMadToSigma = 1.4826;  // σ of a normal distribution per median absolute deviation
constexpr double kClipSigmas = 3.0;     // residuals beyond 3σ enter the spread as 3σ
constexpr size_t kModels = 3;           // level, daily, weekly

double Median(std::vector<double>& values) {
  const size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + mid, values.end());
  double upper = values[mid];
  if (values.size() % 2 == 1) return upper;
  return (upper + *std::max_element(values.begin(), values.begin() + mid)) / 2.0;
}

// One candidate model's state: its seasonal effect per bucket, its own history with its
// anomalies replaced, and its robust spread and recent error.
struct Model {
  int64_t period = 0;  // in buckets; 0 = the level model (no seasonality)
  Seasonality kind = Seasonality::kNone;
  std::vector<std::optional<double>> base;  // seasonal effect of each bucket (0 for the level model)
  // The mean of the values in the period before each bucket (its level), kept with a running sum.
  std::vector<std::optional<double>> period_mean;
  double running_sum = 0;
  int64_t running_count = 0;
  // The values as this model remembers them: a bucket it judged anomalous keeps its expected value,
  // so the same phase of the next periods is not expected to be anomalous too.
  std::vector<std::optional<double>> clean;
  // The level window's offsets (value − seasonal effect of the buckets before the one judged),
  // kept sorted as the window slides, so that its median is read, not recomputed.
  std::vector<double> level;
  std::vector<double> first_residuals;  // until min_history residuals start the spread
  double variance = 0;                  // robust, exponentially weighted (residuals clipped at 3σ)
  double mean_square_error = 0;         // exponentially weighted, over about two days
  int64_t judged = 0;                   // residuals seen
};

class Detector {
 public:
  Detector(const std::vector<std::optional<double>>& values, int64_t bucket_ms, const DetectorParams& params,
           const std::vector<double>& calls)
      : values_(values), params_(params), calls_(calls) {
    const int64_t day = bucket_ms > 0 && kDayMs % bucket_ms == 0 ? kDayMs / bucket_ms : 0;
    models_[0].kind = Seasonality::kNone;
    models_[1].period = day >= 2 ? day : 0;
    models_[1].kind = Seasonality::kDaily;
    models_[2].period = day >= 1 ? 7 * day : 0;
    models_[2].kind = Seasonality::kWeekly;
    for (Model& model : models_) {
      model.base.resize(values.size());
      model.period_mean.resize(values.size());
      if (model.period > 0) model.clean = values;
    }
    // Models are compared over about two days (at least 48 buckets), so a model that is badly
    // wrong twice a day (a level model on a square wave) loses to one that is a little worse
    // everywhere else.
    error_decay_ = 1.0 / static_cast<double>(std::max<int64_t>(48, 2 * day));
    scale_decay_ = 1.0 / static_cast<double>(std::max(1, params.scale_window));
    novelty_buckets_ = bucket_ms > 0 && params.novelty_window_ms > 0 ? static_cast<size_t>(params.novelty_window_ms / bucket_ms) : 0;
  }

  std::vector<JudgedBucket> Run(size_t first_judged) {
    std::vector<JudgedBucket> out(values_.size());
    int64_t history = 0;
    std::optional<size_t> last_above;
    for (size_t idx = 0; idx < values_.size(); ++idx) {
      JudgedBucket& bucket = out[idx];
      bucket.actual = values_[idx];
      std::array<std::optional<double>, kModels> expected;
      for (size_t model_idx = 0; model_idx < kModels; ++model_idx) {
        expected[model_idx] = Expect(models_[model_idx], idx);
      }
      if (!values_[idx]) continue;
      const double actual = *values_[idx];
      const size_t chosen = Choose(expected);
      if (chosen < kModels && history >= params_.min_history) {
        while (!episodes_.empty() && idx - episodes_.front() > static_cast<size_t>(params_.fatigue_buckets)) {
          episodes_.erase(episodes_.begin());
        }
        const double threshold = params_.z_threshold * (1.0 + params_.fatigue * static_cast<double>(episodes_.size()));
        const double z = Judge(bucket, models_[chosen], *expected[chosen], actual, threshold, idx);
        if (bucket.above_threshold && novelty_buckets_ > 0) {
          bucket.above_threshold = z >= params_.novelty_margin * RecentMaxZ(idx);
        }
        RememberZ(idx, z);
        if (bucket.above_threshold) {
          const bool new_episode = !last_above || idx - *last_above > static_cast<size_t>(params_.quiet_buckets);
          bucket.reported = new_episode && idx >= first_judged;
          if (new_episode) episodes_.push_back(idx);
          last_above = idx;
        }
      }
      for (size_t model_idx = 0; model_idx < kModels; ++model_idx) {
        if (expected[model_idx]) Learn(models_[model_idx], idx, *expected[model_idx], actual);
      }
      ++history;
    }
    return out;
  }

 private:
  // The model's expected value for bucket `idx` from the buckets before it; nullopt while the
  // model lacks history.
  std::optional<double> Expect(Model& model, size_t idx) {
    SlideLevel(model, idx);
    if (model.kind != Seasonality::kNone) {
      if (model.period == 0) return std::nullopt;
      AdvancePeriodMean(model, idx);
      // The seasonal effect: how far the same phase of the last periods stood from the level of
      // the period before it. Level-free, so a level shift does not leak into later periods.
      scratch_.clear();
      for (int back = 1; back <= params_.seasonal_periods; ++back) {
        const int64_t at = static_cast<int64_t>(idx) - back * model.period;
        if (at < 0) break;
        if (model.clean[at] && model.period_mean[at]) scratch_.push_back(*model.clean[at] - *model.period_mean[at]);
      }
      // Two periods at least (their mean; anomalies in them were cleaned), the median of up to
      // seasonal_periods.
      if (scratch_.size() < 2) return std::nullopt;
      model.base[idx] = Median(scratch_);
    } else {
      model.base[idx] = 0.0;
    }
    // The level: the median offset of the recent raw values from their seasonal effect. Raw, so
    // that a sustained shift takes over the median after level_window / 2 buckets.
    const size_t window = static_cast<size_t>(params_.level_window);
    if (model.level.size() < window / 2 || model.level.empty()) return std::nullopt;
    return *model.base[idx] + SortedMedian(model.level);
  }

  // Slides the model's level window to the buckets [idx − level_window, idx): the offset of
  // bucket idx − 1 enters, that of idx − 1 − level_window leaves (each once, with the same value:
  // a bucket's base is set when it is expected and never changes).
  void SlideLevel(Model& model, size_t idx) {
    auto offset = [&](size_t at) -> std::optional<double> {
      if (!values_[at] || !model.base[at]) return std::nullopt;
      return *values_[at] - *model.base[at];
    };
    const size_t window = static_cast<size_t>(params_.level_window);
    if (idx >= 1) {
      if (std::optional<double> entering = offset(idx - 1)) {
        model.level.insert(std::upper_bound(model.level.begin(), model.level.end(), *entering), *entering);
      }
    }
    if (idx >= window + 1) {
      if (std::optional<double> leaving = offset(idx - 1 - window)) {
        auto at = std::lower_bound(model.level.begin(), model.level.end(), *leaving);
        if (at == model.level.end() || *at != *leaving) {  // NaN is unordered: found by its bits
          at = std::find_if(model.level.begin(), model.level.end(),
                            [&](double value) { return std::memcmp(&value, &*leaving, sizeof value) == 0; });
        }
        if (at != model.level.end()) model.level.erase(at);
      }
    }
  }

  // The median of sorted values, as Median computes it.
  static double SortedMedian(const std::vector<double>& sorted) {
    const size_t mid = sorted.size() / 2;
    if (sorted.size() % 2 == 1) return sorted[mid];
    return (sorted[mid] + sorted[mid - 1]) / 2.0;
  }

  void AdvancePeriodMean(Model& model, size_t idx) {
    if (idx >= 1 && values_[idx - 1]) {
      model.running_sum += *values_[idx - 1];
      ++model.running_count;
    }
    const int64_t leaving = static_cast<int64_t>(idx) - 1 - model.period;
    if (leaving >= 0 && values_[leaving]) {
      model.running_sum -= *values_[leaving];
      --model.running_count;
    }
    if (model.running_count * 2 >= model.period) {
      model.period_mean[idx] = model.running_sum / static_cast<double>(model.running_count);
    }
  }

  // The level model unless a seasonal one has been clearly better lately; kModels when no model
  // is ready.
  size_t Choose(const std::array<std::optional<double>, kModels>& expected) const {
    size_t best = kModels;
    const double gain = params_.seasonal_gain * params_.seasonal_gain;  // on root mean squares
    for (size_t model_idx = 0; model_idx < kModels; ++model_idx) {
      const Model& model = models_[model_idx];
      if (!expected[model_idx] || model.judged < params_.min_history) continue;
      if (best == kModels || model.mean_square_error < gain * models_[best].mean_square_error) best = model_idx;
    }
    return best;
  }

  // The standard error of a rate bucket's share: √(p(1 − p)/n) of its n calls, p = (expected·n + 1)/(n + 2);
  // 0 for buckets without calls and for metrics that are not rates.
  double RateError(double expected, size_t idx) const {
    if (idx >= calls_.size() || calls_[idx] <= 0) return 0.0;
    const double calls = calls_[idx];
    const double share = std::clamp((std::clamp(expected, 0.0, 1.0) * calls + 1.0) / (calls + 2.0), 0.0, 1.0);
    return std::sqrt(share * (1.0 - share) / calls);
  }

  // The unit residuals are measured in: a rate bucket's binomial standard error (its spread is
  // learnt as a dispersion, a multiple of that error, so a quiet night hour of a few calls does
  // not widen the band of a busy afternoon hour), else 1.
  double Unit(double expected, size_t idx) const {
    const double error = RateError(expected, idx);
    return error > 0 ? error : 1.0;
  }

  double Scale(const Model& model, double expected, size_t idx) const {
    const double error = RateError(expected, idx);
    if (error > 0) {
      // At least binomial noise (dispersion 1): one failed call among five is not an alarm.
      const double scale = std::max(error * std::sqrt(std::max(model.variance, 1.0)),
                                    params_.min_relative_scale * std::abs(expected));
      return std::max(scale, 1e-9);
    }
    double scale = std::sqrt(model.variance);
    scale = std::max(scale, params_.min_relative_scale * std::abs(expected));
    if (params_.counts) scale = std::max(scale, std::sqrt(std::max(expected, 1.0)));
    return std::max(scale, 1e-9);
  }

  // The largest z of the judged buckets in the novelty window before `idx` (a monotonic deque).
  double RecentMaxZ(size_t idx) {
    while (!recent_z_.empty() && idx - recent_z_.front().first > novelty_buckets_) {
      recent_z_.pop_front();
    }
    return recent_z_.empty() ? 0.0 : recent_z_.front().second;
  }
  void RememberZ(size_t idx, double z) {
    if (novelty_buckets_ == 0) return;
    while (!recent_z_.empty() && recent_z_.back().second <= z) recent_z_.pop_back();
    recent_z_.emplace_back(idx, z);
  }

  // Fills the bucket's judgement; returns its z.
  double Judge(JudgedBucket& bucket, const Model& model, double expected, double actual, double threshold,
               size_t idx) const {
    const double scale = Scale(model, expected, idx);
    const double z = std::abs(actual - expected) / scale;
    bucket.expected = expected;
    bucket.lower = expected - threshold * scale;
    bucket.upper = expected + threshold * scale;
    if (params_.non_negative) {
      bucket.expected = std::max(0.0, expected);
      bucket.lower = std::max(0.0, *bucket.lower);
    }
    bucket.score = z * z / (z * z + threshold * threshold);
    bucket.above_threshold = z >= threshold;
    bucket.seasonality = model.kind;
    return z;
  }

  void Learn(Model& model, size_t idx, double expected, double actual) {
    const double residual = actual - expected;
    const double unit = Unit(expected, idx);  // the spread is learnt in this unit
    if (model.judged < params_.min_history) {
      model.first_residuals.push_back(std::abs(residual) / unit);
      if (static_cast<int>(model.first_residuals.size()) == params_.min_history) {
        const double sigma = kMadToSigma * Median(model.first_residuals);
        model.variance = sigma * sigma;
      }
    } else {
      const double scale = Scale(model, expected, idx);
      if (model.period > 0 && std::abs(residual) >= params_.z_threshold * scale) model.clean[idx] = expected;
      const double clipped = std::min(std::abs(residual), kClipSigmas * scale) / unit;
      model.variance += scale_decay_ * (clipped * clipped - model.variance);
    }
    const double square = residual * residual;
    model.mean_square_error = model.judged == 0 ? square
                                                : model.mean_square_error + error_decay_ * (square - model.mean_square_error);
    ++model.judged;
  }

  const std::vector<std::optional<double>>& values_;
  const DetectorParams& params_;
  const std::vector<double>& calls_;
  std::array<Model, kModels> models_;
  std::vector<double> scratch_;
  double error_decay_ = 0;
  double scale_decay_ = 0;
  std::vector<size_t> episodes_;  // first buckets of the recent episodes (for fatigue)
  size_t novelty_buckets_ = 0;
  std::deque<std::pair<size_t, double>> recent_z_;  // (bucket, z), z decreasing (for novelty)
};

}  // namespace

std::vector<JudgedBucket> JudgeSeries(const std::vector<std::optional<double>>& values, int64_t bucket_ms,
                                      size_t first_judged, const DetectorParams& params,
                                      const std::vector<double>& calls) {
  return Detector(values, bucket_ms, params, calls).Run(first_judged);
}

}  // namespace mltrack::analytics
