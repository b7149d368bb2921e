import { describe, expect, it } from 'vitest';
import { sampleOverview } from '../../overview/lib/sampleOverview.test-data';
import { mergeCostWindows, mergeModelUsage } from './mergeExtras';
import type { LiveEvent, LiveReportMessage } from './messages';

function update(events: number, costUsd: number | null, list: LiveEvent[] = [], type: LiveReportMessage['type'] = 'update'): LiveReportMessage {
  const totals = { events, experiments: 6, runs: 5120, active_users: 80, cost_usd: costUsd, avg_latency_ms: 800, success_rate: 0.97, tokens: 1 };
  return { type, at: 0, totals, bucket: { ...totals, t: 0, bucket_ms: 3_600_000 }, events: list };
}

const event = (model: string | undefined, cost?: number): LiveEvent => ({
  ts: '2026-12-06T15:00:00Z', operation: 'chat', status: 'ok',
  ...(model ? { model, provider: 'openai' } : {}),
  ...(cost !== undefined ? { cost_usd: cost } : {}),
});

describe('mergeCostWindows', () => {
  const cost = sampleOverview().cards.cost_usd;  // value 1234.56; daily 40.1, weekly 290.3, monthly 1234.56

  it('adds what the update added to every window', () => {
    expect(mergeCostWindows(cost, update(1, 1235.06))).toEqual({ ...cost, daily: 40.6, weekly: 290.8, monthly: 1235.06 });
  });
  it('leaves the windows alone for a snapshot, no change or a fall', () => {
    expect(mergeCostWindows(cost, update(1, 1300, [], 'snapshot'))).toBe(cost);
    expect(mergeCostWindows(cost, update(1, 1234.56))).toBe(cost);
    expect(mergeCostWindows(cost, update(1, 1200))).toBe(cost);
  });
  it('starts an empty window at the added cost', () => {
    expect(mergeCostWindows({ ...cost, value: null, daily: null }, update(1, 0.25)).daily).toBe(0.25);
  });
});

describe('mergeModelUsage', () => {
  const { model_usage: usage, total_events: total } = sampleOverview();  // gpt-4o 1000, claude 800, mini 640 (cost null)

  it('counts each listed event into its model and recomputes the shares', () => {
    const merged = mergeModelUsage(usage, total, update(total + 3, null, [event('gpt-4o', 0.5), event('gpt-4o-mini', 0.01), event('o3', 1)]));
    expect(merged.map((u) => [u.model, u.count, u.cost_usd])).toEqual([
      ['gpt-4o', 1001, 500.6],
      ['claude-3-5-sonnet', 800, 400],
      ['gpt-4o-mini', 641, 0.01],
      ['o3', 1, 1],
    ]);
    expect(merged[0]!.share).toBeCloseTo(1001 / 2443);
    expect(merged.reduce((sum, u) => sum + u.share, 0)).toBeCloseTo(1);
    expect(usage[0]!.count).toBe(1000);  // not mutated
  });
  it('puts an unlisted model into the server\'s (other) entry, and an event without a model under (none)', () => {
    const withOther = [...usage, { model: '(other)', provider: '', count: 10, share: 0, cost_usd: 2 }];
    const merged = mergeModelUsage(withOther, total, update(total + 2, null, [event('o3', 1), event(undefined)]));
    expect(merged.find((u) => u.model === '(other)')!.count).toBe(12);
    expect(merged.find((u) => u.model === '(other)')!.cost_usd).toBe(3);
  });
  it('leaves usage alone when the update does not list every event it added, or for a snapshot', () => {
    expect(mergeModelUsage(usage, total, update(total + 5, null, [event('gpt-4o')]))).toBe(usage);
    expect(mergeModelUsage(usage, total, update(total + 1, null, [event('gpt-4o')], 'snapshot'))).toBe(usage);
  });
});
