#pragma once
// The Boost.Math policy every statistic here uses: a domain, pole, overflow or evaluation error
// returns NaN (or ±inf) instead of throwing, so a degenerate input (a zero variance, a huge t)
// becomes a missing p-value at the caller rather than an exception through the server.

#include <boost/math/policies/policy.hpp>

namespace mltrack::analytics::stats {

using MathPolicy = boost::math::policies::policy<
    boost::math::policies::domain_error<boost::math::policies::ignore_error>,
    boost::math::policies::pole_error<boost::math::policies::ignore_error>,
    boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
    boost::math::policies::evaluation_error<boost::math::policies::ignore_error>,
    boost::math::policies::promote_double<false>>;

}  // namespace mltrack::analytics::stats
