import { describe, expect, it } from 'vitest';
import { sampleOverview, T0 } from '../../overview/lib/sampleOverview.test-data';
import { changePct, mergeLiveIntoOverview } from './mergeOverview';
import type { LiveFigures, LiveReportMessage } from './messages';

const DAY = 86_400_000;

function figures(overrides: Partial<LiveFigures> = {}): LiveFigures {
  return {
    events: 812_400,
    experiments: 7,
    runs: 5200,
    active_users: 88,
    cost_usd: 1321.64,
    avg_latency_ms: 900.1,
    success_rate: 0.97,
    tokens: 92_000_000,
    ...overrides,
  };
}

function message(bucket: Partial<LiveReportMessage['bucket']> = {}, totals: Partial<LiveFigures> = {}): LiveReportMessage {
  return {
    type: 'update',
    at: T0 + 4 * DAY + 3600_000,
    totals: figures(totals),
    bucket: { ...figures({ events: 50, cost_usd: 2.5, success_rate: 0.9 }), t: T0 + 4 * DAY, bucket_ms: DAY, ...bucket },
    events: [],
  };
}

describe('changePct', () => {
  it('is the server\u2019s ChangePct: relative to |previous|, null without a previous or at 0', () => {
    expect(changePct(150, 100)).toBe(50);
    expect(changePct(-50, -100)).toBe(50);
    expect(changePct(5, 0)).toBeNull();
    expect(changePct(null, 3)).toBeNull();
    expect(changePct(3, null)).toBeNull();
  });
});

describe('mergeLiveIntoOverview', () => {
  it('puts the pushed totals into the cards and recomputes each change against the previous period', () => {
    const merged = mergeLiveIntoOverview(sampleOverview(), message())!;
    expect(merged.total_events).toBe(812_400);
    expect(merged.cards.experiments).toEqual({ value: 7, previous: 6, change_pct: changePct(7, 6) });
    // 1321.64 against 1100.2: +20.13 %
    expect(merged.cards.cost_usd.value).toBe(1321.64);
    expect(merged.cards.cost_usd.change_pct).toBeCloseTo(20.127, 2);
    // the cost the update added (1321.64 − 1234.56 = 87.08) goes into every window
    expect(merged.cards.cost_usd.daily).toBeCloseTo(127.18, 9);
    expect(merged.cards.cost_usd.monthly).toBeCloseTo(1321.64, 9);
    // the figures live does not push are kept
    expect(merged.cards.avg_latency_ms.p95).toBe(2400);
    expect(merged.cards.success_rate.baseline).toBe(0.968);
    expect(merged.cards.tokens.input).toBe(70_000_000);
  });

  it('keeps an unchanged card object as it was (no re-render, no animation)', () => {
    const overview = sampleOverview();
    const merged = mergeLiveIntoOverview(overview, message({}, { experiments: 6 }))!;
    expect(merged.cards.experiments).toBe(overview.cards.experiments);
  });

  it('replaces the current bucket of the cost trend and of the status series', () => {
    const merged = mergeLiveIntoOverview(sampleOverview(), message())!;
    expect(merged.cost_trend).toHaveLength(4);
    expect(merged.cost_trend[3]).toEqual({ t: T0 + 4 * DAY, cost_usd: 2.5, rolling_30d: 37.2 });
    expect(merged.cost_trend[0]).toEqual(sampleOverview().cost_trend[0]);
    // 50 events at 90 % success: 45 ok, 5 errors
    expect(merged.status_over_time.at(-1)).toEqual({ t: T0 + 4 * DAY, ok: 45, error: 5, error_rate: 0.1 });
    expect(merged.status_over_time).toHaveLength(4);
  });

  it('appends a bucket that began after the last fetch', () => {
    const merged = mergeLiveIntoOverview(sampleOverview(), message({ t: T0 + 5 * DAY }))!;
    expect(merged.cost_trend.at(-1)).toEqual({ t: T0 + 5 * DAY, cost_usd: 2.5, rolling_30d: null });
    expect(merged.cost_trend).toHaveLength(5);
  });

  it('never rewrites history: a bucket before the last point, another width or an empty bucket is ignored', () => {
    const overview = sampleOverview();
    expect(mergeLiveIntoOverview(overview, message({ t: T0 + 2 * DAY }))!.cost_trend).toEqual(overview.cost_trend);
    expect(mergeLiveIntoOverview(overview, message({ bucket_ms: 3600_000 }))!.cost_trend).toEqual(overview.cost_trend);
    expect(mergeLiveIntoOverview(overview, message({ events: 0 }))!.status_over_time).toEqual(overview.status_over_time);
  });

  it('asks for a refetch when an empty overview gets its first event (no trend to extend)', () => {
    const empty = { ...sampleOverview(), total_events: 0 };
    expect(mergeLiveIntoOverview(empty, message())).toBeNull();
    expect(mergeLiveIntoOverview(empty, message({}, { events: 0 }))).not.toBeNull();
  });
});
