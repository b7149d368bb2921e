// Folds a live snapshot/update into the Performance page's answer (docs/api.md "Live", "In the
// web app"): the calls and the error rate of the cards, and the error chart's current bucket
// (its calls, errors and rate). Pure; latency and TTFT percentiles, cache hits and the per-model
// figures are not in the live totals and stay as the last fetch returned them.
import type { Performance } from '../../../api/types';
import type { LiveReportMessage } from './messages';
import { upsert, withValue } from './mergeOverview';

const errorsOf = (events: number, successRate: number | null) =>
  successRate === null ? 0 : Math.round(events * (1 - successRate));

/** The answer with the live figures folded in; null when it was of an empty range and now is not (fetch again). */
export function mergeLiveIntoPerformance(data: Performance, message: LiveReportMessage): Performance | null {
  const { totals, bucket } = message;
  if (data.total_events === 0 && totals.events > 0) return null;
  const rate = totals.success_rate === null ? null : 1 - totals.success_rate;
  const errors = errorsOf(totals.events, totals.success_rate);
  let overTime = data.errors.over_time;
  if (bucket.bucket_ms === data.range.bucket_ms && bucket.events > 0) {
    const bucketErrors = errorsOf(bucket.events, bucket.success_rate);
    overTime = upsert(overTime, bucket.t, (old) => ({
      t: bucket.t,
      calls: bucket.events,
      errors: bucketErrors,
      rate: bucketErrors / bucket.events,
      by_type: old?.by_type ?? {},
    }));
  }
  return {
    ...data,
    total_events: totals.events,
    summary: {
      ...data.summary,
      calls: withValue(data.summary.calls, totals.events),
      error_rate: withValue(data.summary.error_rate, rate),
    },
    errors: { ...data.errors, errors, rate, over_time: overTime },
  };
}
