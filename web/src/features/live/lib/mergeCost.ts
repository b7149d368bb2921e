// Folds a live snapshot/update into the Cost page's report (docs/api.md "Live", "In the web app"):
// the cards take the pushed totals (cost, calls, tokens and cost per 1K tokens, their change
// recomputed against the same previous period), and the cost-over-time chart's buckets take the
// cost of the events an update added, each on its stack's series. Pure; the breakdowns, heatmap,
// flows and efficiency table are left as the last fetch returned them.
import type { CostReport } from '../../../api/types';
import type { LiveEvent, LiveReportMessage } from './messages';
import { withValue } from './mergeOverview';

const round = (usd: number) => Math.round(usd * 1e9) / 1e9;  // nano-USD, as the server counts

/** The value of an event's `stackBy` dimension (model, provider, ..., tags.<key>); undefined when the stream does not carry it. */
export function stackKeyOf(event: LiveEvent, stackBy: string): string | undefined {
  if (stackBy.startsWith('tags.')) return event.tags?.[stackBy.slice(5)] ?? '(none)';
  if (stackBy === 'model' || stackBy === 'provider' || stackBy === 'experiment' || stackBy === 'team' || stackBy === 'user') {
    return event[stackBy] ?? '(none)';
  }
  return undefined;
}

/**
 * The over-time chart with the update's priced events added to their bucket and series, when the
 * update lists every event it added (its event count grew by exactly the events it carries). An
 * event after the last bucket opens the pushed current bucket; a stack value without a series goes
 * to "(other)" when there is one, else gets a series of its own.
 */
export function mergeCostOverTime(overTime: CostReport['over_time'], calls: number, message: LiveReportMessage): CostReport['over_time'] {
  const added = message.totals.events - calls;
  if (message.type !== 'update' || added <= 0 || added !== message.events.length) return overTime;
  const { bucket_ms: bucketMs } = overTime;
  let t = overTime.t;
  let series = overTime.series.map((s) => ({ ...s, cost_usd: [...s.cost_usd] }));
  let changed = false;
  for (const event of message.events) {
    const key = stackKeyOf(event, overTime.stack_by);
    const ts = Date.parse(event.ts);
    if (key === undefined || event.cost_usd === undefined || !Number.isFinite(ts)) continue;
    let index = t.findIndex((start) => start <= ts && ts < start + bucketMs);
    if (index < 0) {
      const current = message.bucket;
      const opensCurrent = current.bucket_ms === bucketMs && current.t <= ts && ts < current.t + bucketMs;
      if (!opensCurrent || (t.length > 0 && current.t <= t[t.length - 1]!)) continue;
      t = [...t, current.t];
      series = series.map((s) => ({ ...s, cost_usd: [...s.cost_usd, null] }));
      index = t.length - 1;
    }
    let target = series.find((s) => s.name === key) ?? series.find((s) => s.name === '(other)');
    if (!target) {
      target = { name: key, cost_usd: t.map(() => null) };
      series = [...series, target];
    }
    target.cost_usd[index] = round((target.cost_usd[index] ?? 0) + event.cost_usd);
    changed = true;
  }
  return changed ? { ...overTime, t, series } : overTime;
}

/** The report with the live figures folded in; null when it was of an empty range and now is not (fetch again). */
export function mergeLiveIntoCost(report: CostReport, message: LiveReportMessage): CostReport | null {
  const { totals } = message;
  if (report.totals.calls.value === 0 && totals.events > 0) return null;
  const per1k = totals.cost_usd !== null && totals.tokens > 0 ? (totals.cost_usd / totals.tokens) * 1000 : null;
  return {
    ...report,
    totals: {
      ...report.totals,
      cost_usd: withValue(report.totals.cost_usd, totals.cost_usd),
      calls: withValue(report.totals.calls, totals.events),
      tokens: withValue(report.totals.tokens, totals.tokens),
      cost_per_1k_tokens: withValue(report.totals.cost_per_1k_tokens, per1k),
    },
    over_time: mergeCostOverTime(report.over_time, report.totals.calls.value ?? 0, message),
  };
}
