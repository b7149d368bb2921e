// A small performance response in the shape of docs/api.md, for the prepare-layer unit tests.
import type { Performance } from '../../../api/types';

const DAY = 86_400_000;
export const T0 = Date.parse('2026-11-01T00:00:00.000Z');

export function samplePerformance(): Performance {
  const t = (day: number) => T0 + day * DAY;
  return {
    range: {
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-04T00:00:00.000Z',
      previous_from: '2026-10-29T00:00:00.000Z',
      previous_to: '2026-11-01T00:00:00.000Z',
      bucket: '1d',
      bucket_ms: DAY,
    },
    demo: true,
    total_events: 1000,
    models_total: 2,
    summary: {
      calls: { value: 1000, previous: 800, change_pct: 25 },
      latency_p50_ms: { value: 850, previous: 900, change_pct: -5.555 },
      latency_p95_ms: { value: 2400, previous: 2000, change_pct: 20 },
      latency_p99_ms: { value: 4100, previous: 4000, change_pct: 2.5 },
      ttft_p50_ms: { value: 320, previous: null, change_pct: null },
      error_rate: { value: 0.012, previous: 0.01, change_pct: 20 },
      cache_hit_rate: { value: 0.06, previous: 0.05, change_pct: 20 },
    },
    latency: {
      overall: { p50: 850, p90: 1800, p95: 2400, p99: 4100 },
      previous: { p50: 900, p90: 1700, p95: 2000, p99: 4000 },
      over_time: [
        { t: t(0), p50: 800, p90: 1700, p95: 2300, p99: 4000 },
        { t: t(1), p50: null, p90: null, p95: null, p99: null },
        { t: t(2), p50: 900, p90: 1900, p95: 2500, p99: 4200 },
      ],
      by_model: [
        { model: 'gpt-4o', provider: 'openai', calls: 600, p50: 700, p90: 1500, p95: 2000, p99: 3500 },
        { model: 'claude', provider: 'anthropic', calls: 400, p50: 1000, p90: 2100, p95: 2800, p99: 4600 },
      ],
    },
    ttft: {
      overall: { p50: 320, p90: 600, p95: 700, p99: 900 },
      previous: { p50: null, p90: null, p95: null, p99: null },
      over_time: [
        { t: t(0), p50: 300, p90: 580, p95: 690, p99: 880 },
        { t: t(1), p50: null, p90: null, p95: null, p99: null },
        { t: t(2), p50: 340, p90: 620, p95: 710, p99: 920 },
      ],
      by_model: [],
    },
    throughput: {
      by_model: [
        { model: 'gpt-4o', provider: 'openai', calls: 600, tokens_per_s_p50: 75, tokens_per_s_p90: 92 },
        { model: 'claude', provider: 'anthropic', calls: 400, tokens_per_s_p50: 60, tokens_per_s_p90: 71 },
      ],
    },
    distribution: {
      by_model: [
        {
          model: 'gpt-4o',
          provider: 'openai',
          calls: 600,
          min: 10,
          q1: 400,
          median: 700,
          q3: 1200,
          max: 9000,
          whisker_low: 10,
          whisker_high: 2400,
          outliers: [3000, 9000],
          density: [
            { lo: 10, hi: 100, share: 0.1 },
            { lo: 100, hi: 1000, share: 0.6 },
            { lo: 1000, hi: 2400, share: 0.25 },
          ],
        },
      ],
    },
    errors: {
      errors: 12,
      rate: 0.012,
      previous_errors: 8,
      previous_rate: 0.01,
      types: ['rate_limit', 'timeout'],
      over_time: [
        { t: t(0), calls: 500, errors: 5, rate: 0.01, by_type: { rate_limit: 4, timeout: 1 } },
        { t: t(1), calls: null, errors: null, rate: null, by_type: {} },
        { t: t(2), calls: 500, errors: 7, rate: 0.014, by_type: { rate_limit: 7 } },
      ],
      by_model: [
        { model: 'claude', calls: 400, errors: 8, rate: 0.02 },
        { model: 'gpt-4o', calls: 600, errors: 4, rate: 0.00667 },
      ],
      by_provider: [
        { provider: 'anthropic', calls: 400, errors: 8, rate: 0.02 },
        { provider: 'openai', calls: 600, errors: 4, rate: 0.00667 },
      ],
      by_endpoint: [{ endpoint: '/v1/messages', calls: 400, errors: 8, rate: 0.02 }],
      by_error_type: [
        { error_type: 'rate_limit', errors: 11, previous: 5, change_pct: 120, share: 0.9167 },
        { error_type: 'timeout', errors: 1, previous: 3, change_pct: -66.7, share: 0.0833 },
      ],
      by_http_status: [
        { http_status: '429', errors: 11, share: 0.9167 },
        { http_status: '504', errors: 1, share: 0.0833 },
      ],
    },
    cache: {
      rate: 0.06,
      previous_rate: 0.05,
      over_time: [
        { t: t(0), rate: 0.05 },
        { t: t(1), rate: null },
        { t: t(2), rate: 0.07 },
      ],
      by_model: [],
    },
    matrix: {
      columns: [
        { key: 'latency_p50_ms', label: 'Latency p50', unit: 'ms', better: 'lower' },
        { key: 'error_rate', label: 'Error rate', unit: 'ratio', better: 'lower' },
        { key: 'cost_per_1k_tokens', label: 'Cost / 1K tokens', unit: 'usd', better: 'lower' },
      ],
      rows: [
        { model: 'gpt-4o', provider: 'openai', calls: 600, cells: [{ value: 700, score: 1 }, { value: 0.00667, score: 1 }, { value: null, score: null }] },
        { model: 'claude', provider: 'anthropic', calls: 400, cells: [{ value: 1000, score: 0 }, { value: 0.02, score: 0 }, { value: 0.004, score: 1 }] },
      ],
    },
    slo: null,
    scatter: {
      output_tokens_width: 10,
      ttft_ms_width: 50,
      sampled: false,
      sampled_calls: 9,
      cells: [
        { model: 'gpt-4o', output_tokens: 100, ttft_ms: 300, calls: 4 },
        { model: 'gpt-4o', output_tokens: 200, ttft_ms: 350, calls: 1 },
        { model: 'claude', output_tokens: 150, ttft_ms: 400, calls: 4 },
      ],
    },
    annotations: [
      { id: 1, ts: t(0) + 3_600_000, end: null, text: 'Gateway v2.14', kind: 'deploy', scope: null, created: t(3) },
      {
        id: 2,
        ts: t(2) + 3_600_000,
        end: t(2) + 3 * 3_600_000,
        text: 'Anthropic overloaded',
        kind: 'incident',
        scope: { field: 'provider', value: 'anthropic' },
        created: t(3),
      },
      { id: 3, ts: t(-5), end: null, text: 'Before the range', kind: 'config', scope: null, created: t(3) },
    ],
  };
}
