// A small overview response in the shape of docs/api.md, for the prepare-layer unit tests.
import type { Overview } from '../../../api/types';

const DAY = 86_400_000;
export const T0 = Date.parse('2026-11-01T00:00:00.000Z');

export function sampleOverview(): Overview {
  return {
    range: {
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-06T00:00:00.000Z',
      previous_from: '2026-10-27T00:00:00.000Z',
      previous_to: '2026-11-01T00:00:00.000Z',
      bucket: '1d',
      bucket_ms: DAY,
    },
    demo: true,
    total_events: 812345,
    unpriced_events: 120,
    cards: {
      experiments: { value: 6, previous: 6, change_pct: 0 },
      runs: { value: 5120, previous: 4800, change_pct: 6.67 },
      cost_usd: { value: 1234.56, previous: 1100.2, change_pct: 12.2, daily: 40.1, weekly: 290.3, monthly: 1234.56 },
      avg_latency_ms: { value: 850.2, previous: 900.1, change_pct: -5.5, p95: 2400 },
      success_rate: { value: 0.973, previous: 0.969, change_pct: 0.41, baseline: 0.968 },
      active_users: { value: 84, previous: 80, change_pct: 5 },
      tokens: {
        value: 91234567,
        previous: 88000000,
        change_pct: 3.7,
        input: 70000000,
        output: 21234567,
        cost_per_1k_tokens: 0.0135,
      },
    },
    cost_trend: [
      { t: T0, cost_usd: 40.2, rolling_30d: 38.1 },
      { t: T0 + DAY, cost_usd: null, rolling_30d: 38.0 },
      // T0 + 2 days is absent: must become a gap too.
      { t: T0 + 3 * DAY, cost_usd: 41.5, rolling_30d: 38.4 },
      { t: T0 + 4 * DAY, cost_usd: 0, rolling_30d: 37.2 },
    ],
    model_usage: [
      { model: 'gpt-4o', provider: 'openai', count: 1000, share: 0.41, cost_usd: 500.1 },
      { model: 'claude-3-5-sonnet', provider: 'anthropic', count: 800, share: 0.33, cost_usd: 400 },
      { model: 'gpt-4o-mini', provider: 'openai', count: 640, share: 0.26, cost_usd: null },
    ],
    latency: {
      p50: 600,
      p90: 1800,
      p99: 4100,
      histogram: [
        { lo: 0, hi: 250, count: 1200 },
        { lo: 250, hi: 500, count: 3000 },
        { lo: 500, hi: 1000, count: 4000 },
        { lo: 1000, hi: 2000, count: 1500 },
        { lo: 2000, hi: 5000, count: 300 },
      ],
    },
    status_over_time: [
      { t: T0, ok: 990, error: 10, error_rate: 0.0101 },
      { t: T0 + DAY, ok: 800, error: 40, error_rate: 0.0476 },
      { t: T0 + 3 * DAY, ok: 700, error: 7, error_rate: 0.0099 },
    ],
  };
}
