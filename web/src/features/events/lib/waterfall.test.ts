import { describe, expect, it } from 'vitest';
import type { CallTimeline, StoredEvent } from '../../../api/types';
import { prepareWaterfall, tickStep } from './waterfall';

const call = (ts: number, extra: Partial<StoredEvent>): StoredEvent => ({
  ts, time: new Date(ts).toISOString(), experiment: 'e', operation: 'chat', status: 'ok', scores: {}, tags: {}, ...extra,
});

const timeline: CallTimeline = {
  kind: 'trace',
  id: 't1',
  truncated: false,
  max_calls: 10000,
  totals: { calls: 3, errors: 1, input_tokens: 0, output_tokens: 0, cost_usd: 0, unpriced: 0, start: 1000, end: 3000, duration_ms: 2000, models: ['m'] },
  calls: [
    call(1000, { model: 'm', latency_ms: 800 }),
    call(1815, { operation: 'tool', endpoint: 'tool:run_sql', latency_ms: 0 }),
    call(2000, { model: 'm', status: 'error', latency_ms: 1000 }),
  ],
};

describe('prepareWaterfall', () => {
  it('places each call by start and latency on the whole span, with its tone', () => {
    const { spanMs, bars, ticks } = prepareWaterfall(timeline);
    expect(spanMs).toBe(2000);
    expect(bars.map((bar) => [bar.leftPct, bar.widthPct, bar.tone])).toEqual([
      [0, 40, 'model'],
      [40.75, 0.4, 'tool'],  // a zero-length call still shows
      [50, 50, 'error'],
    ]);
    expect(bars[1]?.label).toBe('tool · tool:run_sql');
    expect(ticks).toEqual([0, 500, 1000, 1500, 2000]);
  });

  it('picks round tick steps', () => {
    expect(tickStep(2000)).toBe(500);
    expect(tickStep(45)).toBe(10);
    expect(tickStep(7_200_000)).toBe(1_800_000);
  });
});
