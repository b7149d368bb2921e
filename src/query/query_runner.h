#pragma once

#include <concepts>
#include <cstddef>
#include <functional>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/status.h"
#include "query/query_result.h"
#include "query/query_spec.h"

namespace mltrack::query {

// Runs QuerySpecs on whichever backend holds the events (the embedded store, or ClickHouse);
// dashboards are compositions of such calls and never see the store. A runner made by
// backend::Backend::Reader() reads one consistent view: every query through it sees the same
// events. Thread-safe: a dashboard may run queries from several threads.
//
// `runner(spec)` runs one query. `runner.RunBatch(specs)` runs several and answers each exactly
// as `runner(spec)` would (docs/query.md, "Batches"): a backend that can share work between them
// (the embedded executor scans the blocks once for all specs with the same range and filters)
// does; a runner made from a plain function runs them one by one.
class QueryRunner {
 public:
  using One = std::function<Result<QueryResult>(const QuerySpec&)>;
  using Batch = std::function<std::vector<Result<QueryResult>>(std::span<const QuerySpec>)>;

  QueryRunner() = default;
  QueryRunner(std::nullptr_t) {}  // NOLINT: an empty runner, as an empty std::function
  // Any callable QuerySpec → Result<QueryResult> (a lambda in tests): batches run one by one.
  template <typename Function>
    requires(!std::same_as<std::remove_cvref_t<Function>, QueryRunner> &&
             std::is_invocable_r_v<Result<QueryResult>, Function&, const QuerySpec&>)
  QueryRunner(Function one) : one_(std::move(one)) {}  // NOLINT: implicit, as std::function
  QueryRunner(One one, Batch batch) : one_(std::move(one)), batch_(std::move(batch)) {}

  Result<QueryResult> operator()(const QuerySpec& spec) const { return one_(spec); }

  // One result per spec, in the order of `specs`.
  std::vector<Result<QueryResult>> RunBatch(std::span<const QuerySpec> specs) const {
    if (batch_) return batch_(specs);
    std::vector<Result<QueryResult>> results;
    results.reserve(specs.size());
    for (const QuerySpec& spec : specs) results.push_back(one_(spec));
    return results;
  }

  explicit operator bool() const { return static_cast<bool>(one_); }

 private:
  One one_;
  Batch batch_;
};

}  // namespace mltrack::query
