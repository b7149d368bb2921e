#pragma once
// NAB's standard scoring (Lavin & Ahmad 2015; numenta/NAB nab/sweeper.py and runner.py), written
// again from its published rules so that bench/nab can score our detector the way NAB scores its
// published detectors (docs/analytics/anomalies.md, "Benchmark").
//
// Per file: each labelled window scores its earliest detection with the scaled sigmoid of the
// detection's position in the window (A_TP = 1 at the left edge, about 0 at the right edge), or
// A_FN = −1 when nothing inside it was detected; each detection outside every window costs
// A_FP = −0.11 times the scaled sigmoid of its distance past the previous window (−1 when none
// precedes it); detections in the first 15 % of the rows (at most 750 rows) are not scored, and
// nor is a window lying entirely in that probationary part. The corpus score is the sum over
// files, normalised so that the null detector (no detections) scores 0 and a perfect one 100.

#include <cstdint>
#include <utility>
#include <vector>

namespace mltrack::nab {

struct CostProfile {
  double tp_weight = 1.0;
  double fp_weight = 0.11;
  double fn_weight = 1.0;
};

// One labelled file: its row timestamps in file order (may repeat) and its windows as
// [first, last] row timestamps (inclusive; both are timestamps of rows of the file).
struct LabelledSeries {
  std::vector<int64_t> timestamps;
  std::vector<std::pair<int64_t, int64_t>> windows;
};

struct FileScore {
  double raw = 0;            // this file's score
  double null_raw = 0;       // the null detector's score on this file
  int windows = 0;           // labelled windows (the perfect score counts every one)
  int detected_windows = 0;  // scored windows with a detection inside
  int false_positives = 0;   // scored detections outside every window
};

// `detected[row]` is true where the detector raised an anomaly at that row.
FileScore ScoreFile(const LabelledSeries& series, const std::vector<bool>& detected,
                    const CostProfile& profile = {});

// 100 · (raw − null) / (perfect − null), summed over files; perfect = windows · tp_weight.
double NormalisedScore(const std::vector<FileScore>& files, const CostProfile& profile = {});

// NAB's scaled sigmoid: 2·sigmoid(−5·x) − 1, and −1 from x ≥ 3 on.
double ScaledSigmoid(double relative_position);

}  // namespace mltrack::nab
