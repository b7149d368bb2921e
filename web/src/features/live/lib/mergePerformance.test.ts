import { describe, expect, it } from 'vitest';
import { samplePerformance, T0 } from '../../performance/lib/samplePerformance.test-data';
import { mergeLiveIntoPerformance } from './mergePerformance';
import type { LiveFigures, LiveReportMessage } from './messages';

const DAY = 86_400_000;

function figures(overrides: Partial<LiveFigures> = {}): LiveFigures {
  return { events: 1010, experiments: 1, runs: 1, active_users: 2, cost_usd: 4, avg_latency_ms: 500, success_rate: 0.98, tokens: 1, ...overrides };
}

function update(bucket: Partial<LiveReportMessage['bucket']> = {}): LiveReportMessage {
  return {
    type: 'update',
    at: T0 + 2 * DAY + 60_000,
    totals: figures(),
    bucket: { ...figures({ events: 510, success_rate: 0.98 }), t: T0 + 2 * DAY, bucket_ms: DAY, ...bucket },
    events: [],
  };
}

describe('mergeLiveIntoPerformance', () => {
  it('sets calls and the error rate of the cards, and the error chart\u2019s current bucket', () => {
    const data = samplePerformance();
    const merged = mergeLiveIntoPerformance(data, update())!;
    expect(merged.summary.calls).toEqual({ value: 1010, previous: 800, change_pct: 26.25 });
    expect(merged.summary.error_rate.value).toBeCloseTo(0.02, 12);
    expect(merged.summary.error_rate.change_pct).toBeCloseTo(100, 9);  // against the previous 0.01
    expect(merged.errors.errors).toBe(20);
    const last = merged.errors.over_time.at(-1)!;
    expect(last).toMatchObject({ t: T0 + 2 * DAY, calls: 510, errors: 10 });
    expect(last.rate).toBeCloseTo(10 / 510, 12);
    expect(last.by_type).toEqual({ rate_limit: 7 });  // kept from the fetch
    expect(merged.summary.latency_p50_ms).toBe(data.summary.latency_p50_ms);
  });

  it('leaves the chart alone for a bucket of another size, and refetches an empty range that filled', () => {
    const data = samplePerformance();
    expect(mergeLiveIntoPerformance(data, update({ bucket_ms: 3_600_000 }))!.errors.over_time).toBe(data.errors.over_time);
    const empty = { ...data, total_events: 0 };
    expect(mergeLiveIntoPerformance(empty, update())).toBeNull();
  });
});
