// Folds a live snapshot/update into the Executive Dashboard's overview data: the cards take the
// pushed totals (their change recomputed against the same previous period) and the trend's
// current bucket takes the pushed bucket; the cost card's 24h/7d/30d and model usage take what an
// update added (mergeExtras.ts). Pure; the rest of the overview (latency histogram, cost breakdown
// by day) is left as the last fetch returned it.
import type { CardFigure, Overview } from '../../../api/types';
import { mergeCostWindows, mergeModelUsage } from './mergeExtras';
import type { LiveBucket, LiveFigures, LiveReportMessage } from './messages';

/** The server's change (analytics ChangePct): null without a previous value or when it is 0. */
export function changePct(value: number | null, previous: number | null): number | null {
  if (value === null || previous === null || previous === 0) return null;
  return ((value - previous) / Math.abs(previous)) * 100;
}

export function withValue<T extends CardFigure>(card: T, value: number | null): T {
  if (card.value === value) return card;
  return { ...card, value, change_pct: changePct(value, card.previous) };
}

function mergeCards(cards: Overview['cards'], message: LiveReportMessage): Overview['cards'] {
  const totals: LiveFigures = message.totals;
  return {
    experiments: withValue(cards.experiments, totals.experiments),
    runs: withValue(cards.runs, totals.runs),
    active_users: withValue(cards.active_users, totals.active_users),
    cost_usd: withValue(mergeCostWindows(cards.cost_usd, message), totals.cost_usd),
    avg_latency_ms: withValue(cards.avg_latency_ms, totals.avg_latency_ms),
    success_rate: withValue(cards.success_rate, totals.success_rate),
    tokens: withValue(cards.tokens, totals.tokens),
  };
}

/** Replaces the point at `t` (or appends it after the last one); older points are never touched. */
export function upsert<P extends { t: number }>(points: P[], t: number, make: (old: P | undefined) => P): P[] {
  const index = points.findIndex((point) => point.t === t);
  if (index >= 0) return points.map((point, i) => (i === index ? make(point) : point));
  const last = points.at(-1);
  if (last !== undefined && last.t > t) return points;
  return [...points, make(undefined)];
}

function mergeBucket(overview: Overview, bucket: LiveBucket): Pick<Overview, 'cost_trend' | 'status_over_time'> {
  const { cost_trend, status_over_time } = overview;
  if (bucket.bucket_ms !== overview.range.bucket_ms || bucket.events === 0) return { cost_trend, status_over_time };
  const errors = bucket.success_rate === null ? 0 : Math.round(bucket.events * (1 - bucket.success_rate));
  return {
    cost_trend: upsert(cost_trend, bucket.t, (old) => ({
      t: bucket.t,
      cost_usd: bucket.cost_usd,
      rolling_30d: old?.rolling_30d ?? null,
    })),
    status_over_time: upsert(status_over_time, bucket.t, () => ({
      t: bucket.t,
      ok: bucket.events - errors,
      error: errors,
      error_rate: errors / bucket.events,
    })),
  };
}

/**
 * The overview with the live figures folded in. `null` when it cannot be merged and should be
 * fetched again instead: the overview was of an empty range (no trend to extend) and now is not.
 */
export function mergeLiveIntoOverview(overview: Overview, message: LiveReportMessage): Overview | null {
  if (overview.total_events === 0 && message.totals.events > 0) return null;
  return {
    ...overview,
    total_events: message.totals.events,
    cards: mergeCards(overview.cards, message),
    model_usage: mergeModelUsage(overview.model_usage, overview.total_events, message),
    ...mergeBucket(overview, message.bucket),
  };
}
