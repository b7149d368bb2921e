#pragma once
// Reading the NAB open subset (../shared/data/anomaly/nab-open/, its PROVENANCE.md): the
// `timestamp,value` CSV files and the labelled windows of combined_windows.json.

#include <cstdint>
#include <string>
#include <vector>

#include "nab_scorer.h"

namespace mltrack::nab {

struct NabFile {
  std::string name;  // "<category>/<file>.csv", the key of combined_windows.json
  LabelledSeries series;
  std::vector<double> values;  // parallel to series.timestamps
};

// Every CSV under `dir`'s category folders, sorted by name, with its windows. Throws
// std::runtime_error naming the file and line on malformed input.
std::vector<NabFile> LoadNab(const std::string& dir);

// NAB's naive "YYYY-MM-DD HH:MM:SS[.ffffff]" read as UTC, in epoch ms.
int64_t ParseNabTime(const std::string& text);

// The median step between consecutive distinct timestamps, rounded to whole minutes (≥ 1 min).
int64_t MedianStepMs(const std::vector<int64_t>& timestamps);

}  // namespace mltrack::nab
