#include "nab_scorer.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

namespace mltrack::nab {

double ScaledSigmoid(double relative_position) {
  if (relative_position >= 3.0) return -1.0;
  return 2.0 / (1.0 + std::exp(5.0 * relative_position)) - 1.0;
}

namespace {

size_t FirstRowAt(const std::vector<int64_t>& timestamps, int64_t ts) {
  return static_cast<size_t>(std::find(timestamps.begin(), timestamps.end(), ts) - timestamps.begin());
}

}  // namespace

FileScore ScoreFile(const LabelledSeries& series, const std::vector<bool>& detected,
                    const CostProfile& profile) {
  const std::vector<int64_t>& ts = series.timestamps;
  const size_t rows = ts.size();
  const double probation = std::min(std::floor(0.15 * static_cast<double>(rows)), 0.15 * 5000);
  const double max_tp = ScaledSigmoid(-1.0);
  FileScore score;
  score.windows = static_cast<int>(series.windows.size());

  std::map<int, double> window_parts;  // scored windows: best detection, or −fn_weight
  size_t next_window = 0;
  std::optional<int> current;          // index of the window the row is in
  size_t current_right = 0;
  double current_width = 0;
  std::optional<size_t> previous_right;
  double previous_width = 0;
  double fp_part = 0;
  for (size_t row = 0; row < rows; ++row) {
    if (next_window < series.windows.size() && ts[row] == series.windows[next_window].first) {
      current = static_cast<int>(next_window);
      current_right = FirstRowAt(ts, series.windows[next_window].second);
      current_width = static_cast<double>(current_right - FirstRowAt(ts, series.windows[next_window].first) + 1);
      ++next_window;
    }
    double sweep = 0;
    if (current) {
      const double position = -(static_cast<double>(current_right) - static_cast<double>(row) + 1) / current_width;
      sweep = ScaledSigmoid(position) * profile.tp_weight / max_tp;
    } else {
      const double past = previous_right ? std::abs(static_cast<double>(*previous_right) - static_cast<double>(row)) /
                                               (previous_width - 1)
                                         : 3.0;
      sweep = ScaledSigmoid(past) * profile.fp_weight;
    }
    const bool scored = static_cast<double>(row) >= probation;
    if (scored && current) window_parts.emplace(*current, -profile.fn_weight);
    if (scored && row < detected.size() && detected[row]) {
      if (current) {
        window_parts[*current] = std::max(window_parts[*current], sweep);
      } else {
        fp_part += sweep;
        ++score.false_positives;
      }
    }
    if (current && ts[row] == series.windows[*current].second) {
      previous_right = row;
      previous_width = current_width;
      current.reset();
    }
  }
  score.raw = fp_part;
  for (const auto& [window, part] : window_parts) {
    score.raw += part;
    score.null_raw -= profile.fn_weight;
    if (part > -profile.fn_weight) ++score.detected_windows;
  }
  return score;
}

double NormalisedScore(const std::vector<FileScore>& files, const CostProfile& profile) {
  double raw = 0, null_raw = 0, windows = 0;
  for (const FileScore& file : files) {
    raw += file.raw;
    null_raw += file.null_raw;
    windows += file.windows;
  }
  const double perfect = windows * profile.tp_weight;
  return 100.0 * (raw - null_raw) / (perfect - null_raw);
}

}  // namespace mltrack::nab
