// A small cost report for the prepare functions' tests (the shape of docs/api.md).
import type { CostReport } from '../../../api/types';

export const T0 = Date.UTC(2026, 0, 5);
const HOUR = 3_600_000;

export function sampleCost(): CostReport {
  return {
    range: {
      from: new Date(T0).toISOString(),
      to: new Date(T0 + 3 * HOUR).toISOString(),
      previous_from: new Date(T0 - 3 * HOUR).toISOString(),
      previous_to: new Date(T0).toISOString(),
      bucket: '1h',
      bucket_ms: HOUR,
      tz: 'UTC',
    },
    demo: false,
    totals: {
      cost_usd: { value: 4, previous: 3, change_pct: 33.3 },
      calls: { value: 5, previous: 2, change_pct: 150 },
      tokens: { value: 12600, previous: 2200, change_pct: 472.7 },
      cost_per_1k_tokens: { value: 0.3175, previous: 1.3636, change_pct: -76.7 },
      unpriced_calls: 1,
    },
    breakdowns: {
      provider: { distinct: 0, rows: [] },
      experiment: { distinct: 0, rows: [] },
      user: { distinct: 0, rows: [] },
      team: { distinct: 0, rows: [] },
      model: {
        distinct: 4,
        rows: [
          { key: 'claude-x', cost_usd: 2, share: 0.5, calls: 1, unpriced_calls: 0, tokens: 5000, cost_per_1k_tokens: 0.4, previous_cost_usd: 1, change_pct: 100 },
          { key: 'gpt-4o', cost_usd: 1.75, share: 0.4375, calls: 2, unpriced_calls: 0, tokens: 1800, cost_per_1k_tokens: 0.97, previous_cost_usd: 2, change_pct: -12.5 },
          { key: 'local-llm', cost_usd: null, share: null, calls: 1, unpriced_calls: 1, tokens: 3300, cost_per_1k_tokens: null, previous_cost_usd: 0, change_pct: null },
          { key: '(other)', cost_usd: 0.25, share: 0.0625, calls: 1, unpriced_calls: 0, tokens: 2500, cost_per_1k_tokens: 0.1, previous_cost_usd: 0, change_pct: null },
        ],
      },
    },
    over_time: {
      stack_by: 'model',
      bucket: '1h',
      bucket_ms: HOUR,
      t: [T0, T0 + HOUR, T0 + 2 * HOUR],
      series: [
        { name: 'claude-x', cost_usd: [2, null, 0] },
        { name: 'gpt-4o', cost_usd: [0, null, 1.75] },
      ],
    },
    heatmap: {
      tz: 'UTC',
      cells: [
        { weekday: 0, hour: 9, calls: 2, cost_usd: 1.25 },
        { weekday: 1, hour: 14, calls: 2, cost_usd: 2.75 },
        { weekday: 1, hour: 20, calls: 1, cost_usd: null },
        { weekday: 2, hour: 0, calls: 0, cost_usd: null },
      ],
    },
    flows: {
      team_experiment_model: {
        nodes: [
          { id: 'team:ml', kind: 'team', name: 'ml', cost_usd: 1.25 },
          { id: 'experiment:chat', kind: 'experiment', name: 'chat', cost_usd: 1.25 },
          { id: 'model:gpt-4o', kind: 'model', name: 'gpt-4o', cost_usd: 1.25 },
        ],
        links: [
          { source: 'team:ml', target: 'experiment:chat', cost_usd: 1.25 },
          { source: 'experiment:chat', target: 'model:gpt-4o', cost_usd: 1.25 },
        ],
      },
      provider_model: { nodes: [], links: [] },
    },
    efficiency: [
      {
        provider: 'openai', model: 'gpt-4o', calls: 2, cost_usd: 1.75, input_tokens: 1500, output_tokens: 300,
        cached_input_tokens: 400, cost_per_1k_tokens: 0.9722, cost_per_1k_input_tokens: 0.6067, cost_per_1k_output_tokens: 2.8,
        output_input_ratio: 0.2, cached_share: 0.2667, caching_saved_usd: 0.0005,
        list_price_per_1m: { input_usd: 2.5, cached_input_usd: 1.25, output_usd: 10 },
      },
      {
        provider: 'self', model: 'local-llm', calls: 1, cost_usd: null, input_tokens: 3000, output_tokens: 300,
        cached_input_tokens: 0, cost_per_1k_tokens: null, cost_per_1k_input_tokens: null, cost_per_1k_output_tokens: null,
        output_input_ratio: 0.1, cached_share: 0, caching_saved_usd: null,
        list_price_per_1m: { input_usd: null, cached_input_usd: null, output_usd: null },
      },
    ],
    unpriced: {
      calls: 1,
      input_tokens: 3000,
      output_tokens: 300,
      models: [{ provider: 'self', model: 'local-llm', calls: 1, input_tokens: 3000, output_tokens: 300 }],
    },
  };
}
