// A small User Activity response for the prepare-layer tests: the hand-worked week of
// tests/dashboards/users/week.test (four users, two teams, two experiments), plus a funnel.
import type { UserActivity } from '../../../api/types';

const usage = (calls: number, tokens: number, cost: number | null, errors: number) => ({ calls, tokens, cost_usd: cost, errors });
const none = { calls: null, tokens: null, cost_usd: null, errors: null };

export const sampleActivity: UserActivity = {
  range: { from: '2025-12-25T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z', previous_from: '2025-12-18T00:00:00.000Z', previous_to: '2025-12-25T00:00:00.000Z', tz: 'UTC' },
  demo: false,
  totals: {
    users: { value: 4, previous: 2, change_pct: 100 },
    new_users: 2,
    calls: { value: 9, previous: 2, change_pct: 350 },
    tokens: { value: 850, previous: 220, change_pct: 286.36 },
    cost_usd: { value: 7.5, previous: 2.5, change_pct: 200 },
    errors: { value: 1, previous: 1, change_pct: 0 },
    avg_dau: 1,
    stickiness: 13 / 42,
  },
  active: [
    { t: 1766620800000, dau: 2, wau: 3, mau: 3, new: 1, returning: 1, stickiness: 2 / 3 },
    { t: 1766707200000, dau: 1, wau: 3, mau: 3, new: 0, returning: 1, stickiness: 1 / 3 },
    { t: 1766793600000, dau: 1, wau: 3, mau: 3, new: 0, returning: 1, stickiness: 1 / 3 },
    { t: 1766880000000, dau: 0, wau: 3, mau: 3, new: 0, returning: 0, stickiness: 0 },
    { t: 1766966400000, dau: 1, wau: 3, mau: 3, new: 0, returning: 1, stickiness: 1 / 3 },
    { t: 1767052800000, dau: 1, wau: 4, mau: 4, new: 1, returning: 0, stickiness: 0.25 },
    { t: 1767139200000, dau: 1, wau: 4, mau: 4, new: 0, returning: 1, stickiness: 0.25 },
  ],
  per_user: {
    users: 4,
    calls: { mean: 2, p50: 1.5, p90: 3.4, max: 4 },
    tokens: { mean: 210, p50: 100, p90: 468, max: 600 },
    cost_usd: { mean: 2.4667, p50: 1, p90: 5, max: 6 },
    errors: { mean: 0.25, p50: 0, p90: 0.7, max: 1 },
    calls_histogram: [{ lo: 1, hi: 2, users: 2 }, { lo: 2, hi: 5, users: 2 }],
  },
  top_users: {
    sort: 'cost',
    rows: [
      { user: 'ann@acme.dev', team: 'a', ...usage(4, 600, 6, 0), previous: usage(1, 200, 2, 0), change_pct: { calls: 300, tokens: 200, cost_usd: 200, errors: null } },
      { user: 'bob@acme.dev', team: 'b', ...usage(2, 160, 1, 1), previous: usage(0, 0, null, 0), change_pct: none },
      { user: 'dee@acme.dev', team: 'b', ...usage(1, 40, null, 0), previous: usage(1, 20, 0.5, 1), change_pct: { calls: 0, tokens: 100, cost_usd: null, errors: -100 } },
    ],
  },
  teams: [
    { team: 'a', users: 2, previous_users: 1, ...usage(6, 650, 6.5, 0), previous: usage(1, 200, 2, 0), change_pct: { calls: 500, tokens: 225, cost_usd: 225, errors: null } },
    { team: null, users: 1, previous_users: 0, ...usage(1, 10, 0.1, 0), previous: usage(0, 0, null, 0), change_pct: none },
  ],
  experiments: [
    { experiment: 'e1', users: 2, ...usage(5, 350, 3.5, 0) },
    { experiment: 'e2', users: 3, ...usage(4, 500, null, 1) },
  ],
  funnel: {
    window_ms: 86_400_000,
    steps: [
      { step: 'tags.step:search', users: 4, conversion: 1, conversion_from_start: 1, median_ms_from_previous: null },
      { step: 'tags.step:answer', users: 3, conversion: 0.75, conversion_from_start: 0.75, median_ms_from_previous: 30_000 },
    ],
  },
  cohorts: [
    { week: 1766361600000, users: 2, active: [2, 1], retention: [1, 0.5] },
    { week: 1766966400000, users: 1, active: [1], retention: [1] },
  ],
  network: {
    nodes: [
      { user: 'ann@acme.dev', team: 'a', calls: 4, cost_usd: 6 },
      { user: 'bob@acme.dev', team: 'b', calls: 2, cost_usd: 1 },
      { user: 'cy@acme.dev', team: 'a', calls: 1, cost_usd: 0.4 },
      { user: 'dee@acme.dev', team: 'b', calls: 1, cost_usd: null },
    ],
    links: [
      { source: 0, target: 1, shared_experiments: 1, calls: 3 },
      { source: 0, target: 2, shared_experiments: 1, calls: 4 },
      { source: 0, target: 3, shared_experiments: 1, calls: 2 },
      { source: 1, target: 3, shared_experiments: 1, calls: 3 },
    ],
  },
  calendar: {
    from: '2025-01-01T00:00:00.000Z',
    to: '2026-01-01T00:00:00.000Z',
    days: [
      { t: 1765324800000, calls: 1, cost_usd: 1 },
      { t: 1766620800000, calls: 3, cost_usd: 4.25 },
      { t: 1766793600000, calls: 1, cost_usd: null },
    ],
  },
};
